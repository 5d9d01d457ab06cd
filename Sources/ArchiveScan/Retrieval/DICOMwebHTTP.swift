import AsyncHTTPClient
import DICOMBridge
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// HTTP and HTTPS to a DICOMweb service over AsyncHTTPClient (SwiftNIO, BoringSSL): the system's
/// certificate authorities, or only those given (`--tls-trust`), and a client certificate
/// (`--tls-key`, `--tls-certificate`) for services that ask for one; response bodies are streamed to a
/// file. Each request is made and waited for on the calling thread. The Authorization header is sent
/// with every request and logged nowhere (the client has no logger).
final class DICOMwebHTTP: Sendable {
    private let client: HTTPClient
    private let authorization: String?
    let name: String

    init(service: DICOMwebService) throws {
        name = service.name
        authorization = service.authorization
        var tls = TLSConfiguration.makeClientConfiguration()  // TLS 1.2 or newer, peer verified with its host name
        if let settings = service.tls {
            do {
                if !settings.trustedCertificateFiles.isEmpty {
                    tls.trustRoots = .certificates(try settings.trustedCertificateFiles.flatMap { try NIOSSLCertificate.fromPEMFile($0) })
                }
                if let key = settings.privateKeyFile, let certificate = settings.certificateFile {
                    tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
                    tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
                }
            } catch {
                throw RetrievalError.pacs("\(service.name): the TLS files cannot be used: \(error)")
            }
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(30), read: .seconds(Int64(service.timeoutSeconds)))
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        // A refused connection or a failed handshake is the answer: retried, it would only come after
        // the connect timeout, with the same reason.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Once, before the last reference goes: the client's connections are closed.
    func close() { try? client.syncShutdown() }

    private func request(_ url: URL, accept: String) throws -> HTTPClient.Request {
        var headers = HTTPHeaders([("Accept", accept)])
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        return try HTTPClient.Request(url: url, method: .GET, headers: headers)
    }

    /// The status and body of a GET; `what` names the request in an error.
    func get(_ url: URL, accept: String, what: String) throws -> (status: Int, body: Data) {
        do {
            let response = try client.execute(request: try request(url, accept: accept)).wait()
            return (Int(response.status.code), response.body.map { Data($0.readableBytesView) } ?? Data())
        } catch {
            throw RetrievalError.pacs("\(name): \(what) failed: \(Self.describe(error))")
        }
    }

    /// A GET whose body goes into `file` as it arrives; returns the status and Content-Type.
    func download(_ url: URL, accept: String, to file: String, what: String) throws -> (status: Int, contentType: String) {
        do {
            let delegate = try FileDownloadDelegate(path: file)
            let progress = try client.execute(request: try request(url, accept: accept), delegate: delegate).wait()
            return (Int(progress.head.status.code), progress.head.headers.first(name: "Content-Type") ?? "")
        } catch {
            throw RetrievalError.pacs("\(name): \(what) failed: \(Self.describe(error))")
        }
    }

    /// TLS failures said as such (BoringSSL's reason kept), the rest as SwiftNIO describes them.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as NIOSSLError: return "TLS: \(error)"
        case let error as NIOSSLExtraError: return "TLS: \(error)"
        default: return String(describing: error)
        }
    }
}
