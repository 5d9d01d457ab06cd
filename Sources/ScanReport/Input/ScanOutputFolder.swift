import CSVFormat
import ArchiveScan
import Foundation

/// Everything the report needs from a `ctdose scan --out DIR` folder. exams.jsonl is decoded into
/// `ExamRecord` (the type that wrote it); the other files are CSV. Measure files are optional (a
/// headers-only scan has no verdicts), exams.jsonl is required.
public struct ScanOutputFolder: Sendable {
    public var exams: [ExamRecord]
    public var measures: [MeasureRow]
    public var sensitivity: [SensitivityRow]
    public var slices: [SliceRow]
    public var problems: [ProblemRow]
    /// Mid-scan thumbnails (PNG) the scan wrote, by Series Instance UID.
    public var thumbnails: [String: Data]

    public init(exams: [ExamRecord], measures: [MeasureRow], sensitivity: [SensitivityRow], slices: [SliceRow], problems: [ProblemRow],
                thumbnails: [String: Data] = [:]) {
        self.exams = exams
        self.measures = measures
        self.sensitivity = sensitivity
        self.slices = slices
        self.problems = problems
        self.thumbnails = thumbnails
    }

    public enum ReadError: Error, CustomStringConvertible {
        case missingExams(String)
        case badExamLine(line: Int, reason: String)

        public var description: String {
            switch self {
            case .missingExams(let path): return "\(path) not found: is this a `ctdose scan --out` folder?"
            case .badExamLine(let line, let reason): return "exams.jsonl line \(line): \(reason)"
            }
        }
    }

    /// Reads the folder written by `ScanOutputWriter`.
    public init(reading folder: String) throws {
        let examsPath = folder + "/exams.jsonl"
        guard FileManager.default.fileExists(atPath: examsPath) else { throw ReadError.missingExams(examsPath) }
        let decoder = JSONDecoder()
        var exams: [ExamRecord] = []
        let lines = try String(contentsOfFile: examsPath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                exams.append(try decoder.decode(ExamRecord.self, from: Data(line.utf8)))
            } catch {
                throw ReadError.badExamLine(line: number + 1, reason: "\(error)")
            }
        }
        func table(_ name: String) throws -> [CSVRow] {
            let path = folder + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { return [] }
            return CSVDocument(parsing: try String(contentsOfFile: path, encoding: .utf8)).namedRows
        }
        self.init(
            exams: exams, measures: try table("measure.csv").map(MeasureRow.init),
            sensitivity: try table("sensitivity.csv").map(SensitivityRow.init), slices: try table("slices.csv").compactMap(SliceRow.init),
            problems: try table("problems.csv").map(ProblemRow.init),
            thumbnails: Self.thumbnails(of: exams, in: folder))
    }

    /// The thumbnails named in the exams' series measurements that exist in the folder.
    static func thumbnails(of exams: [ExamRecord], in folder: String) -> [String: Data] {
        var found: [String: Data] = [:]
        for measurement in exams.flatMap(\.seriesMeasurements) {
            guard let relative = measurement.midScanThumbnail, !relative.contains(".."),
                  let data = FileManager.default.contents(atPath: folder + "/" + relative) else { continue }
            found[measurement.seriesInstanceUID] = data
        }
        return found
    }
}
