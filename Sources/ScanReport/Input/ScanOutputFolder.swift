import ArchiveScan
import CSVFormat
import Foundation

/// A `ctdose scan --out DIR` (or `ctdose export`) folder, read as a stream: exams.jsonl one exam at a
/// time (decoded as `ExamRecord`, the type that wrote it), the CSV files one row at a time. Nothing is
/// kept, so reading a folder of any size takes memory bounded by its largest exam; what the report
/// keeps is decided by its analyses. exams.jsonl is required; a missing CSV file has no rows (a
/// headers-only scan has no verdicts).
public struct ScanOutputFolder: Sendable {
    public let path: String

    /// The CSV files the report reads.
    public enum Table: String, Sendable, CaseIterable {
        case measures = "measure.csv"
        case sensitivity = "sensitivity.csv"
        case slices = "slices.csv"
        case problems = "problems.csv"
        case typicalValues = "typical-values.csv"
        case patientDoses = "patient-dose.csv"
        case protocolChanges = "protocol-changes.csv"
        case doseOutliers = "dose-outliers.csv"
    }

    /// Whether the folder has this file (typical-values.csv and patient-dose.csv are absent from folders of older scans).
    public func has(_ table: Table) -> Bool { FileManager.default.fileExists(atPath: path + "/" + table.rawValue) }

    public enum ReadError: Error, CustomStringConvertible {
        case missingExams(String)
        case badExamLine(file: String, line: Int, reason: String)

        public var description: String {
            switch self {
            case .missingExams(let path): return "\(path) not found: is this a `ctdose scan --out` folder?"
            case .badExamLine(let file, let line, let reason): return "\(file) line \(line): \(reason)"
            }
        }
    }

    /// Exams decoded together, on up to `jobs` threads.
    static let examsPerBatch = 256

    public init(_ path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: examsPath) else { throw ReadError.missingExams(examsPath) }
    }

    var examsPath: String { path + "/exams.jsonl" }

    /// Calls `body` with every exam of exams.jsonl in file order; blank lines are skipped. Lines are
    /// decoded a batch at a time on up to `jobs` threads.
    public func forEachExam(jobs: Int = 1, _ body: (ExamRecord) throws -> Void) throws {
        var batch: [(line: Int, bytes: Data)] = []
        let file = examsPath
        func decodeBatch() throws {
            let exams = try ParallelMap.ordered(batch, lanes: jobs) { line, bytes in
                do {
                    let decoder = JSONDecoder()
                    // As exams.jsonl writes an overflowed value (ScanStore.encoder).
                    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
                    return try decoder.decode(ExamRecord.self, from: bytes)
                } catch {
                    throw ReadError.badExamLine(file: file, line: line, reason: "\(error)")
                }
            }
            batch.removeAll(keepingCapacity: true)
            for exam in exams { try body(exam) }
        }
        try FileChunks.forEachLine(inFile: examsPath) { number, bytes in
            guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            batch.append((number, Data(bytes)))
            if batch.count == Self.examsPerBatch { try decodeBatch() }
        }
        try decodeBatch()
    }

    /// Calls `body` with every row of a CSV file of the folder; none when the file is absent.
    public func forEachRow(of table: Table, _ body: (CSVRow) throws -> Void) throws {
        let file = path + "/" + table.rawValue
        guard FileManager.default.fileExists(atPath: file) else { return }
        try CSVReader.forEachRow(inFile: file, body)
    }

    /// A file the folder's exams name by relative path (a mid-scan thumbnail); nil when it is absent or
    /// the path leaves the folder.
    public func contents(of relative: String) -> Data? {
        guard !relative.contains("..") else { return nil }
        return FileManager.default.contents(atPath: path + "/" + relative)
    }
}
