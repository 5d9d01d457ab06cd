import DICOMBridge
import Foundation
import Testing
@testable import ArchiveScan

/// `ctdose retrieve` from a DICOMweb service: Orthanc's (Debian's orthanc and orthanc-dicomweb,
/// installed by Scripts/setup), QIDO-RS and WADO-RS over HTTP.
@Suite(.enabled(if: TestOrthanc.executable != nil && TestOrthanc.dicomwebPlugin != nil && DCMTKTools.path("storescu") != nil,
                "Orthanc or its DICOMweb plugin is not installed: run Scripts/setup"))
struct DICOMwebTests {
    static func retrieval(_ orthanc: TestOrthanc, since: String, until: String? = nil, authorization: String? = nil,
                          url: URL? = nil, tls: TLSSettings? = nil) throws -> PACSRetrieval {
        PACSRetrieval(archive: .dicomweb(DICOMwebService(baseURL: url ?? orthanc.dicomwebURL, authorization: authorization, timeoutSeconds: 30, tls: tls)),
                      studyDates: try StudyDateRange(first: since, last: until))
    }

    /// The March range finds the CT study only (QIDO-RS matches Modalities in Study), its series as the
    /// service counts them, and WADO-RS brings the 23 objects as stored, which scan like the files.
    @Test func aPeriodsCTStudyArrivesAsStoredAndScansLikeItsFiles() throws {
        let orthanc = try TestOrthanc()
        try orthanc.store(TestPACS.sampleFiles + TestPACS.otherStudy() + TestPACS.reportOnlyStudy())
        let folder = try RetrieveTests.folder()
        let summary = try Self.retrieval(orthanc, since: "2025-03-01", until: "2025-03-31").run(into: folder)
        #expect(summary.plan.studiesFound == 1 && summary.plan.studiesWanted == 1)
        #expect(summary.plan.series.map { $0.instancesOnPACS ?? -1 }.sorted() == [1, 2, 20])
        #expect(summary.seriesFetched == 3 && summary.seriesIncomplete == 0 && summary.problems.isEmpty, "\(summary.problems)")
        #expect(summary.objectsReceived == 23 && summary.objectsFailed == 0)
        try RetrieveTests.expectTheSampleExamAsStored(in: folder)
        OrthancTests.scannedLikeTheFiles(folder)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.root + "/" + IncomingFolder.receivingFolderName).isEmpty)
        let again = try Self.retrieval(orthanc, since: "2025-03-01", until: "2025-03-31").run(into: folder)
        #expect(again.plan.series.isEmpty && again.plan.seriesAlreadyFetched == 3 && again.plan.imageCountQueries == 0)
        // Without the service's counts, the series fetched before are counted instance by instance.
        var uncounted = try Self.retrieval(orthanc, since: "2025-03-01", until: "2025-03-31")
        uncounted.asksSeriesInstanceCount = false
        let counted = try uncounted.run(into: folder)
        #expect(counted.plan.series.isEmpty && counted.plan.imageCountQueries == 3)
    }

    /// Study queries are paged (limit, offset) until a page brings nothing new: with pages of one, both
    /// studies of the two years are found, in three queries (the third empty).
    @Test func studyQueriesArePaged() throws {
        let orthanc = try TestOrthanc()
        try orthanc.store(TestPACS.sampleFiles + TestPACS.otherStudy())
        var paged = try Self.retrieval(orthanc, since: "2024-01-01", until: "2025-12-31")
        paged.splitAt = 1
        let plan = try paged.run(into: try RetrieveTests.folder(), dryRun: true).plan
        #expect(plan.studiesFound == 2 && plan.studyQueries == 3 && plan.series.count == 6, "\(plan)")
    }

    /// The Authorization header goes with every request: without it Orthanc answers 401, named.
    @Test func theAuthorizationHeaderIsSent() throws {
        let orthanc = try TestOrthanc(user: ("ctdose", "secret"))
        try orthanc.store(TestPACS.sampleFiles)
        #expect { try Self.retrieval(orthanc, since: "2025-03-01").run(into: try RetrieveTests.folder()) } throws: {
            "\($0)".contains("DICOMweb service at 127.0.0.1:\(orthanc.httpPort)/dicom-web") && "\($0)".contains("HTTP 401")
        }
        let basic = "Basic " + Data("ctdose:secret".utf8).base64EncodedString()
        let summary = try Self.retrieval(orthanc, since: "2025-03-01", authorization: basic).run(into: try RetrieveTests.folder())
        #expect(summary.seriesFetched == 3 && summary.objectsReceived == 23)
    }

    /// The command: the Authorization from the environment, counts in the log and no identifier (nor
    /// the credentials); DICOM-only options are refused with a DICOMweb URL.
    @Test func theCommandTakesTheAuthorizationFromTheEnvironmentAndLogsNoIdentifier() throws {
        let orthanc = try TestOrthanc(user: ("ctdose", "secret"))
        try orthanc.store(TestPACS.sampleFiles)
        let root = try StoreFixture.temporaryFolder("dicomweb-command")
        let basic = "Basic " + Data("ctdose:secret".utf8).base64EncodedString()
        let run = StoreFixture.ctdose(["retrieve", "--from", orthanc.dicomwebURL.absoluteString, "--into", root, "--since", "2025-03-01"],
                                      environment: ["CTDOSE_DICOMWEB_AUTHORIZATION": basic])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("DICOMweb service at 127.0.0.1:\(orthanc.httpPort)/dicom-web: 1 studies"), "\(run.stderr)")
        for secret in ["2.25.", "SAMPLE-0001", "PHANTOM", basic, "secret"] { #expect(!run.stderr.contains(secret), "\(secret) in the log") }
        #expect(ReceiveTests.files(under: root).count == 23)
        let refused = StoreFixture.ctdose(["retrieve", "--from", orthanc.dicomwebURL.absoluteString, "--called-ae", "PACS", "--into", root, "--days", "1"])
        #expect(refused.status == 64 && refused.stderr.contains("--from is a DICOMweb service"), "\(refused.stderr)")
    }

    /// HTTPS with a private authority and a client certificate, through a TLS-terminating proxy in front
    /// of Orthanc (Debian's Orthanc 1.10 crashes serving HTTPS itself): it presents a certificate of the
    /// test authority and requires one. Trusting another authority, or the system's, fails the handshake,
    /// named as TLS; without a client certificate the proxy ends it; with both, the 23 objects.
    @Test(.enabled(if: TestCertificates.openssl != nil && TLSProxy.available, "openssl or socat is not installed: run Scripts/setup"))
    func httpsWithAPrivateAuthorityAndAClientCertificate() throws {
        let certificates = try TestCertificates()
        let orthanc = try TestOrthanc()
        try orthanc.store(TestPACS.sampleFiles)
        let proxy = try TLSProxy(certificates: certificates, target: orthanc.httpPort)
        let url = try #require(URL(string: "https://127.0.0.1:\(proxy.port)/dicom-web"))
        let client = (key: certificates.key("client"), certificate: certificates.certificate("client"))
        let folder = try RetrieveTests.folder()
        for trusted in [[certificates.folder + "/stranger-ca.crt"], []] {
            let tls = TLSSettings(privateKeyFile: client.key, certificateFile: client.certificate, trustedCertificateFiles: trusted)
            #expect { try Self.retrieval(orthanc, since: "2025-03-01", url: url, tls: tls).run(into: folder) } throws: {
                "\($0)".contains("DICOMweb service at 127.0.0.1:\(proxy.port)/dicom-web: QIDO-RS query failed: TLS")
            }
        }
        #expect { try Self.retrieval(orthanc, since: "2025-03-01", url: url, tls: TLSSettings(trustedCertificateFiles: [certificates.ca])).run(into: folder) } throws: {
            "\($0)".contains("QIDO-RS query failed")  // no client certificate
        }
        #expect(ReceiveTests.files(under: folder.root).isEmpty)
        let tls = TLSSettings(privateKeyFile: client.key, certificateFile: client.certificate, trustedCertificateFiles: [certificates.ca])
        let summary = try Self.retrieval(orthanc, since: "2025-03-01", url: url, tls: tls).run(into: folder)
        #expect(summary.seriesFetched == 3 && summary.objectsReceived == 23 && summary.problems.isEmpty, "\(summary.problems)")
        try RetrieveTests.expectTheSampleExamAsStored(in: folder)
        #expect { try Self.retrieval(orthanc, since: "2025-03-01", url: url, tls: TLSSettings(trustedCertificateFiles: [client.key])).run(into: folder) } throws: {
            "\($0)".contains("the TLS files cannot be used")
        }
        // The command: the same TLS options as for a DICOM PACS, and only with an https:// URL.
        let root = try StoreFixture.temporaryFolder("dicomweb-https-command")
        let tlsOptions = ["--tls-trust", certificates.ca, "--tls-key", client.key, "--tls-certificate", client.certificate]
        let run = StoreFixture.ctdose(["retrieve", "--from", url.absoluteString, "--into", root, "--since", "2025-03-01"] + tlsOptions)
        #expect(run.status == 0 && ReceiveTests.files(under: root).count == 23, "\(run.stderr)")
        let plain = StoreFixture.ctdose(["retrieve", "--from", orthanc.dicomwebURL.absoluteString, "--into", root, "--days", "1"] + tlsOptions)
        #expect(plain.status == 64 && plain.stderr.contains("the --tls options are for an https:// DICOMweb service"), "\(plain.stderr)")
    }

    @Test func anUnreachableServiceIsNamed() throws {
        let port = try ReceiveTests.freePort()
        let retrieval = PACSRetrieval(archive: .dicomweb(DICOMwebService(baseURL: URL(string: "http://127.0.0.1:\(port)/dicom-web")!, timeoutSeconds: 5)),
                                      studyDates: try StudyDateRange(first: "2025-03-01", last: nil))
        #expect { try retrieval.run(into: try RetrieveTests.folder()) } throws: { "\($0)".contains("DICOMweb service at 127.0.0.1:\(port)/dicom-web") }
    }
}

/// The multipart/related bodies WADO-RS sends (RFC 2046 §5.1), and DICOM JSON values (PS3.18 F.2).
struct MultipartBodyTests {
    static func parts(of body: String, boundary: String) throws -> [(String, String)] {
        let file = try StoreFixture.temporaryFolder("multipart") + "/body"
        try Data(body.utf8).write(to: URL(fileURLWithPath: file))
        var parts: [(String, String)] = []
        try MultipartBody.forEachPart(inFile: file, boundary: boundary) { type, content in parts.append((type, String(decoding: content, as: UTF8.self))) }
        return parts
    }

    @Test func partsWithAndWithoutHeadersAPreambleAndLineBreaksInsideContent() throws {
        let body = "preamble to ignore\r\n--b0\r\nContent-Type: application/dicom; transfer-syntax=1.2.840.10008.1.2.1\r\nContent-Length: 9\r\n\r\nfirst\r\n--x"
            + "\r\n--b0\r\n\r\nsecond\r\n--b0--\r\nepilogue"
        let parts = try Self.parts(of: body, boundary: "b0")
        #expect(parts.map(\.0) == ["application/dicom", ""])
        #expect(parts.map(\.1) == ["first\r\n--x", "second"])
        #expect(MultipartBody.boundary(ofContentType: #"multipart/related; type="application/dicom"; boundary="a b:c""#) == "a b:c")
        #expect(MultipartBody.boundary(ofContentType: "multipart/related;boundary=plain; type=x") == "plain")
        #expect(MultipartBody.boundary(ofContentType: "application/dicom") == nil)
    }

    @Test func aBodyCutShortIsAnError() throws {
        #expect(throws: MultipartError.self) { try Self.parts(of: "--b0\r\nContent-Type: application/dicom\r\n\r\nhalf an obj", boundary: "b0") }
        #expect(throws: MultipartError.self) { try Self.parts(of: "no delimiter at all", boundary: "b0") }
        #expect(try Self.parts(of: "--b0--\r\n", boundary: "b0").isEmpty)
    }

    @Test func dicomJSONValues() throws {
        let object = DICOMJSONObject(try #require(try JSONSerialization.jsonObject(with: Data(#"""
            {"00201209": {"vr": "IS", "Value": [20]}, "0020000E": {"vr": "UI", "Value": ["1.2.3"]},
             "00080060": {"vr": "CS", "Value": ["CT "]}, "0020000D": {"vr": "UI", "Value": ["../1"]}, "00100010": {"vr": "PN"}}
            """#.utf8)) as? [String: Any]))
        #expect(object.string(0x0020_1209) == "20" && object.uid(0x0020_000E) == "1.2.3" && object.string(0x0008_0060) == "CT")
        #expect(object.uid(0x0020_000D) == nil && object.string(0x0010_0010) == nil && object.string(0x0008_0018) == nil)
    }
}
