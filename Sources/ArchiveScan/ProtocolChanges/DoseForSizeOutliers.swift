import CSVFormat
import Foundation
import QualityMeasures

/// A diagnostic event whose CTDIvol is far from what its scanner's protocol gives patients of the same
/// size: against the protocol's fit of ln CTDIvol on the water-equivalent diameter over all its measured
/// events (`DwLineSums`, as protocol changes take their levels), centred on the median residual, the
/// event's CTDIvol is `ratio` times or more (or 1/`ratio` or less) the protocol's, and its residual lies
/// beyond `robustDeviations` robust standard deviations (1.4826 × the median absolute deviation) of the
/// protocol's residuals, so that a protocol whose patients spread widely is not read event by event. A
/// wrong protocol for the patient, a modulation that failed, a repeat at a higher setting; or, low, an
/// image quality to check. dose-outliers.csv; QA phantoms, test patients and undated exams are left out.
public struct DoseForSizeOutlier: Sendable, Equatable {
    /// The exam's 1-based position in the export, and the event's index among its exam's events.
    public var examPosition: Int
    public var eventIndex: Int
    public var scanner: String
    public var acquisitionProtocol: String
    public var dwCentimeters: Double
    public var ctdiVolMilligray: Double
    /// The protocol's CTDIvol at the event's Dw.
    public var expectedCTDIvolMilligray: Double
    /// CTDIvol ÷ expected.
    public var ratio: Double
    /// e^(robust SD of the protocol's ln residuals): the factor one robust SD stands for.
    public var spreadFactor: Double
    /// The protocol's measured events the fit and spread were taken over.
    public var groupEvents: Int

    /// ctdose's choices [U]: `--outlier-ratio` (2: twice or half the protocol's CTDIvol at the same size).
    public struct Settings: Sendable, Equatable {
        public var ratio = 2.0
        public var robustDeviations = 3.0
        public init() {}
    }

    /// The events of every protocol, kept compactly (16 bytes each) until the end of an export.
    public struct Tally {
        private struct Key: Hashable {
            var scanner, acquisitionProtocol: String
        }

        private struct Event {
            var dwCentimeters: Float
            var lnCTDIvol: Float
            var examPosition: Int32
            var eventIndex: UInt16
        }

        private var events: [Key: [Event]] = [:]
        private var sums: [Key: DwLineSums] = [:]
        private let settings: Settings

        public init(settings: Settings = Settings()) {
            self.settings = settings
        }

        /// The events of one exam (`ProtocolChange.observations(of:position:)`) with a measured Dw and a CTDIvol.
        public mutating func add(_ observations: [ProtocolChange.Observation]) {
            for event in observations {
                guard let dw = event.dwCentimeters, let ctdi = event.levels.first(where: { $0.0 == .ctdiVolLevel })?.1 else { continue }
                let key = Key(scanner: event.scanner, acquisitionProtocol: event.acquisitionProtocol)
                let ln = Foundation.log(ctdi)
                events[key, default: []].append(Event(dwCentimeters: Float(dw), lnCTDIvol: Float(ln), examPosition: Int32(clamping: event.examPosition),
                                                      eventIndex: UInt16(clamping: event.eventIndex)))
                sums[key, default: DwLineSums()].add(x: dw, y: ln)
            }
        }

        /// Every outlier, the farthest from its protocol first.
        public var outliers: [DoseForSizeOutlier] {
            var found: [DoseForSizeOutlier] = []
            for (key, group) in events {
                guard let fit = sums[key]?.fit else { continue }
                let residuals = group.map { Double($0.lnCTDIvol) - (fit.intercept + fit.slope * Double($0.dwCentimeters)) }
                let centre = DistributionSummary.quantile(residuals.sorted(), 0.5)
                let deviation = 1.4826 * DistributionSummary.quantile(residuals.map { abs($0 - centre) }.sorted(), 0.5)
                let limit = Swift.max(Foundation.log(settings.ratio), settings.robustDeviations * deviation)
                for (event, residual) in zip(group, residuals) where abs(residual - centre) >= limit {
                    let dw = Double(event.dwCentimeters), ctdi = Foundation.exp(Double(event.lnCTDIvol))
                    let expected = Foundation.exp(fit.intercept + fit.slope * dw + centre)
                    found.append(DoseForSizeOutlier(
                        examPosition: Int(event.examPosition), eventIndex: Int(event.eventIndex), scanner: key.scanner,
                        acquisitionProtocol: key.acquisitionProtocol, dwCentimeters: dw, ctdiVolMilligray: ctdi,
                        expectedCTDIvolMilligray: expected, ratio: ctdi / expected, spreadFactor: Foundation.exp(deviation), groupEvents: group.count))
                }
            }
            return found.sorted { (abs(Foundation.log($0.ratio)), $1.examPosition, $1.eventIndex) > (abs(Foundation.log($1.ratio)), $0.examPosition, $0.eventIndex) }
        }
    }
}

/// dose-outliers.csv.
enum DoseOutliersCSV {
    static let columns = [
        "studyInstanceUID", "studyDate", "irradiationEventUID", "scanner", "acquisitionProtocol", "waterEquivalentDiameter_cm",
        "ctdiVol_mGy", "expectedCtdiVol_mGy", "ratio", "spreadFactor", "groupEvents",
    ]

    /// The rows of `outliers`, each with its exam (`exams` by position).
    static func text(_ outliers: [DoseForSizeOutlier], exams: [Int: ExamRecord]) -> String {
        var table = CSVTable(header: columns)
        for o in outliers {
            let exam = exams[o.examPosition]
            let event = exam.flatMap { o.eventIndex < $0.events.count ? $0.events[o.eventIndex] : nil }
            table.append([
                exam?.studyInstanceUID, exam?.studyDate, event?.irradiationEventUID, o.scanner, o.acquisitionProtocol,
                CSVTable.decimal(o.dwCentimeters), CSVTable.decimal(o.ctdiVolMilligray), CSVTable.decimal(o.expectedCTDIvolMilligray),
                CSVTable.decimal(o.ratio), CSVTable.decimal(o.spreadFactor), "\(o.groupEvents)",
            ])
        }
        return table.text
    }
}
