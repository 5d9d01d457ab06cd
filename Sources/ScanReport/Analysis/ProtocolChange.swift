import ArchiveScan
import CSVFormat
import DoseModel
import Foundation

/// A change in how a scanner runs one of its protocols, between two months of study dates (the later
/// month against the latest earlier one with enough events): the technique most of the month's
/// diagnostic events used (tube voltage, pitch factor, nominal total collimation, CTDI phantom), or the
/// month's median CTDIvol moving by `levelRatio` or more. The CTDIvol level is taken at the group's mean
/// water-equivalent diameter where its measured events allow a fit of ln CTDIvol on Dw (as in
/// `ModulationResponse`), so that a month of larger patients is not taken for a change; else as
/// reported. What a physicist checks after editing a protocol, and how an unannounced edit shows.
public struct ProtocolChange: Sendable, Equatable {
    public enum Setting: String, Sendable, CaseIterable {
        case tubeVoltage = "Tube voltage"
        case pitchFactor = "Pitch factor"
        case collimation = "Nominal total collimation"
        case phantom = "CTDI phantom"
        case ctdiVolLevel = "CTDIvol level"
    }

    /// Events a month needs for its technique to count, and for its CTDIvol level (ctdose's choice).
    public static let minimumEvents = 5
    public static let levelMinimumEvents = 10
    /// A month's technique is the value more than this share of its events (that record one) used.
    public static let modalShare = 0.5
    /// A CTDIvol level change is this ratio or more, either way (ctdose's choice [U]).
    public static let levelRatio = 1.25

    public var scanner: String
    public var acquisitionProtocol: String
    public var setting: Setting
    public var previousMonth: String
    public var month: String
    /// The value of each month, with how many of its events had it ("120 kV (40 of 42)"; "13.87 mGy
    /// (median of 40)").
    public var before: String
    public var after: String
    /// The CTDIvol level's after ÷ before; nil for a technique.
    public var ratio: Double?
    /// How the CTDIvol level was taken ("at Dw 25.5 cm" or "as reported"); nil for a technique.
    public var basis: String?

    public struct Tally {
        private struct Key: Hashable {
            var scanner, acquisitionProtocol: String
        }

        private struct MonthEvents {
            var techniques: [Setting: [String: Int]] = [:]
            /// CTDIvol (mGy) of the events with a measured Dw, and that Dw (cm).
            var sized: [(dwCentimeters: Float, ctdiVolMilligray: Float)] = []
            var unsized: [Float] = []
        }

        private var months: [Key: [String: MonthEvents]] = [:]
        private var fits: [Key: ModulationResponse.LineSums] = [:]

        public init() {}

        /// The exam's diagnostic events (not localizers), by its study month; undated exams are left out.
        public mutating func add(_ exam: ExamRecord) {
            let month = StudyMonth.month(exam.studyDate)
            guard month != StudyMonth.undated else { return }
            let scanner = ScannerName.of(exam)
            for event in exam.events where event.acquisitionType != CTAcquisitionType.constantAngle.rawValue {
                let key = Key(scanner: scanner, acquisitionProtocol: DoseDistribution.protocolName(event))
                var entry = months[key, default: [:]][month, default: MonthEvents()]
                for (setting, value) in Self.techniques(of: event) { entry.techniques[setting, default: [:]][value, default: 0] += 1 }
                if let ctdiVol = event.ctdiVol, ctdiVol > 0 {
                    if let dw = ModulationResponse.measuredDwCentimeters(of: event, in: exam) {
                        entry.sized.append((Float(dw), Float(ctdiVol)))
                        fits[key, default: ModulationResponse.LineSums()].add(x: dw, y: Foundation.log(ctdiVol))
                    } else {
                        entry.unsized.append(Float(ctdiVol))
                    }
                }
                months[key, default: [:]][month] = entry
            }
        }

        static func techniques(of event: ExamRecord.Event) -> [(Setting, String)] {
            var values: [(Setting, String)] = [(.phantom, event.phantom)]
            let kvps = event.xRaySources.compactMap(\.kvp)
            if !kvps.isEmpty { values.append((.tubeVoltage, kvps.map { FixedDecimal.text($0, places: 0) }.joined(separator: "/") + " kV")) }
            if let pitch = event.pitchFactor { values.append((.pitchFactor, FixedDecimal.text(pitch, places: 2))) }
            if let collimation = event.nominalTotalCollimation { values.append((.collimation, FixedDecimal.text(collimation, places: 1) + " mm")) }
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
                for setting in Setting.allCases where setting != .ctdiVolLevel {
                    var previous: (month: String, value: String, text: String)?
                    for month in ordered {
                        guard let modal = Self.modalValue(byMonth[month]?.techniques[setting] ?? [:]) else { continue }
                        if let previous, previous.value != modal.value { found.append(new(setting, previous.month, month, previous.text, modal.text)) }
                        previous = (month, modal.value, modal.text)
                    }
                }
                let level = Level(fit: fits[key])
                var previous: (month: String, median: Double, count: Int)?
                for month in ordered {
                    guard let events = byMonth[month], let current = level.median(of: events) else { continue }
                    if let previous, previous.median > 0 {
                        let ratio = current.median / previous.median
                        if ratio >= ProtocolChange.levelRatio || ratio <= 1 / ProtocolChange.levelRatio {
                            var change = new(.ctdiVolLevel, previous.month, month, Level.text(previous.median, of: previous.count),
                                             Level.text(current.median, of: current.count))
                            change.ratio = ratio
                            change.basis = level.basis
                            found.append(change)
                        }
                    }
                    previous = (month, current.median, current.count)
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

        /// How a group's monthly CTDIvol level is taken.
        private struct Level {
            /// ln CTDIvol = intercept + slope · Dw over the group's measured events, and their mean Dw.
            var slope: Double?
            var meanDwCentimeters: Double?

            init(fit sums: ModulationResponse.LineSums?) {
                if let sums, let fit = sums.fit {
                    slope = fit.slope
                    meanDwCentimeters = sums.sx / sums.n
                }
            }

            var basis: String {
                guard let meanDwCentimeters else { return "as reported (too few measured sizes for a fit)" }
                return "at the group's mean Dw, " + FixedDecimal.text(meanDwCentimeters, places: 1) + " cm"
            }

            /// The median CTDIvol of a month (at the mean Dw, from its measured events, when there is a
            /// fit; else of all its events) and how many events it is of.
            func median(of events: MonthEvents) -> (median: Double, count: Int)? {
                let values: [Double]
                if let slope, let meanDwCentimeters {
                    values = events.sized.map { Double($0.ctdiVolMilligray) * Foundation.exp(slope * (meanDwCentimeters - Double($0.dwCentimeters))) }
                } else {
                    values = events.sized.map { Double($0.ctdiVolMilligray) } + events.unsized.map(Double.init)
                }
                guard values.count >= ProtocolChange.levelMinimumEvents else { return nil }
                let sorted = values.sorted(), middle = sorted.count / 2
                return (sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, sorted.count)
            }

            static func text(_ median: Double, of count: Int) -> String {
                FixedDecimal.text(median, places: 2) + " mGy (median of \(count))"
            }
        }
    }
}
