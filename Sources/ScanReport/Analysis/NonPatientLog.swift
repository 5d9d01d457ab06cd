import ArchiveScan
import DoseModel
import QualityMeasures

/// The scans of QA phantoms and test patients (exams.jsonl `nonPatient`), one line per event other than
/// localizers: a daily QA phantom scanned with the same protocol is a constancy record of the scanner,
/// so each event's CTDIvol and global noise are set beside the median of the same scanner, protocol and
/// tube voltage over the folder, with the mean CT number of its mid-scan cross-section (a water
/// phantom's water).
public struct NonPatientLog: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var studyDate: String
        public var scanner: String
        public var reason: String
        public var acquisitionProtocol: String
        /// The first X-ray source's, kV.
        public var kvp: Double?
        public var ctdiVol: Double?
        public var noiseHounsfield: Double?
        /// The mid-scan slice's mean CT number over the outline (`ExamRecord.midScanMeanHounsfield(of:)`).
        public var meanHounsfield: Double?
        /// The value ÷ the median of the lines of the same scanner, protocol and kV that have one.
        public var ctdiVolRatio: Double?
        public var noiseRatio: Double?
    }

    /// Exams of QA phantoms and test patients, and their events other than localizers.
    public var examCount = 0
    public var eventCount = 0
    /// At most `Tally.limit` lines (the first events read), by scanner, protocol, kV and date.
    public var lines: [Line] = []

    public struct Tally {
        /// Events kept in full: a year of daily QA on twenty scanners, with a few events each.
        public static let limit = 20_000
        private var log = NonPatientLog()

        public init() {}

        public mutating func add(_ exam: ExamRecord) {
            guard let reason = exam.nonPatient else { return }
            log.examCount += 1
            let scanner = ScannerName.of(exam)
            let date = StudyMonth.isoDate(exam.studyDate) ?? "undated"
            for event in exam.events where event.acquisitionType != CTAcquisitionType.constantAngle.rawValue {
                log.eventCount += 1
                guard log.lines.count < Self.limit else { continue }
                log.lines.append(Line(studyDate: date, scanner: scanner, reason: reason, acquisitionProtocol: event.protocolName,
                                      kvp: event.xRaySources.first?.kvp, ctdiVol: event.ctdiVol,
                                      noiseHounsfield: exam.globalNoiseHounsfield(of: event), meanHounsfield: exam.midScanMeanHounsfield(of: event)))
            }
        }

        public var result: NonPatientLog {
            var result = log
            struct Key: Hashable {
                var scanner: String
                var acquisitionProtocol: String
                var kvp: Double?
            }
            let groups = Dictionary(grouping: result.lines.indices) {
                Key(scanner: result.lines[$0].scanner, acquisitionProtocol: result.lines[$0].acquisitionProtocol, kvp: result.lines[$0].kvp)
            }
            for indices in groups.values {
                let ctdiMedian = DistributionSummary(indices.compactMap { result.lines[$0].ctdiVol })?.median
                let noiseMedian = DistributionSummary(indices.compactMap { result.lines[$0].noiseHounsfield })?.median
                for index in indices {
                    result.lines[index].ctdiVolRatio = Self.ratio(result.lines[index].ctdiVol, ctdiMedian)
                    result.lines[index].noiseRatio = Self.ratio(result.lines[index].noiseHounsfield, noiseMedian)
                }
            }
            result.lines.sort {
                ($0.scanner, $0.acquisitionProtocol, $0.kvp ?? 0, $0.studyDate) < ($1.scanner, $1.acquisitionProtocol, $1.kvp ?? 0, $1.studyDate)
            }
            return result
        }

        static func ratio(_ value: Double?, _ median: Double?) -> Double? {
            guard let value, let median, median > 0 else { return nil }
            return value / median
        }
    }
}
