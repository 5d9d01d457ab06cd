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

    /// The flagged exams of a folder: out-of-range first, then by worst finding, then by study UID.
    public static func all(_ folder: ScanOutputFolder) -> [FlaggedExam] {
        let measures = Dictionary(folder.measures.map { ($0.studyInstanceUID, $0) }, uniquingKeysWith: { first, _ in first })
        let slicesBySeries = Dictionary(grouping: folder.slices, by: \.seriesInstanceUID)
        var flagged: [FlaggedExam] = []
        for record in folder.exams {
            let measure = measures[record.studyInstanceUID]
            var reasons: [String] = []
            if let measure, measure.isOutOfRange { reasons.append("out of range (\(measure.category)): \(measure.reason)") }
            for severity in FindingSeverity.allCases.reversed() where severity >= flaggingSeverity {
                let count = record.findings.filter { $0.severity == severity }.count
                if count > 0 { reasons.append("\(count) \(severity.rawValue) finding\(count == 1 ? "" : "s")") }
            }
            guard !reasons.isEmpty else { continue }
            let profiles = record.seriesMeasurements.map { m in
                SeriesProfile(
                    seriesInstanceUID: m.seriesInstanceUID,
                    slices: (slicesBySeries[m.seriesInstanceUID] ?? []).sorted { $0.zMillimeters < $1.zMillimeters },
                    midScanZMillimeters: m.midScanZMillimeters, midScanSOPInstanceUID: m.midScanSOPInstanceUID,
                    midScanAPCentimeters: m.midScan?.apCentimeters, midScanLateralCentimeters: m.midScan?.lateralCentimeters,
                    midScanWaterEquivalentDiameterCentimeters: m.midScan?.waterEquivalent, midScanTruncated: m.midScanTruncated ?? false,
                    sizeMethod: m.sizeMethod, midScanThumbnailPNG: folder.thumbnails[m.seriesInstanceUID])
            }
            flagged.append(FlaggedExam(record: record, measure: measure, reasons: reasons, profiles: profiles))
        }
        return flagged.sorted { a, b in
            let aKey = (a.measure?.isOutOfRange == true ? 0 : 1, -(a.record.findings.worstSeverity.map(rank) ?? -1))
            let bKey = (b.measure?.isOutOfRange == true ? 0 : 1, -(b.record.findings.worstSeverity.map(rank) ?? -1))
            return aKey != bKey ? aKey < bKey : a.record.studyInstanceUID < b.record.studyInstanceUID
        }
    }

    private static func rank(_ severity: FindingSeverity) -> Int {
        FindingSeverity.allCases.firstIndex(of: severity) ?? 0
    }

    /// The HTML id of the exam's section.
    public var anchor: String { "exam-" + record.studyInstanceUID.map { $0.isLetter || $0.isNumber ? $0 : "-" }.map(String.init).joined() }
}
