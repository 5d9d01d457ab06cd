import ArchiveScan
import DoseValidation

/// Which validation findings each scanner's exams raise, and in how many of them: a code that a large
/// share of one scanner's exams raises points at that scanner (its dose report, its headers, its
/// protocols), not at single exams.
public struct FindingOverview: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var scanner: String
        public var code: FindingCode
        public var severity: FindingSeverity
        /// The scanner's exams with at least one finding of the code, and the findings in all.
        public var examCount: Int
        public var findingCount: Int
        /// The scanner's exams in all.
        public var scannerExamCount: Int

        public var examShare: Double { scannerExamCount > 0 ? Double(examCount) / Double(scannerExamCount) : 0 }
    }

    /// Most exams first, then by scanner and code.
    public var lines: [Line] = []

    public struct Tally {
        private struct Key: Hashable {
            var scanner: String
            var code: FindingCode
        }
        private var counts: [Key: (severity: FindingSeverity, exams: Int, findings: Int)] = [:]
        private var examsByScanner: [String: Int] = [:]

        public init() {}

        public mutating func add(_ exam: ExamRecord) {
            let scanner = ScannerName.of(exam)
            examsByScanner[scanner, default: 0] += 1
            var seen = Set<FindingCode>()
            for finding in exam.findings {
                let key = Key(scanner: scanner, code: finding.code)
                var entry = counts[key] ?? (finding.severity, 0, 0)
                entry.findings += 1
                if seen.insert(finding.code).inserted { entry.exams += 1 }
                counts[key] = entry
            }
        }

        public var overview: FindingOverview {
            let lines = counts.map { key, entry in
                Line(scanner: key.scanner, code: key.code, severity: entry.severity, examCount: entry.exams, findingCount: entry.findings,
                     scannerExamCount: examsByScanner[key.scanner] ?? 0)
            }
            return FindingOverview(lines: lines.sorted {
                ($1.examCount, $0.scanner, $0.code.rawValue) < ($0.examCount, $1.scanner, $1.code.rawValue)
            })
        }
    }
}
