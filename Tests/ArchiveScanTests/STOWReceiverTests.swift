import AsyncHTTPClient
import DICOMBridge
import Foundation
import Glibc
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization
import Testing
@testable import ArchiveScan

/// A STOW-RS client for the tests (AsyncHTTPClient): one POST of a multipart/related body.
struct STOWClient {
    static let boundary = "ctdose-test-boundary-1f6e"

    /// The body of `parts`: (Content-Type, bytes) each.
    static func body(_ parts: [(String, Data)], cutShort: Bool = false) -> Data {
        var body = Data("preamble\r\n".utf8)
        for (type, bytes) in parts {
            body += Data("--\(boundary)\r\nContent-Type: \(type)\r\n\r\n".utf8) + bytes + Data("\r\n".utf8)
        }
        if !cutShort { body += Data("--\(boundary)--\r\n".utf8) }
        return body
    }

    static func dicomParts(_ files: [String]) throws -> [(String, Data)] {
        try files.map { ("application/dicom", try Data(contentsOf: URL(fileURLWithPath: $0))) }
    }

    /// Status and body of the POST; throws when the connection fails (e.g. a TLS handshake).
    static func post(_ url: String, body: Data, contentType: String = #"multipart/related; type="application/dicom"; boundary=\#(boundary)"#,
                     method: HTTPMethod = .POST, authorization: String? = nil, tls: TLSConfiguration? = nil) throws -> (status: Int, body: Data) {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { try? client.syncShutdown() }
        var headers = HTTPHeaders([("Content-Type", contentType), ("Accept", "application/dicom+json")])
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        let request = try HTTPClient.Request(url: url, method: method, headers: headers, body: .byteBuffer(ByteBuffer(bytes: body)))
        let response = try client.execute(request: request).wait()
        return (Int(response.status.code), response.body.map { Data($0.readableBytesView) } ?? Data())
    }

    /// The SOP Instance UIDs of a Store Instances Response's sequence (0008,1199 stored, 0008,1198 failed),
    /// with each failure's reason.
    static func instances(_ json: Data, in sequence: String) throws -> [(uid: String?, reason: Int?)] {
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let items = (object[sequence] as? [String: Any])?["Value"] as? [[String: Any]] ?? []
        return items.map { item in
            let uid = ((item["00081155"] as? [String: Any])?["Value"] as? [String])?.first
            let reason = ((item["00081197"] as? [String: Any])?["Value"] as? [Int])?.first
            return (uid, reason)
        }
    }
}

/// `STOWReceiver`: objects pushed over DICOMweb land in the folder as the DICOM receiver puts them, and
/// the sender is told which were stored and why others were not (PS3.18 §10.5).
struct STOWReceiverTests {
    static func receiver(authorization: String? = nil, tls: TLSSettings? = nil, everyClass: Bool = false) throws -> (STOWReceiver, IncomingFolder) {
        let folder = try IncomingFolder(try StoreFixture.temporaryFolder("stow") + "/in")
        return (try STOWReceiver(folder: folder, host: "127.0.0.1", port: 0, tls: tls, authorization: authorization, everyClass: everyClass), folder)
    }

    /// The sample exam's 23 objects and a text part in one request: 202, the 23 stored under their SOP
    /// Instance UIDs (which the folder's scan reads as the files' exam) and the text part failed with
    /// "cannot understand".
    @Test func theSampleExamArrivesAndScansLikeItsFiles() throws {
        let (receiver, folder) = try Self.receiver()
        defer { receiver.close() }
        let body = STOWClient.body(try STOWClient.dicomParts(TestPACS.sampleFiles) + [("text/plain", Data("not DICOM".utf8))])
        let answer = try STOWClient.post("http://127.0.0.1:\(receiver.port)/dicom-web/studies", body: body)
        #expect(answer.status == 202)
        let stored = try STOWClient.instances(answer.body, in: "00081199"), failed = try STOWClient.instances(answer.body, in: "00081198")
        #expect(stored.count == 23 && failed.count == 1 && failed.first?.reason == 0xC000)
        let names = Set(ReceiveTests.files(under: folder.root).map { ($0 as NSString).lastPathComponent })
        #expect(names == Set(stored.compactMap { $0.uid.map { $0 + ".dcm" } }))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.root + "/" + IncomingFolder.receivingFolderName).isEmpty)
        OrthancTests.scannedLikeTheFiles(folder)
        #expect(folder.counts.stored == 23 && folder.counts.failed == 0 && folder.counts.webStoreRequests == 1)  // the text part was no object
    }

    /// A class ctdose does not read is refused (0x0122) unless every class is accepted; a body cut short
    /// is a bad request; other paths, methods and media types are refused before the body is read.
    @Test func refusals() throws {
        let root = try StoreFixture.temporaryFolder("stow-mr")
        let mr = root + "/mr.dcm"
        try FileManager.default.copyItem(atPath: TestPACS.sampleFiles[0], toPath: mr)
        #expect(StoreFixture.run(try #require(DCMTKTools.path("dcmodify")), ["-nb", "-m", "(0008,0016)=1.2.840.10008.5.1.4.1.1.4", mr]).status == 0)
        let body = STOWClient.body(try STOWClient.dicomParts([mr]))
        let (strict, _) = try Self.receiver()
        defer { strict.close() }
        let url = "http://127.0.0.1:\(strict.port)/dicom-web/studies"
        let refused = try STOWClient.post(url, body: body)
        let refusedReasons = try STOWClient.instances(refused.body, in: "00081198").map(\.reason)
        #expect(refused.status == 409 && refusedReasons == [0x0122])
        let (lenient, folder) = try Self.receiver(everyClass: true)
        defer { lenient.close() }
        #expect(try STOWClient.post("http://127.0.0.1:\(lenient.port)/dicom-web/studies/2.25.1", body: body).status == 200)
        #expect(ReceiveTests.files(under: folder.root).count == 1)

        #expect(try STOWClient.post(url, body: STOWClient.body(try STOWClient.dicomParts([mr]), cutShort: true)).status == 400)
        #expect(try STOWClient.post(url, body: body, contentType: "application/dicom").status == 415)
        #expect(try STOWClient.post(url, body: body, contentType: #"multipart/related; type="application/dicom+json"; boundary=x"#).status == 415)
        #expect(try STOWClient.post(url, body: body, contentType: "multipart/related; type=application/dicom+json; boundary=x").status == 415)
        let ct = STOWClient.body(try STOWClient.dicomParts([TestPACS.sampleFiles[1]]))
        #expect(try STOWClient.post(url, body: ct, contentType: "Multipart/Related; Boundary=\(STOWClient.boundary); TYPE=Application/DICOM").status == 200)
        #expect(try STOWClient.post(url, body: Data(), method: .GET).status == 405)
        #expect(try STOWClient.post("http://127.0.0.1:\(strict.port)/dicom-web/studies/2.25.1/series", body: body).status == 404)
    }

    /// A sender that goes away in the middle of its body leaves nothing: no object, no file in the
    /// receiving folder, and the end of its request told (status 0).
    @Test func aRequestCutOffLeavesNothing() throws {
        let folder = try IncomingFolder(try StoreFixture.temporaryFolder("stow-cut") + "/in")
        let ended = Mutex<[Int]>([])
        let receiver = try STOWReceiver(folder: folder, host: "127.0.0.1", port: 0) { event in
            if case .webStoreEnded(_, let status, _, _) = event { ended.withLock { $0.append(status) } }
        }
        defer { receiver.close() }
        let socket = try #require(ReceiveTests.connectedSocket(port: UInt16(receiver.port)))
        let body = STOWClient.body(try STOWClient.dicomParts([TestPACS.sampleFiles[0]]))
        let head = "POST /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/related; type=\"application/dicom\"; "
            + "boundary=\(STOWClient.boundary)\r\nContent-Length: \(body.count)\r\n\r\n"
        let sent = (Data(head.utf8) + body.prefix(body.count / 2)).withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        #expect(sent > 0)
        let receiving = folder.root + "/" + IncomingFolder.receivingFolderName
        #expect(ScanWhenIdleTests.eventually(10) { (try? FileManager.default.contentsOfDirectory(atPath: receiving))?.isEmpty == false })
        close(socket)
        #expect(ScanWhenIdleTests.eventually(10) { ended.withLock { $0 } == [0] })
        #expect(try FileManager.default.contentsOfDirectory(atPath: receiving).isEmpty)
        #expect(ReceiveTests.files(under: folder.root).isEmpty && folder.counts == IncomingFolder.Counts(webStoreRequests: 1))
    }

    /// Damaged bodies never stop the service: 120 copies of a three-object body, each with bytes
    /// overwritten, cut short or a boundary line inserted at positions spread over the whole body
    /// (headers, delimiters, DICOM content), are each answered 200, 202, 400 or 409; the receiving
    /// folder ends empty, and every object kept is a readable DICOM file named by its SOP Instance UID.
    @Test func damagedBodiesAreAnsweredAndLeaveOnlyWholeObjects() throws {
        let (receiver, folder) = try Self.receiver(everyClass: true)
        defer { receiver.close() }
        let url = "http://127.0.0.1:\(receiver.port)/dicom-web/studies"
        let body = STOWClient.body(try STOWClient.dicomParts(Array(TestPACS.sampleFiles.suffix(3))))
        var statuses: [Int: Int] = [:]
        for round in 0..<120 {
            var damaged = body
            let position = (round * 7919 + 13) % body.count  // primes: positions spread, the same every run
            switch round % 3 {
            case 0: for offset in 0..<8 where position + offset < damaged.count { damaged[position + offset] ^= UInt8(truncatingIfNeeded: 0x5A + round) }
            case 1: damaged = damaged.prefix(position)
            default: damaged.insert(contentsOf: Data("\r\n--\(STOWClient.boundary)\r\n".utf8), at: position)
            }
            let status = try STOWClient.post(url, body: damaged).status
            statuses[status, default: 0] += 1
            #expect([200, 202, 400, 409].contains(status), "round \(round): HTTP \(status)")
        }
        #expect(statuses.count >= 2, "\(statuses)")  // damage of several kinds was seen
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.root + "/" + IncomingFolder.receivingFolderName).isEmpty)
        for file in ReceiveTests.files(under: folder.root) {
            let uid = try DICOMFile.read(folder.root + "/" + file, headersOnly: true) { $0.string(.sopInstanceUID) }
            #expect(uid.map { $0 + ".dcm" } == (file as NSString).lastPathComponent, "\(file)")
        }
        #expect(try STOWClient.post(url, body: body).status == 200)  // and it still serves
    }

    /// A body over the limit is refused with 413: at once when its Content-Length says so, and when a
    /// chunked body passes the limit on the way (what came of it removed); one under it is stored.
    @Test func aBodyOverTheLimitIsRefused() throws {
        let folder = try IncomingFolder(try StoreFixture.temporaryFolder("stow-limit") + "/in")
        let ended = Mutex<[Int]>([])
        let receiver = try STOWReceiver(folder: folder, host: "127.0.0.1", port: 0, maximumBytes: 100_000) { event in
            if case .webStoreEnded(_, let status, _, _) = event { ended.withLock { $0.append(status) } }
        }
        defer { receiver.close() }
        let url = "http://127.0.0.1:\(receiver.port)/dicom-web/studies"
        let large = STOWClient.body(try STOWClient.dicomParts(Array(TestPACS.sampleFiles.prefix(3))))
        #expect(large.count > 100_000)
        #expect(try STOWClient.post(url, body: large).status == 413)

        let socket = try #require(ReceiveTests.connectedSocket(port: UInt16(receiver.port)))
        defer { close(socket) }
        var request = Data(("POST /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                            + "Content-Type: multipart/related; type=\"application/dicom\"; boundary=\(STOWClient.boundary)\r\n\r\n").utf8)
        for start in stride(from: 0, to: large.count, by: 16_384) {
            let chunk = large[start..<min(start + 16_384, large.count)]
            request += Data((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Data("\r\n".utf8)
        }
        request += Data("0\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer = [UInt8](repeating: 0, count: 512)
        let got = recv(socket, &answer, answer.count, 0)
        #expect(String(decoding: answer.prefix(max(got, 0)), as: UTF8.self).hasPrefix("HTTP/1.1 413"))
        #expect(ScanWhenIdleTests.eventually(10) { ended.withLock { $0 } == [413] })
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.root + "/" + IncomingFolder.receivingFolderName).isEmpty)
        #expect(ReceiveTests.files(under: folder.root).isEmpty)

        let small = STOWClient.body(try STOWClient.dicomParts([SampleExamTests.folder + "/dose-report/SR0001.dcm"]))
        #expect(small.count < 100_000)
        #expect(try STOWClient.post(url, body: small).status == 200 && ReceiveTests.files(under: folder.root).count == 1)
    }

    /// With an Authorization value, a request without it (or with another) is refused with 401.
    @Test func theAuthorizationIsRequired() throws {
        let (receiver, folder) = try Self.receiver(authorization: "Bearer s3cret")
        defer { receiver.close() }
        let url = "http://127.0.0.1:\(receiver.port)/dicom-web/studies"
        let body = STOWClient.body(try STOWClient.dicomParts(Array(TestPACS.sampleFiles.prefix(2))))
        #expect(try STOWClient.post(url, body: body).status == 401)
        #expect(try STOWClient.post(url, body: body, authorization: "Bearer wrong").status == 401)
        #expect(ReceiveTests.files(under: folder.root).isEmpty)
        #expect(try STOWClient.post(url, body: body, authorization: "Bearer s3cret").status == 200)
        #expect(ReceiveTests.files(under: folder.root).count == 2)
    }

    /// HTTPS: the receiver presents "server" and requires a client certificate of the test authority.
    @Test(.enabled(if: TestCertificates.openssl != nil, "openssl is not installed: run Scripts/setup"))
    func httpsWithClientCertificates() throws {
        let certificates = try TestCertificates()
        let (receiver, folder) = try Self.receiver(tls: TLSSettings(privateKeyFile: certificates.key("server"), certificateFile: certificates.certificate("server"),
                                                                    trustedCertificateFiles: [certificates.ca]))
        defer { receiver.close() }
        let url = "https://127.0.0.1:\(receiver.port)/dicom-web/studies"
        let body = STOWClient.body(try STOWClient.dicomParts(Array(TestPACS.sampleFiles.prefix(3))))
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificates.ca))
        #expect(throws: (any Error).self) { try STOWClient.post(url, body: body, tls: tls) }  // no client certificate
        #expect(throws: (any Error).self) { try STOWClient.post("http://127.0.0.1:\(receiver.port)/dicom-web/studies", body: body) }  // plain HTTP
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificates.certificate("client")).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: certificates.key("client"), format: .pem))
        #expect(try STOWClient.post(url, body: body, tls: tls).status == 200)
        #expect(ReceiveTests.files(under: folder.root).count == 3)
    }
}

/// An independent STOW-RS client: Orthanc's DICOMweb plugin pushes a study to `ctdose receive
/// --stow-port` (Orthanc's REST call /dicom-web/servers/ctdose/stow), with an Authorization header.
@Suite(.enabled(if: TestOrthanc.executable != nil && TestOrthanc.dicomwebPlugin != nil && DCMTKTools.path("storescu") != nil,
                "Orthanc or its DICOMweb plugin is not installed: run Scripts/setup"))
struct OrthancSTOWTests {
    /// Orthanc's REST API: a GET or POST with a JSON body; the status and the JSON answer.
    static func rest(_ orthanc: TestOrthanc, _ path: String, post json: [String: Any]? = nil) throws -> (status: Int, json: Any?) {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { try? client.syncShutdown() }
        let body = try json.map { HTTPClient.Body.bytes(try JSONSerialization.data(withJSONObject: $0)) }
        let request = try HTTPClient.Request(url: "http://127.0.0.1:\(orthanc.httpPort)\(path)", method: json == nil ? .GET : .POST, body: body)
        let response = try client.execute(request: request).wait()
        let data = response.body.map { Data($0.readableBytesView) } ?? Data()
        return (Int(response.status.code), try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed))
    }

    @Test(.timeLimit(.minutes(2))) func orthancPushesAStudyToTheReceiveCommand() throws {
        let root = try StoreFixture.temporaryFolder("stow-orthanc")
        let (port, stowPort) = (try ReceiveTests.freePort(), try ReceiveTests.freePort())
        try "Bearer orthanc-pushes\n".write(toFile: root + "/token", atomically: true, encoding: .utf8)
        let command = try BackgroundCommand([StoreFixture.executable, "receive", "--into", root + "/in", "--port", "\(port)", "--stow-port", "\(stowPort)",
                                             "--stow-authorization-file", root + "/token"], in: root)
        #expect(command.answersEcho(port: port, calledAETitle: "CTDOSE"))
        let url = "http://127.0.0.1:\(stowPort)/dicom-web/"
        let orthanc = try TestOrthanc(dicomwebServers: ["ctdose": (url, ["Authorization": "Bearer orthanc-pushes"]), "no-token": (url, [:])])
        try orthanc.store(TestPACS.sampleFiles)
        let studies = try #require(try Self.rest(orthanc, "/studies").json as? [String])
        #expect(studies.count == 1)
        // Without the token ctdose refuses (Orthanc reports the failure); with it, the study arrives.
        #expect(try Self.rest(orthanc, "/dicom-web/servers/no-token/stow", post: ["Resources": studies]).status != 200)
        #expect(ReceiveTests.files(under: root + "/in").isEmpty)
        #expect(try Self.rest(orthanc, "/dicom-web/servers/ctdose/stow", post: ["Resources": studies]).status == 200)
        let (status, log) = command.terminate()
        #expect(status == 0, "\(log)")
        #expect(ReceiveTests.files(under: root + "/in").count == 23)
        OrthancTests.scannedLikeTheFiles(try IncomingFolder(root + "/in"))
        #expect(log.contains("STOW-RS from 127.0.0.1: HTTP 200, 23 objects stored, 0 refused"), "\(log)")
        #expect(log.contains("associations and 1 STOW-RS requests, 0 failed"), "\(log)")  // the refused one was not taken
        for secret in ["2.25.", "SAMPLE-0001", "orthanc-pushes"] { #expect(!log.contains(secret), "\(secret) in the log") }
    }
}
