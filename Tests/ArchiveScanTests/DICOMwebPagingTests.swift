import DICOMBridge
import Foundation
import Glibc
import Synchronization
import Testing
@testable import ArchiveScan

/// A QIDO-RS service on a local port that answers study queries as `answer` says (the services'
/// paging habits that Orthanc does not show): every other resource is an empty list.
final class FakeQIDOService: @unchecked Sendable {  // the socket is set once; requests under their Mutex
    let port: UInt16
    /// The query of every study request, in order ("limit=…&offset=…").
    let studyQueries = Mutex<[String]>([])
    private let listener: Int32
    private let answer: @Sendable (_ limit: Int?, _ offset: Int) -> (status: Int, studies: Range<Int>)

    init(answer: @escaping @Sendable (_ limit: Int?, _ offset: Int) -> (status: Int, studies: Range<Int>)) throws {
        self.answer = answer
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 && listen(listener, 16) == 0
            }
        }
        port = UInt16(bigEndian: address.sin_port)
        guard bound else { throw DICOMError.network("the fake QIDO-RS service cannot listen") }
        Thread.detachNewThread { [weak self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }  // closed by deinit
                guard let self else { close(client); return }
                serve(client)
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/dicom-web")! }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var request = [UInt8](), buffer = [UInt8](repeating: 0, count: 4096)
        while !request.suffix(4).elementsEqual("\r\n\r\n".utf8) {
            let got = recv(client, &buffer, buffer.count, 0)
            guard got > 0 else { return }
            request += buffer[0..<got]
        }
        let target = String(decoding: request, as: UTF8.self).split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        let components = URLComponents(string: "http://localhost" + target)
        var (status, body) = (200, "[]")
        if components?.path.hasSuffix("/studies") == true {
            let items = components?.queryItems ?? []
            let limit = items.first { $0.name == "limit" }?.value.flatMap { Int($0) }, offset = items.first { $0.name == "offset" }?.value.flatMap { Int($0) } ?? 0
            studyQueries.withLock { $0.append((limit.map { "limit=\($0)&" } ?? "") + "offset=\(offset)") }
            let (code, studies) = answer(limit, offset)
            status = code
            body = code == 200 ? "[" + studies.map { #"{"0020000D": {"vr": "UI", "Value": ["2.25.\#($0 + 1)"]}, "00080061": {"vr": "CS", "Value": ["CT"]}}"# }
                .joined(separator: ",") + "]" : ""
        }
        let response = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Bad Request")\r\nContent-Type: application/dicom+json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        _ = response.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }
}

/// Study queries against the paging habits of services: five studies in the range each time.
struct DICOMwebPagingTests {
    static func plan(_ service: FakeQIDOService) throws -> PACSRetrieval.Plan {
        let retrieval = PACSRetrieval(archive: .dicomweb(DICOMwebService(baseURL: service.url, timeoutSeconds: 10)),
                                      studyDates: try StudyDateRange(first: "2025-03-01", last: "2025-03-31"))
        return try retrieval.run(into: try IncomingFolder(try StoreFixture.temporaryFolder("paging") + "/into"), dryRun: true).plan
    }

    /// Pages of at most two, whatever the limit asked.
    @Test func aServiceThatCapsItsPagesSilentlyIsReadWhole() throws {
        let service = try FakeQIDOService { limit, offset in (200, offset..<min(5, offset + min(limit ?? 2, 2))) }
        let plan = try Self.plan(service)
        #expect(plan.studiesFound == 5 && plan.studyQueries == 4 && plan.listingsCutShort == 0)
        #expect(service.studyQueries.withLock { $0 } == ["limit=500&offset=0", "limit=500&offset=2", "limit=500&offset=4", "limit=500&offset=5"])
    }

    /// A limit above the service's maximum is refused (HTTP 400): asked again without it, in pages of
    /// the service's own size.
    @Test func aServiceThatRefusesTheLimitIsPagedInItsOwnSize() throws {
        let service = try FakeQIDOService { limit, offset in limit.map { $0 > 100 } == true ? (400, 0..<0) : (200, offset..<min(5, offset + 2)) }
        let plan = try Self.plan(service)
        #expect(plan.studiesFound == 5 && plan.studyQueries == 5)
        #expect(service.studyQueries.withLock { $0 } == ["limit=500&offset=0", "offset=0", "offset=2", "offset=4", "offset=5"])
    }

    /// Offset ignored: the same first page again ends the listing instead of looping, and is counted
    /// (the command warns that matches may be missing).
    @Test func aServiceThatIgnoresTheOffsetIsNotAskedForEver() throws {
        let service = try FakeQIDOService { _, _ in (200, 0..<2) }
        let plan = try Self.plan(service)
        #expect(plan.studiesFound == 2 && plan.studyQueries == 2)
        #expect(plan.listingsCutShort == 1)  // said, as the service may hold more
    }

    /// A query refused with and without the limit is an error naming the service and the status.
    @Test func aQueryRefusedOutrightIsAnError() throws {
        let service = try FakeQIDOService { _, _ in (400, 0..<0) }
        #expect { try Self.plan(service) } throws: { "\($0)".contains("DICOMweb service at 127.0.0.1:\(service.port)/dicom-web") && "\($0)".contains("HTTP 400") }
        #expect(service.studyQueries.withLock { $0 } == ["limit=500&offset=0", "offset=0"])
    }
}
