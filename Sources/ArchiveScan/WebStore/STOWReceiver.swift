import DICOMBridge
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A STOW-RS service (PS3.18 §10.5, DICOMweb store) into an `IncomingFolder`, for senders that push
/// over HTTP instead of DICOM: `POST …/studies` (or `…/studies/{StudyInstanceUID}`) with a
/// `multipart/related; type="application/dicom"` body. Each body is streamed into the receiving folder,
/// then split into its objects, each put in place as the DICOM receiver puts them, and the sender gets
/// the Store Instances Response (`STOWResponse`). Over HTTPS with `tls` (its key and certificate; with
/// trusted certificates, clients must present one they sign); with `authorization`, requests must carry
/// exactly that Authorization header value; a body larger than `maximumBytes` is refused (413) and
/// what came of it removed. SwiftNIO serves the connections.
public final class STOWReceiver: Sendable {
    /// The default largest body: a CT study of several thousand images, sent as one request.
    public static let defaultMaximumBytes = 4 << 30

    private let channel: any Channel
    /// The port listened on (the one asked for, or the one the system chose for 0).
    public let port: Int

    public init(folder: IncomingFolder, host: String = "0.0.0.0", port: UInt16, tls: TLSSettings? = nil, authorization: String? = nil,
                everyClass: Bool = false, maximumBytes: Int = STOWReceiver.defaultMaximumBytes,
                events: @escaping @Sendable (IncomingFolder.Event) -> Void = { _ in }) throws {
        let context = try tls.map(Self.serverContext)
        let settings = STOWRequestHandler.Settings(folder: folder, authorization: authorization, everyClass: everyClass, maximumBytes: maximumBytes,
                                                   events: events)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(STOWRequestHandler(settings: settings))
                }
            }
        do {
            channel = try bootstrap.bind(host: host, port: Int(port)).wait()
        } catch {
            throw DICOMError.network("cannot listen for STOW-RS on port \(port): \(error)")
        }
        self.port = channel.localAddress?.port ?? Int(port)
    }

    /// Stops listening; requests under way are answered first.
    public func close() { try? channel.close().wait() }

    static func serverContext(_ settings: TLSSettings) throws -> NIOSSLContext {
        guard let key = settings.privateKeyFile, let certificate = settings.certificateFile else {
            throw DICOMError.network("HTTPS needs a private key and a certificate")
        }
        do {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            if !settings.trustedCertificateFiles.isEmpty {
                configuration.trustRoots = .certificates(try settings.trustedCertificateFiles.flatMap { try NIOSSLCertificate.fromPEMFile($0) })
                configuration.certificateVerification = .noHostnameVerification  // a client certificate they sign is required
            }
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw DICOMError.network("the TLS files cannot be used for HTTPS: \(error)")
        }
    }
}

/// One connection's requests, one at a time: the head is checked (method, path, media type,
/// Authorization), the body streamed to a file, and the objects placed on another thread before the
/// answer goes back on the connection's event loop.
final class STOWRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    struct Settings: Sendable {
        let folder: IncomingFolder
        let authorization: String?
        let everyClass: Bool
        let maximumBytes: Int
        let events: @Sendable (IncomingFolder.Event) -> Void
    }

    private let settings: Settings
    /// The request being received: its head, the body's boundary and file.
    private var request: (head: HTTPRequestHead, boundary: String, file: String, handle: FileHandle, bytes: Int)?
    /// A request refused from its head: its body is read and dropped, then this is the answer.
    private var refusal: (head: HTTPRequestHead, status: HTTPResponseStatus, text: String)?
    private var client = "?"

    init(settings: Settings) { self.settings = settings }

    func channelActive(context: ChannelHandlerContext) {
        client = context.channel.remoteAddress?.ipAddress ?? "?"
        context.fireChannelActive()
    }

    /// A connection closed before its request's end: what came of the body is removed.
    func channelInactive(context: ChannelHandlerContext) {
        if let request {
            self.request = nil
            try? request.handle.close()
            try? FileManager.default.removeItem(atPath: request.file)
            settings.events(.webStoreEnded(client: client, status: 0, stored: 0, failed: 0))
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if let (status, text) = refusalReason(head) {
                refusal = (head, status, text)
                return
            }
            let boundary = MultipartBody.boundary(ofContentType: head.headers.first(name: "Content-Type") ?? "") ?? ""
            let file = settings.folder.newReceivingFile()
            guard FileManager.default.createFile(atPath: file, contents: nil), let handle = FileHandle(forWritingAtPath: file) else {
                refusal = (head, .internalServerError, "cannot write into the receiving folder")
                return
            }
            request = (head, boundary, file, handle, 0)
            settings.folder.countWebStoreRequest()
            settings.events(.webStoreStarted(client: client))
            if head.headers[canonicalForm: "Expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
        case .body(let buffer):
            guard var request else { return }
            request.bytes += buffer.readableBytes
            self.request = request
            do {
                guard request.bytes <= settings.maximumBytes else { throw BodyTooLarge() }
                try request.handle.write(contentsOf: buffer.readableBytesView)
            } catch {
                self.request = nil
                try? request.handle.close()
                try? FileManager.default.removeItem(atPath: request.file)
                let tooLarge = error is BodyTooLarge
                refusal = (request.head, tooLarge ? .payloadTooLarge : .internalServerError,
                           tooLarge ? "the body is larger than \(settings.maximumBytes) bytes" : "cannot write into the receiving folder")
                settings.events(.webStoreEnded(client: client, status: tooLarge ? 413 : 500, stored: 0, failed: 0))
            }
        case .end:
            if let refusal {
                self.refusal = nil
                respond(context: context, head: refusal.head, status: refusal.status, contentType: "text/plain; charset=utf-8",
                        body: Data((refusal.text + "\n").utf8))
                return
            }
            guard let request else { return }
            self.request = nil
            try? request.handle.close()
            let (settings, client, file, boundary, head) = (self.settings, self.client, request.file, request.boundary, request.head)
            let answer = context.eventLoop.makePromise(of: STOWResponse.self)
            DispatchQueue.global().async {
                let response = Self.store(file: file, boundary: boundary, settings: settings)
                settings.events(.webStoreEnded(client: client, status: response.status, stored: response.stored.count, failed: response.failed.count))
                answer.succeed(response)
            }
            answer.futureResult.assumeIsolated().whenSuccess { response in
                self.respond(context: context, head: head, status: HTTPResponseStatus(statusCode: response.status),
                             contentType: "application/dicom+json", body: response.json)
            }
        }
    }

    /// Why a request is refused from its head, if it is.
    private func refusalReason(_ head: HTTPRequestHead) -> (HTTPResponseStatus, String)? {
        let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
        let parts = path.split(separator: "/")
        guard let studies = parts.lastIndex(of: "studies"), studies >= parts.count - 2 else {
            return (.notFound, "STOW-RS: POST to …/studies")
        }
        guard head.method == .POST else { return (.methodNotAllowed, "STOW-RS: POST only") }
        if let wanted = settings.authorization, head.headers.first(name: "Authorization") != wanted {
            return (.unauthorized, "an Authorization header is required")
        }
        if let length = head.headers.first(name: "Content-Length").flatMap({ Int($0) }), length > settings.maximumBytes {
            return (.payloadTooLarge, "the body is larger than \(settings.maximumBytes) bytes")
        }
        let contentType = head.headers.first(name: "Content-Type") ?? ""
        guard contentType.lowercased().hasPrefix("multipart/related"), MultipartBody.boundary(ofContentType: contentType) != nil else {
            return (.unsupportedMediaType, "STOW-RS: multipart/related with a boundary")
        }
        if let type = MultipartBody.parameter("type", ofContentType: contentType), type.lowercased() != "application/dicom" {
            return (.unsupportedMediaType, "STOW-RS: only application/dicom parts (not metadata and bulk data)")
        }
        return nil
    }

    struct BodyTooLarge: Error {}

    /// Splits the body into its objects and puts each in place; the body's file is removed.
    static func store(file: String, boundary: String, settings: Settings) -> STOWResponse {
        defer { try? FileManager.default.removeItem(atPath: file) }
        var response = STOWResponse()
        do {
            try MultipartBody.forEachPart(inFile: file, boundary: boundary) { contentType, content in
                guard contentType == "application/dicom" || contentType.isEmpty else {
                    response.failed.append(.init(object: .init(), reason: STOWResponse.cannotUnderstand))
                    return
                }
                let outcome = settings.folder.place(object: content, everyClass: settings.everyClass)
                if case .notPlaced(_, _, let reason) = outcome { settings.events(.notPlaced(reason: reason)) }
                response.add(outcome)
            }
        } catch {
            response.malformed = true
        }
        return response
    }

    private func respond(context: ChannelHandlerContext, head request: HTTPRequestHead, status: HTTPResponseStatus, contentType: String, body: Data) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(body.count))])
        if status == .unauthorized { headers.add(name: "WWW-Authenticate", value: #"Bearer realm="ctdose""#) }
        let keepAlive = request.isKeepAlive && status != .unauthorized && status != .payloadTooLarge
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }
}
