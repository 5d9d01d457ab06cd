import DICOMBridge
import Foundation

/// A DICOMweb service (PS3.18): its base URL (the "dicom-web" root the studies resource hangs from) and
/// what every request carries.
public struct DICOMwebService: Sendable {
    public var baseURL: URL
    /// The Authorization header value (e.g. "Bearer …"), never logged.
    public var authorization: String?
    public var timeoutSeconds: Double
    /// For https: the authorities to trust instead of the system's, and a client certificate (nil: the
    /// system's authorities, no client certificate).
    public var tls: TLSSettings?

    public init(baseURL: URL, authorization: String? = nil, timeoutSeconds: Double = 600, tls: TLSSettings? = nil) {
        self.baseURL = baseURL
        self.authorization = authorization
        self.timeoutSeconds = timeoutSeconds
        self.tls = tls
    }

    /// "DICOMweb service at HOST[:PORT]/PATH", without credentials or query.
    public var name: String {
        let port = baseURL.port.map { ":\($0)" } ?? ""
        return "DICOMweb service at \(baseURL.host ?? "?")\(port)\(baseURL.path)"
    }
}

/// A PACS over DICOMweb: QIDO-RS for studies, series and instances (JSON, PS3.18 §10.6, F.2), paged
/// with limit and offset until a page brings nothing new (a service may cap its pages silently, or
/// ignore offset); WADO-RS for each series as multipart/related application/dicom in the transfer
/// syntax the service holds (transfer-syntax=*, PS3.18 §8.7.3.5.2; asked again without it when
/// refused), streamed into a file and split into the folder's objects.
final class DICOMwebArchive: StudyArchive {
    let service: DICOMwebService
    private let http: DICOMwebHTTP
    /// Whether QIDO-RS queries carry `limit` (until a service refuses it).
    private var sendsLimit = true

    var name: String { service.name }
    let reconnections = 0
    private(set) var listingsCutShort = 0

    init(service: DICOMwebService) throws {
        self.service = service
        http = try DICOMwebHTTP(service: service)
    }

    func close() { http.close() }

    /// Modalities in Study is asked as a return attribute, not matched: matching on it breaks paging in
    /// some services (Orthanc 1.10 returns nothing past the first page). A study whose answer lists
    /// modalities without CT is left out here; one without the attribute is left to its series.
    func studies(in range: StudyDateRange, splitAt: Int, plan: inout PACSRetrieval.Plan) throws -> [String] {
        let (studies, pages) = try queryAll("studies", [("StudyDate", range.dicomRange), ("includefield", "0020000D"), ("includefield", "00080061")],
                                            pageSize: splitAt)
        plan.studyQueries += pages
        return studies.compactMap { study in
            let modalities = study.strings(0x0008_0061).map { $0.uppercased() }
            return modalities.isEmpty || modalities.contains("CT") ? study.uid(0x0020_000D) : nil
        }
    }

    func series(ofStudy studyInstanceUID: String, withCounts: Bool) throws -> [ArchiveSeries] {
        try queryAll("studies/\(studyInstanceUID)/series", [("includefield", "00201209")], pageSize: 1000).rows.compactMap { row in
            guard let uid = row.uid(0x0020_000E) else { return nil }
            return ArchiveSeries(seriesInstanceUID: uid, modality: (row.string(0x0008_0060) ?? "").uppercased(),
                                 instances: withCounts ? row.string(0x0020_1209).flatMap { Int($0) } : nil)
        }
    }

    func instanceCount(studyInstanceUID: String, seriesInstanceUID: String) throws -> Int {
        try Set(queryAll("studies/\(studyInstanceUID)/series/\(seriesInstanceUID)/instances", [("includefield", "00080018")],
                         pageSize: 1000).rows.compactMap { $0.uid(0x0008_0018) }).count
    }

    func startFetching(into folder: IncomingFolder, progress: @escaping @Sendable (PACSRetrieval.Progress) -> Void) throws {}
    func finishFetching() {}

    /// The series as one multipart response, saved under the folder's receiving folder, then each part
    /// received into the folder as its own object. Whole when the service answered 200, every part is a
    /// DICOM object put in place, and there are at least as many as the service counted.
    func fetch(_ series: PACSRetrieval.Series, into folder: IncomingFolder,
               progress: @escaping @Sendable (PACSRetrieval.Progress) -> Void) throws -> SeriesFetch {
        let path = "studies/\(series.studyInstanceUID)/series/\(series.seriesInstanceUID)"
        var response = try download(path, accept: #"multipart/related; type="application/dicom"; transfer-syntax=*"#, into: folder)
        if response.status == 406 || response.status == 400 {  // transfer-syntax=* refused: the service's default
            try? FileManager.default.removeItem(atPath: response.file)
            response = try download(path, accept: #"multipart/related; type="application/dicom""#, into: folder)
        }
        defer { try? FileManager.default.removeItem(atPath: response.file) }
        guard response.status == 200 || response.status == 206 else {
            return SeriesFetch(whole: false, objects: 0, problem: "a \(series.modality) series: WADO-RS answered HTTP \(response.status)")
        }
        guard let boundary = MultipartBody.boundary(ofContentType: response.contentType) else {
            return SeriesFetch(whole: false, objects: 0, problem: "a \(series.modality) series: WADO-RS answered \(response.contentType.prefix(40)), not multipart")
        }
        var placed = 0, failed = 0
        do {
            try MultipartBody.forEachPart(inFile: response.file, boundary: boundary) { contentType, content in
                guard contentType == "application/dicom" || contentType.isEmpty, case .placed = folder.place(object: content) else { failed += 1; return }
                placed += 1
            }
        } catch {
            return SeriesFetch(whole: false, objects: placed, problem: "a \(series.modality) series: \(error)")
        }
        let expected = series.instancesOnPACS ?? 0
        let whole = response.status == 200 && failed == 0 && placed >= expected
        return SeriesFetch(whole: whole, objects: placed, problem: whole ? nil :
            "a \(series.modality) series: WADO-RS HTTP \(response.status), \(placed) objects placed, \(failed) not, \(expected) counted by the service")
    }

    // MARK: HTTP

    /// Every match of a QIDO-RS query, page after page of `pageSize`, until a page is empty or brings
    /// nothing new (a short page is not taken as the last: a service may cap pages below `pageSize`); a
    /// page of repeats (a service that ignores `offset`) is counted in `listingsCutShort`.
    /// A service that refuses the page size (HTTP 400: some accept only small limits) is asked again
    /// without one, for the rest of the run, and paged by offset in its own page size. Returns the
    /// requests sent.
    private func queryAll(_ resource: String, _ query: [(String, String)], pageSize: Int) throws -> (rows: [DICOMJSONObject], pages: Int) {
        var all: [DICOMJSONObject] = [], seen = Set<Data>(), pages = 0
        while true {
            let limited = sendsLimit
            let answer = try qido(resource, query + (limited ? [("limit", "\(pageSize)")] : []) + [("offset", "\(all.count)")])
            pages += 1
            guard let page = answer else {
                if limited { sendsLimit = false; continue }
                throw RetrievalError.pacs("\(name) answered a QIDO-RS query with HTTP 400")
            }
            let new = page.filter { seen.insert($0.identity).inserted }
            guard !new.isEmpty else {
                // Matches again instead of none past the end: `offset` ignored, and there may be more.
                if !page.isEmpty { listingsCutShort += 1 }
                return (all, pages)
            }
            all += new
        }
    }

    /// The matches, or nil when the service answered 400 (a query it refuses).
    private func qido(_ resource: String, _ query: [(String, String)]) throws -> [DICOMJSONObject]? {
        let (status, data) = try http.get(url(resource, query), accept: "application/dicom+json", what: "QIDO-RS query")
        if status == 204 { return [] }
        if status == 400 { return nil }
        guard status == 200 else {
            let hint = status == 401 || status == 403 ? " (authentication: --authorization-file or CTDOSE_DICOMWEB_AUTHORIZATION)" : ""
            throw RetrievalError.pacs("\(name) answered a QIDO-RS query with HTTP \(status)\(hint)")
        }
        guard let rows = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw RetrievalError.pacs("\(name) answered a QIDO-RS query with something other than a DICOM JSON array")
        }
        return rows.map(DICOMJSONObject.init)
    }

    private func download(_ resource: String, accept: String, into folder: IncomingFolder) throws -> (status: Int, contentType: String, file: String) {
        let file = folder.root + "/" + IncomingFolder.receivingFolderName + "/series-\(UUID().uuidString).multipart"
        do {
            let (status, contentType) = try http.download(url(resource, []), accept: accept, to: file, what: "WADO-RS series retrieval")
            if !FileManager.default.fileExists(atPath: file) { _ = FileManager.default.createFile(atPath: file, contents: nil) }
            return (status, contentType, file)
        } catch {
            try? FileManager.default.removeItem(atPath: file)  // what came before the failure
            throw error
        }
    }

    private func url(_ resource: String, _ query: [(String, String)]) -> URL {
        var components = URLComponents(url: service.baseURL.appendingPathComponent(resource), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return components.url!
    }
}

/// One object of a DICOM JSON response (PS3.18 F.2): attributes by 8-hex-digit tag.
struct DICOMJSONObject {
    let attributes: [String: Any]
    init(_ attributes: [String: Any]) { self.attributes = attributes }

    /// The first value of the attribute as text (IS and DS may come as JSON numbers: F.2.3.1).
    func string(_ tag: UInt32) -> String? { strings(tag).first }

    /// Every value of the attribute as text (none when absent or empty).
    func strings(_ tag: UInt32) -> [String] {
        guard let attribute = attributes[String(format: "%08X", tag)] as? [String: Any], let values = attribute["Value"] as? [Any] else { return [] }
        return values.compactMap { value in
            if let text = value as? String { return text.trimmingCharacters(in: .whitespaces) }
            if let number = value as? NSNumber { return number.stringValue }
            return nil
        }
    }

    /// The value when it is a UID (digits and dots, PS3.5 §9.1): the only text that goes into a URL
    /// or a file name.
    func uid(_ tag: UInt32) -> String? { string(tag).flatMap { IncomingFolder.isUID(Substring($0)) ? $0 : nil } }

    /// The object's bytes as sent, to tell pages' repeats.
    var identity: Data { (try? JSONSerialization.data(withJSONObject: attributes, options: .sortedKeys)) ?? Data() }
}
