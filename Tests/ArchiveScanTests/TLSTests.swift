import DICOMBridge
import Foundation
import Glibc
import Synchronization
import Testing
@testable import ArchiveScan

/// A throwaway certificate authority (openssl, installed by Scripts/setup) with a server and a client
/// certificate it signs, and a second authority nobody trusts with a certificate of its own.
struct TestCertificates {
    let folder: String
    var ca: String { folder + "/ca.crt" }
    func key(_ name: String) -> String { folder + "/\(name).key" }
    func certificate(_ name: String) -> String { folder + "/\(name).crt" }

    static let openssl = ["/usr/bin/openssl", "/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    init() throws {
        folder = try StoreFixture.temporaryFolder("tls")
        let openssl = try #require(Self.openssl)
        func run(_ arguments: [String]) throws {
            let result = StoreFixture.run(openssl, arguments)
            guard result.status == 0 else { throw DICOMError.io("openssl \(arguments.first ?? ""): \(result.stderr)") }
        }
        for authority in ["ca", "stranger-ca"] {
            try run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/\(authority).key", "-out", folder + "/\(authority).crt",
                     "-days", "2", "-subj", "/CN=ctdose test \(authority)"])
        }
        for (name, authority) in [("server", "ca"), ("client", "ca"), ("stranger", "stranger-ca")] {
            // The addresses as subject alternative names, which HTTPS clients check (RFC 6125); DICOM TLS does not.
            try run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key(name), "-out", folder + "/\(name).csr", "-subj", "/CN=\(name)",
                     "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
            try run(["x509", "-req", "-in", folder + "/\(name).csr", "-CA", folder + "/\(authority).crt", "-CAkey", folder + "/\(authority).key",
                     "-CAcreateserial", "-out", certificate(name), "-days", "2", "-copy_extensions", "copy"])
        }
    }

    /// DCMTK tool options to connect as `name`, trusting the test authority.
    func toolOptions(as name: String) -> [String] { ["+tls", key(name), certificate(name), "+cf", ca] }
}

/// A TLS-terminating proxy (socat, as sites put stunnel in front of old archives) on `port`, in front
/// of 127.0.0.1:`target`: it presents "server" and requires a client certificate of the test authority.
final class TLSProxy {
    static let socat = "/usr/bin/socat"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: socat) }
    let port: UInt16
    private let process = Process()

    init(certificates: TestCertificates, target: UInt16) throws {
        port = try ReceiveTests.freePort()
        process.executableURL = URL(fileURLWithPath: Self.socat)
        process.arguments = ["OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,verify=1,cert=\(certificates.certificate("server")),"
                             + "key=\(certificates.key("server")),cafile=\(certificates.ca)", "TCP:127.0.0.1:\(target)"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        guard ScanWhenIdleTests.eventually(10, { TLSTests.accepts(port: self.port) }) else { throw DICOMError.network("socat did not listen on \(port)") }
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)  // socat waits for its connections' processes on SIGTERM
        process.waitUntilExit()
    }
}

@Suite(.enabled(if: TestCertificates.openssl != nil && DCMTKTools.path("dcmqrscp") != nil,
                "openssl or dcmtk's tools are not installed: run Scripts/setup"))
struct TLSTests {
    @Test func theReceiverTakesOnlyTLSPeersWithACertificateItTrusts() throws {
        let certificates = try TestCertificates()
        let storescu = try #require(DCMTKTools.path("storescu"))
        let report = SampleExamTests.folder + "/dose-report/SR0001.dcm"
        let root = try StoreFixture.temporaryFolder("tls-receive")
        let folder = try IncomingFolder(root + "/in")
        let port = try ReceiveTests.freePort()
        let tls = TLSSettings(privateKeyFile: certificates.key("server"), certificateFile: certificates.certificate("server"),
                              trustedCertificateFiles: [certificates.ca])
        let receiver = RunningReceiver(folder, port: port, tls: tls)
        // Connections that never start their handshake: each holds one accepting thread for DCMTK's 60 s
        // socket timeout; the client behind them, giving up after 10 s, is not held up (ten of them: more
        // than the eight fixed accepting threads of earlier versions).
        let silent = (0..<10).compactMap { _ in ReceiveTests.connectedSocket(port: port) }
        #expect(silent.count == 10)
        let plain = StoreFixture.run(storescu, ["-aec", "CTDOSE", "127.0.0.1", "\(port)", report])
        let stranger = StoreFixture.run(storescu, ["+tls", certificates.key("stranger"), certificates.certificate("stranger"), "+cf", certificates.ca,
                                                   "-aec", "CTDOSE", "127.0.0.1", "\(port)", report])
        let client = StoreFixture.run(storescu, certificates.toolOptions(as: "client") + ["-ta", "10", "-aec", "CTDOSE", "127.0.0.1", "\(port)", report])
        silent.forEach { close($0) }
        receiver.stop.stop()
        receiver.done.wait()
        #expect(receiver.failure == nil)
        #expect(plain.status != 0 && stranger.status != 0, "plain: \(plain.stderr)\nstranger: \(stranger.stderr)")
        #expect(client.status == 0, "\(client.stderr)")
        #expect(folder.counts.stored == 1 && ReceiveTests.files(under: folder.root).count == 1)
    }

    @Test func aKeyThatIsNotTheCertificatesIsRefusedBeforeListening() throws {
        let certificates = try TestCertificates()
        let folder = try IncomingFolder(try StoreFixture.temporaryFolder("tls-mismatch") + "/in")
        let tls = TLSSettings(privateKeyFile: certificates.key("client"), certificateFile: certificates.certificate("server"))
        #expect {
            try folder.receive(port: try ReceiveTests.freePort(), aeTitle: "CTDOSE", tls: tls, stop: IncomingFolder.Stop())
        } throws: { "\($0)".contains("does not match the certificate") && "\($0)".contains("server.crt") }
    }

    /// Debian's dcmqrscp has no TLS; a PACS behind a TLS-terminating proxy (socat, as sites put stunnel
    /// in front of old archives) that requires a client certificate from the test authority.
    @Test(.enabled(if: TLSProxy.available, "socat is not installed: run Scripts/setup"))
    func aRetrievalOverTLSVerifiesThePACSAndShowsItsCertificate() throws {
        let certificates = try TestCertificates()
        let pacs = try TestPACS()
        try pacs.store(TestPACS.sampleFiles)
        let proxy = try TLSProxy(certificates: certificates, target: pacs.port)
        let tlsPort = proxy.port
        let folder = try IncomingFolder(try StoreFixture.temporaryFolder("tls-retrieve") + "/into")
        func retrieval(trusting authority: String, as client: String? = "client") throws -> PACSRetrieval {
            let tls = TLSSettings(privateKeyFile: client.map(certificates.key), certificateFile: client.map(certificates.certificate),
                                  trustedCertificateFiles: [authority])
            return PACSRetrieval(peer: DICOMPeer(host: "127.0.0.1", port: tlsPort, calledAETitle: "PACS", callingAETitle: "CTDOSE",
                                                 timeoutSeconds: 30, tls: tls),
                                 studyDates: try StudyDateRange(first: "2025-03-01", last: nil), method: .get)
        }
        // A PACS whose certificate the given authority did not sign is not talked to.
        #expect { try retrieval(trusting: certificates.folder + "/stranger-ca.crt").run(into: folder) } throws: {
            "\($0)".contains("PACS at 127.0.0.1:\(tlsPort)") && "\($0)".contains("certificate verify failed")
        }
        // Nor does it let in a client without a certificate of its authority.
        #expect { try retrieval(trusting: certificates.ca, as: nil).run(into: folder) } throws: { "\($0)".contains("PACS at 127.0.0.1:\(tlsPort)") }
        #expect { try retrieval(trusting: certificates.ca, as: "stranger").run(into: folder) } throws: { "\($0)".contains("PACS at 127.0.0.1") }
        #expect(ReceiveTests.files(under: folder.root).isEmpty)
        let reconnections = Mutex<[String]>([])
        let summary = try retrieval(trusting: certificates.ca).run(into: folder) { event in
            if case .reconnecting(let reason) = event { reconnections.withLock { $0.append(reason) } }
        }
        #expect(summary.seriesFetched == 3 && ReceiveTests.files(under: folder.root).count == 23, "\(summary)")
        // Each object once, unless a series was asked for again on a new association (then its objects twice).
        #expect(summary.objectsReceived == 23 || summary.reconnections > 0, "\(summary) \(reconnections.withLock { $0 })")
    }

    /// Whether something accepts TCP connections on the port.
    static func accepts(port: UInt16) -> Bool {
        guard let socket = ReceiveTests.connectedSocket(port: port) else { return false }
        close(socket)
        return true
    }
}
