import Foundation
import ArchiveScan
import DoseValidation

/// An exam the report looks at closely: out of range for the CMS measure, or with warning or error
/// findings. Carries what its section shows: the events, the findings, the Dw(z) profile of each
/// analysed series and the mid-scan size.
public struct FlaggedExam: Sendable {
    /// The size profile of one analysed series.
    public struct SeriesProfile: Sendable {
        public var seriesInstanceUID: String
        /// Analysed slices in z order.
        public var slices: [SliceRow]
        public var midScanZMillimeters: Double?
        public var midScanSOPInstanceUID: String?
        public var midScanAPCentimeters: Double?
        public var midScanLateralCentimeters: Double?
        public var midScanWaterEquivalentDiameterCentimeters: Double?
        public var midScanTruncated: Bool
        public var sizeMethod: String
        /// PNG of the mid-scan slice with the measured outline, when the scan wrote one.
        public var midScanThumbnailPNG: Data?
    }

    public var record: ExamRecord
    public var measure: MeasureRow?
    /// Why the exam is flagged, most serious first ("out of range: …", "2 error findings", …).
    public var reasons: [String]
    public var profiles: [SeriesProfile]

    /// Flagged findings are warnings and errors; info findings alone do not flag an exam.
    public static let flaggingSeverity = FindingSeverity.warning

    public init(record: ExamRecord, measure: MeasureRow?, reasons: [String], profiles: [SeriesProfile]) {
        self.record = record
        self.measure = measure
        self.reasons = reasons
        self.profiles = profiles
    }

    /// Sections the report gives flagged exams, at most (`ctdose report --flagged-exams`).
    public static let defaultSectionLimit = 200

    /// Where a flagged exam stands: out-of-range first, then by worst finding, then by study UID.
    struct Rank: Comparable {
        var notOutOfRange: Int
        var negatedWorstSeverity: Int
        var studyInstanceUID: String

        init(_ record: ExamRecord, outOfRange: Bool) {
            notOutOfRange = outOfRange ? 0 : 1
            negatedWorstSeverity = -(record.findings.worstSeverity.map(FlaggedExam.rank) ?? -1)
            studyInstanceUID = record.studyInstanceUID
        }

        static func < (a: Rank, b: Rank) -> Bool {
            (a.notOutOfRange, a.negatedWorstSeverity, a.studyInstanceUID) < (b.notOutOfRange, b.negatedWorstSeverity, b.studyInstanceUID)
        }
    }

    /// The flagged exams of a stream of exams: every one counted, the first `limit` by `Rank` kept.
    public struct Selection {
        public let limit: Int
        private let measures: MeasureLookup
        /// Studies with an event in dose-outliers.csv, and why (`DoseOutlierList.reasonByStudy`).
        private let doseOutliers: [String: String]
        private var kept: [(rank: Rank, record: ExamRecord)] = []
        /// Flagged exams seen, those of them out of range, and those flagged only for a dose-for-size outlier.
        public private(set) var count = 0
        public private(set) var outOfRangeCount = 0
        public private(set) var doseOutlierOnlyCount = 0

        public init(limit: Int = FlaggedExam.defaultSectionLimit, measures: MeasureLookup, doseOutliers: [String: String] = [:]) {
            self.limit = max(0, limit)
            self.measures = measures
            self.doseOutliers = doseOutliers
        }

        public mutating func add(_ record: ExamRecord) {
            let outOfRange = measures.isOutOfRange(record.studyInstanceUID)
            let byFindings = record.findings.contains(where: { $0.severity >= FlaggedExam.flaggingSeverity })
            guard outOfRange || byFindings || doseOutliers[record.studyInstanceUID] != nil else { return }
            count += 1
            if outOfRange { outOfRangeCount += 1 }
            if !outOfRange && !byFindings { doseOutlierOnlyCount += 1 }
            kept.append((Rank(record, outOfRange: outOfRange), record))
            if kept.count >= 2 * max(limit, 1) { kept = Self.first(limit, of: kept) }
        }

        /// The kept exams in rank order.
        public var records: [ExamRecord] { Self.first(limit, of: kept).map(\.record) }

        private static func first(_ limit: Int, of entries: [(rank: Rank, record: ExamRecord)]) -> [(rank: Rank, record: ExamRecord)] {
            Array(entries.sorted { $0.rank < $1.rank }.prefix(limit))
        }
    }

    /// A kept exam with what its section shows: its measure.csv row, its series' slices.csv rows, the
    /// thumbnails its series name.
    init(record: ExamRecord, measure: MeasureRow?, slicesBySeries: [String: [SliceRow]], thumbnail: (String) -> Data?,
         doseOutlier: String? = nil) {
        var reasons: [String] = []
        if let measure, measure.isOutOfRange { reasons.append("out of range (\(measure.category)): \(measure.reason)") }
        for severity in FindingSeverity.allCases.reversed() where severity >= Self.flaggingSeverity {
            let count = record.findings.filter { $0.severity == severity }.count
            if count > 0 { reasons.append("\(count) \(severity.rawValue) finding\(count == 1 ? "" : "s")") }
        }
        if let doseOutlier { reasons.append(doseOutlier) }
        let profiles = record.seriesMeasurements.map { m in
            SeriesProfile(
                seriesInstanceUID: m.seriesInstanceUID,
                slices: (slicesBySeries[m.seriesInstanceUID] ?? []).sorted { $0.zMillimeters < $1.zMillimeters },
                midScanZMillimeters: m.midScanZMillimeters, midScanSOPInstanceUID: m.midScanSOPInstanceUID,
                midScanAPCentimeters: m.midScan?.apCentimeters, midScanLateralCentimeters: m.midScan?.lateralCentimeters,
                midScanWaterEquivalentDiameterCentimeters: m.midScan?.waterEquivalent, midScanTruncated: m.midScanTruncated ?? false,
                sizeMethod: m.sizeMethod, midScanThumbnailPNG: m.midScanThumbnail.flatMap(thumbnail))
        }
        self.init(record: record, measure: measure, reasons: reasons, profiles: profiles)
    }

    static func rank(_ severity: FindingSeverity) -> Int {
        FindingSeverity.allCases.firstIndex(of: severity) ?? 0
    }

    /// The HTML id of the exam's section.
    public var anchor: String { "exam-" + record.studyInstanceUID.map { $0.isLetter || $0.isNumber ? $0 : "-" }.map(String.init).joined() }
}
