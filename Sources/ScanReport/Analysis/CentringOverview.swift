import ArchiveScan
import DoseValidation

/// Patient centring per scanner, from each exam's measured series (exams.jsonl): how many series have a
/// centring, the mean and spread of the vertical offset, how many lay below the isocentre and how many
/// were flagged PATIENT_OFF_CENTRE; and, over all scanners, why the other series have none.
public struct CentringOverview: Sendable, Equatable {
    public struct ScannerLine: Sendable, Equatable {
        public var scanner: String
        public var seriesCount = 0
        public var meanVerticalMillimeters = 0.0
        /// Sample standard deviation; nil for fewer than 2 series.
        public var verticalStandardDeviationMillimeters: Double?
        public var belowIsocentreCount = 0
        public var flaggedCount = 0
    }

    /// Scanners with at least one centred series, by name.
    public var scanners: [ScannerLine] = []
    /// Series measured without a centring, by the reason given (`centringMethod`, its figures replaced by
    /// "…" so that series refused for one reason count together).
    public var seriesWithoutCentring: [String: Int] = [:]

    /// The reason with its millimetres and degrees left out.
    static func reasonKind(_ method: String) -> String {
        method.replacing(#/-?[0-9]+(\.[0-9]+)?(?= mm|°)/#, with: "…")
    }

    public struct Tally {
        private struct Sums {
            var count = 0, below = 0, flagged = 0
            var sum = 0.0, squares = 0.0
        }
        private var sums: [String: Sums] = [:]
        private var missing: [String: Int] = [:]

        public init() {}

        public mutating func add(_ exam: ExamRecord) {
            let flagged = Set(exam.findings.filter { $0.code == .patientOffCentre }.compactMap(\.seriesInstanceUID))
            let scanner = ScannerName.of(exam)
            for series in exam.seriesMeasurements {
                guard let centring = series.centring else {
                    // Series measured before 2026-11-30 have no method either.
                    missing[CentringOverview.reasonKind(series.centringMethod ?? "not measured (exam analysed before ctdose measured centring)"), default: 0] += 1
                    continue
                }
                let v = centring.meanVerticalOffsetMillimeters
                var s = sums[scanner] ?? Sums()
                s.count += 1
                s.sum += v
                s.squares += v * v
                if v < 0 { s.below += 1 }
                if flagged.contains(series.seriesInstanceUID) { s.flagged += 1 }
                sums[scanner] = s
            }
        }

        public var overview: CentringOverview {
            let lines = sums.sorted { $0.key < $1.key }.map { name, s in
                let mean = s.sum / Double(s.count)
                let variance = s.count > 1 ? max(0, (s.squares - Double(s.count) * mean * mean) / Double(s.count - 1)) : nil
                return ScannerLine(scanner: name, seriesCount: s.count, meanVerticalMillimeters: mean,
                                   verticalStandardDeviationMillimeters: variance.map { $0.squareRoot() },
                                   belowIsocentreCount: s.below, flaggedCount: s.flagged)
            }
            return CentringOverview(scanners: lines, seriesWithoutCentring: missing)
        }
    }
}
