import ArchiveScan
import CSVFormat
import DoseModel
import Foundation

/// A change in how a scanner runs one of its protocols, between two months of study dates (the later
/// month against the latest earlier one with enough events): the technique most of the month's
/// diagnostic events used (tube voltage, pitch factor, nominal total collimation, CTDI phantom; the
/// diagnostic series' reconstruction kernel and slice thickness), or the month's median CTDIvol or
/// global noise moving by `Setting.ratio` or more. Both levels are taken at the group's mean
/// water-equivalent diameter where its measured events allow a fit on Dw (ln CTDIvol, as in
/// `ModulationResponse`; the noise linearly), so that a month of larger patients is not taken for a
/// change; else as measured. What a physicist checks after editing a protocol, and how an unannounced
/// edit shows.
public struct ProtocolChange: Sendable, Equatable {
    public enum Setting: String, Sendable, CaseIterable {
        case tubeVoltage = "Tube voltage"
        case pitchFactor = "Pitch factor"
        case collimation = "Nominal total collimation"
        case phantom = "CTDI phantom"
        case kernel = "Reconstruction kernel"
        case sliceThickness = "Slice thickness"
        case ctdiVolLevel = "CTDIvol level"
        case noiseLevel = "Global noise level"

        /// A level's change is this ratio or more, either way (ctdose's choice [U]): 1.25 for CTDIvol;
        /// 1.15 for the noise, about what a change of dose by 1.25 gives through noise ∝ 1/√dose.
        public var ratio: Double? {
            switch self {
            case .ctdiVolLevel: 1.25
            case .noiseLevel: 1.15
            default: nil
            }
        }
    }

    /// Events a month needs for its technique to count, and for its levels (ctdose's choice).
    public static let minimumEvents = 5
    public static let levelMinimumEvents = 10
    /// A month's technique is the value more than this share of its events (that record one) used.
    public static let modalShare = 0.5

    public var scanner: String
    public var acquisitionProtocol: String
    public var setting: Setting
    public var previousMonth: String
    public var month: String
    /// The value of each month, with how many of its events had it ("120 kV (40 of 42)"; "13.87 mGy
    /// (median of 40)").
    public var before: String
    public var after: String
    /// A level's after ÷ before; nil for a technique.
    public var ratio: Double?
    /// How a level was taken ("at the group's mean Dw, 25.5 cm" or "as measured …"); nil for a technique.
    public var basis: String?

    public struct Tally {
        private struct Key: Hashable {
            var scanner, acquisitionProtocol: String
        }

        /// A level's values in one month: with the event's measured Dw (cm), and without.
        private struct LevelValues {
            var sized: [(dwCentimeters: Float, value: Float)] = []
            var unsized: [Float] = []
        }

        private struct MonthEvents {
            var techniques: [Setting: [String: Int]] = [:]
            var levels: [Setting: LevelValues] = [:]

            mutating func add(techniques values: [(Setting, String)], levels measured: [(Setting, Double)], dw: Double?) {
                for (setting, value) in values { techniques[setting, default: [:]][value, default: 0] += 1 }
                for (setting, value) in measured {
                    if let dw {
                        levels[setting, default: LevelValues()].sized.append((Float(dw), Float(value)))
                    } else {
                        levels[setting, default: LevelValues()].unsized.append(Float(value))
                    }
                }
            }
        }

        private var months: [Key: [String: MonthEvents]] = [:]
        /// Per group and level, the sums of its fit on Dw (of ln CTDIvol; of the noise).
        private var fits: [Key: [Setting: ModulationResponse.LineSums]] = [:]

        public init() {}

        /// The exam's diagnostic events (not localizers), by its study month; undated exams are left out.
        public mutating func add(_ exam: ExamRecord) {
            let month = StudyMonth.month(exam.studyDate)
            guard month != StudyMonth.undated else { return }
            let scanner = ScannerName.of(exam)
            for event in exam.events where event.acquisitionType != CTAcquisitionType.constantAngle.rawValue {
                let key = Key(scanner: scanner, acquisitionProtocol: DoseDistribution.protocolName(event))
                let dw = ModulationResponse.measuredDwCentimeters(of: event, in: exam)
                let noise = event.diagnosticSeriesUID.flatMap { uid in
                    exam.seriesMeasurements.first { $0.seriesInstanceUID == uid }?.globalNoiseTissueHounsfield
                }
                let levels = [(Setting.ctdiVolLevel, event.ctdiVol), (.noiseLevel, noise)].compactMap { setting, value in
                    value.flatMap { $0 > 0 ? (setting, $0) : nil }
                }
                // In place: a copy of the month's arrays, appended to, would copy them whole each time.
                months[key, default: [:]][month, default: MonthEvents()].add(techniques: Self.techniques(of: event, in: exam), levels: levels, dw: dw)
                if let dw {
                    for (setting, value) in levels {
                        fits[key, default: [:]][setting, default: ModulationResponse.LineSums()]
                            .add(x: dw, y: setting == .ctdiVolLevel ? Foundation.log(value) : value)
                    }
                }
            }
        }

        static func techniques(of event: ExamRecord.Event, in exam: ExamRecord) -> [(Setting, String)] {
            var values: [(Setting, String)] = [(.phantom, event.phantom)]
            let kvps = event.xRaySources.compactMap(\.kvp)
            if !kvps.isEmpty { values.append((.tubeVoltage, kvps.map { FixedDecimal.text($0, places: 0) }.joined(separator: "/") + " kV")) }
            if let pitch = event.pitchFactor { values.append((.pitchFactor, FixedDecimal.text(pitch, places: 2))) }
            if let collimation = event.nominalTotalCollimation { values.append((.collimation, FixedDecimal.text(collimation, places: 1) + " mm")) }
            if let uid = event.diagnosticSeriesUID, let series = exam.series.first(where: { $0.seriesInstanceUID == uid }) {
                if let kernel = series.convolutionKernel?.trimmingCharacters(in: .whitespaces), !kernel.isEmpty { values.append((.kernel, kernel)) }
                if let thickness = series.sliceThicknessMillimeters { values.append((.sliceThickness, FixedDecimal.text(thickness, places: 2) + " mm")) }
            }
            return values
        }

        /// Every change, latest month first, then by scanner, protocol and setting.
        public var changes: [ProtocolChange] {
            var found: [ProtocolChange] = []
            for (key, byMonth) in months {
                let ordered = byMonth.keys.sorted()
                let new = { (setting: Setting, previous: String, month: String, before: String, after: String) in
                    ProtocolChange(scanner: key.scanner, acquisitionProtocol: key.acquisitionProtocol, setting: setting, previousMonth: previous,
                                   month: month, before: before, after: after)
                }
                for setting in Setting.allCases where setting.ratio == nil {
                    var previous: (month: String, value: String, text: String)?
                    for month in ordered {
                        guard let modal = Self.modalValue(byMonth[month]?.techniques[setting] ?? [:]) else { continue }
                        if let previous, previous.value != modal.value { found.append(new(setting, previous.month, month, previous.text, modal.text)) }
                        previous = (month, modal.value, modal.text)
                    }
                }
                for setting in Setting.allCases {
                    guard let limit = setting.ratio else { continue }
                    let level = Level(setting, fit: fits[key]?[setting])
                    var previous: (month: String, median: Double, count: Int)?
                    for month in ordered {
                        guard let values = byMonth[month]?.levels[setting], let current = level.median(of: values) else { continue }
                        if let previous, previous.median > 0 {
                            let ratio = current.median / previous.median
                            if ratio >= limit || ratio <= 1 / limit {
                                var change = new(setting, previous.month, month, level.text(previous.median, of: previous.count),
                                                 level.text(current.median, of: current.count))
                                change.ratio = ratio
                                change.basis = level.basis
                                found.append(change)
                            }
                        }
                        previous = (month, current.median, current.count)
                    }
                }
            }
            let order = Dictionary(uniqueKeysWithValues: Setting.allCases.enumerated().map { ($1, $0) })
            return found.sorted {
                ($1.month, $0.scanner, $0.acquisitionProtocol, order[$0.setting]!) < ($0.month, $1.scanner, $1.acquisitionProtocol, order[$1.setting]!)
            }
        }

        /// The month's value of a technique: the one more than `modalShare` of its events used, when
        /// at least `minimumEvents` recorded one.
        static func modalValue(_ counts: [String: Int]) -> (value: String, text: String)? {
            let total = counts.values.reduce(0, +)
            guard total >= ProtocolChange.minimumEvents,
                  let top = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }),
                  Double(top.value) > ProtocolChange.modalShare * Double(total) else { return nil }
            return (top.key, "\(top.key) (\(top.value) of \(total))")
        }

        /// How a group's monthly level of CTDIvol or noise is taken.
        private struct Level {
            var setting: Setting
            /// The group's fit on Dw over its measured events (of ln CTDIvol; of the noise), and their mean Dw.
            var slope: Double?
            var meanDwCentimeters: Double?

            init(_ setting: Setting, fit sums: ModulationResponse.LineSums?) {
                self.setting = setting
                if let sums, let fit = sums.fit {
                    slope = fit.slope
                    meanDwCentimeters = sums.sx / sums.n
                }
            }

            var basis: String {
                guard let meanDwCentimeters else { return "as measured (too few measured sizes for a fit)" }
                return "at the group's mean Dw, " + FixedDecimal.text(meanDwCentimeters, places: 1) + " cm"
            }

            /// An event's value moved along the group's fit from its Dw to the mean Dw.
            func atMeanDw(_ value: Double, dwCentimeters: Double, slope: Double, meanDwCentimeters: Double) -> Double {
                setting == .ctdiVolLevel ? value * Foundation.exp(slope * (meanDwCentimeters - dwCentimeters))
                                         : value + slope * (meanDwCentimeters - dwCentimeters)
            }

            /// The median of a month (at the mean Dw, from its measured events, when there is a fit; else
            /// of all its events) and how many events it is of.
            func median(of month: LevelValues) -> (median: Double, count: Int)? {
                let values: [Double]
                if let slope, let meanDwCentimeters {
                    values = month.sized.map {
                        atMeanDw(Double($0.value), dwCentimeters: Double($0.dwCentimeters), slope: slope, meanDwCentimeters: meanDwCentimeters)
                    }
                } else {
                    values = month.sized.map { Double($0.value) } + month.unsized.map(Double.init)
                }
                guard values.count >= ProtocolChange.levelMinimumEvents else { return nil }
                let sorted = values.sorted(), middle = sorted.count / 2
                return (sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, sorted.count)
            }

            func text(_ median: Double, of count: Int) -> String {
                setting == .ctdiVolLevel ? FixedDecimal.text(median, places: 2) + " mGy (median of \(count))"
                                         : FixedDecimal.text(median, places: 1) + " HU (median of \(count))"
            }
        }
    }
}
