import DICOMBridge
import Foundation
import Glibc
import Testing
@testable import ArchiveScan

/// A second PACS to retrieve from, unrelated to DCMTK's own: Orthanc (Debian's orthanc package,
/// installed by Scripts/setup), with its index and storage in a temporary folder, knowing the move
/// destination CTDOSE at 127.0.0.1:`receivePort`, optionally speaking DICOM over TLS itself.
final class TestOrthanc: @unchecked Sendable {  // its fields are set once, in init
    static let executable = ["/usr/sbin/Orthanc", "/usr/bin/Orthanc"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let dicomwebPlugin = ["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"].first { FileManager.default.fileExists(atPath: $0) }
    let port: UInt16
    let receivePort: UInt16
    let httpPort: UInt16
    let root: String
    /// TLS options for DCMTK's tools talking to it (nil: plain TCP).
    let toolTLS: [String]?
    private let process = Process()

    /// With `certificates`, every association to and from it is TLS: it presents "server", trusts the
    /// test authority and requires a certificate it signs. Its DICOMweb service (the orthanc-dicomweb
    /// plugin) is at `dicomwebURL`, asking for HTTP basic authentication as `user` when given; it knows
    /// the DICOMweb servers `dicomwebServers` (name → base URL and HTTP headers) to send to with STOW-RS.
    init(certificates: TestCertificates? = nil, user: (name: String, password: String)? = nil,
         dicomwebServers: [String: (url: String, headers: [String: String])] = [:]) throws {
        root = try StoreFixture.temporaryFolder("orthanc")
        port = try ReceiveTests.freePort()
        receivePort = try ReceiveTests.freePort()
        httpPort = try ReceiveTests.freePort()
        var configuration: [String: Any] = [
            "Name": "ctdose-test", "StorageDirectory": root + "/storage", "IndexDirectory": root + "/index",
            "HttpPort": Int(httpPort), "DicomPort": Int(port), "DicomAet": "ORTHANC", "RemoteAccessAllowed": false,
            "AuthenticationEnabled": user != nil, "RegisteredUsers": user.map { [$0.name: $0.password] } ?? [:],
            "DicomModalities": ["ctdose": ["AET": "CTDOSE", "Host": "127.0.0.1", "Port": Int(receivePort), "UseDicomTls": certificates != nil]],
            "Plugins": Self.dicomwebPlugin.map { [$0] } ?? [], "DicomWeb": ["Enable": true, "Root": "/dicom-web/", "Servers": dicomwebServers.mapValues { ["Url": $0.url, "HttpHeaders": $0.headers] }],
        ]
        if let certificates {
            configuration["DicomTlsEnabled"] = true
            configuration["DicomTlsCertificate"] = certificates.certificate("server")
            configuration["DicomTlsPrivateKey"] = certificates.key("server")
            configuration["DicomTlsTrustedCertificates"] = certificates.ca
            configuration["DicomTlsRemoteCertificateRequired"] = true
        }
        toolTLS = certificates.map { $0.toolOptions(as: "client") }
        try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: root + "/orthanc.json"))
        process.executableURL = URL(fileURLWithPath: try #require(Self.executable))
        process.arguments = [root + "/orthanc.json"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard ScanWhenIdleTests.eventually(20, { TLSTests.accepts(port: port) && TLSTests.accepts(port: httpPort) }) else {
            throw DICOMError.network("Orthanc did not start on port \(port)")
        }
    }

    var dicomwebURL: URL { URL(string: "http://127.0.0.1:\(httpPort)/dicom-web")! }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Stores the files into it with storescu, as CTDOSE (a modality it knows).
    func store(_ files: [String]) throws {
        let sent = StoreFixture.run(try #require(DCMTKTools.path("storescu")),
                                    (toolTLS ?? []) + ["-aet", "CTDOSE", "-aec", "ORTHANC", "127.0.0.1", "\(port)"] + files)
        #expect(sent.status == 0, "\(sent.stderr)")
    }

    func retrieval(since: String, until: String? = nil, method: PACSRetrieval.Method = .move, callingAETitle: String = "CTDOSE",
                   tls: TLSSettings? = nil) throws -> PACSRetrieval {
        PACSRetrieval(peer: DICOMPeer(host: "127.0.0.1", port: port, calledAETitle: "ORTHANC", callingAETitle: callingAETitle,
                                      timeoutSeconds: 30, tls: tls),
                      studyDates: try StudyDateRange(first: since, last: until), method: method, receivePort: receivePort)
    }
}

@Suite(.enabled(if: TestOrthanc.executable != nil && DCMTKTools.path("storescu") != nil && DCMTKTools.path("dcmodify") != nil,
                "Orthanc or dcmtk's tools are not installed: run Scripts/setup"))
struct OrthancTests {
    static func scannedLikeTheFiles(_ folder: IncomingFolder) {
        let scanned = ArchiveScanner(jobs: 2).scan([folder.root]), fromFiles = SampleExamTests.result
        #expect(scanned.exams.count == 1 && scanned.problems.isEmpty, "\(scanned.problems)")
        #expect(scanned.exams.first?.studyInstanceUID == fromFiles.exams.first?.studyInstanceUID)
        #expect(scanned.exams.first?.dlpTotalMilligrayCentimeters == 159.6)
        #expect(scanned.ctImages == fromFiles.ctImages && scanned.doseReports == 1)
    }

    /// Orthanc matches Modalities in Study (dcmqrscp ignores it): the study holding only a dose report
    /// is not even found. It returns Number of Series Related Instances, so a second run asks nothing
    /// at IMAGE level.
    @Test func movesAPeriodsCTStudy() throws {
        let orthanc = try TestOrthanc()
        try orthanc.store(TestPACS.sampleFiles + TestPACS.otherStudy() + TestPACS.reportOnlyStudy())
        let folder = try RetrieveTests.folder()
        let summary = try orthanc.retrieval(since: "2025-03-01", until: "2025-03-31").run(into: folder)
        #expect(summary.plan.studiesFound == 1 && summary.plan.studiesWanted == 1)
        #expect(summary.plan.series.map(\.modality).sorted() == ["CT", "CT", "SR"])
        #expect(summary.plan.series.map { $0.instancesOnPACS ?? -1 }.sorted() == [1, 2, 20])
        #expect(summary.seriesFetched == 3 && summary.seriesIncomplete == 0 && summary.problems.isEmpty, "\(summary.problems)")
        #expect(summary.objectsReceived == 23 && summary.objectsFailed == 0)
        #expect(ReceiveTests.files(under: folder.root).count == 23)
        Self.scannedLikeTheFiles(folder)
        let again = try orthanc.retrieval(since: "2025-03-01", until: "2025-03-31").run(into: folder)
        #expect(again.plan.series.isEmpty && again.plan.seriesAlreadyFetched == 3 && again.plan.imageCountQueries == 0)
    }

    @Test func getsTheSameObjects() throws {
        let orthanc = try TestOrthanc()
        try orthanc.store(TestPACS.sampleFiles)
        let folder = try RetrieveTests.folder()
        let summary = try orthanc.retrieval(since: "2025-03-01", method: .get).run(into: folder)
        #expect(summary.seriesFetched == 3 && summary.objectsReceived == 23 && summary.problems.isEmpty, "\(summary)")
        Self.scannedLikeTheFiles(folder)
    }

    /// Orthanc ends the association when an AE title it does not know queries: the error says so.
    @Test func anUnknownCallingAETitleIsNamed() throws {
        let orthanc = try TestOrthanc()
        try orthanc.store(TestPACS.sampleFiles)
        #expect { try orthanc.retrieval(since: "2025-03-01", method: .get, callingAETitle: "NOBODY").run(into: try RetrieveTests.folder()) } throws: {
            "\($0)".contains("ORTHANC at 127.0.0.1:\(orthanc.port)") && "\($0)".contains("does not know the calling AE title NOBODY")
        }
    }

    /// DICOM over TLS spoken by the PACS itself, both ways: the query association to Orthanc, and
    /// Orthanc's C-STORE associations to the retrieval's receiver, each side checking the other's
    /// certificate against the test authority.
    @Test(.enabled(if: TestCertificates.openssl != nil, "openssl is not installed: run Scripts/setup"))
    func movesOverTLSBothWays() throws {
        let certificates = try TestCertificates()
        let orthanc = try TestOrthanc(certificates: certificates)
        try orthanc.store(TestPACS.sampleFiles)
        func tls(trusting authority: String) -> TLSSettings {
            TLSSettings(privateKeyFile: certificates.key("client"), certificateFile: certificates.certificate("client"),
                        trustedCertificateFiles: [authority])
        }
        let folder = try RetrieveTests.folder()
        #expect { try orthanc.retrieval(since: "2025-03-01", tls: tls(trusting: certificates.folder + "/stranger-ca.crt")).run(into: folder) } throws: {
            "\($0)".contains("certificate verify failed")
        }
        #expect { try orthanc.retrieval(since: "2025-03-01").run(into: folder) } throws: { "\($0)".contains("ORTHANC at 127.0.0.1") }  // plain TCP
        #expect(ReceiveTests.files(under: folder.root).isEmpty)
        let summary = try orthanc.retrieval(since: "2025-03-01", tls: tls(trusting: certificates.ca)).run(into: folder)
        #expect(summary.seriesFetched == 3 && summary.objectsReceived == 23 && summary.problems.isEmpty, "\(summary)")
        Self.scannedLikeTheFiles(folder)
    }
}
