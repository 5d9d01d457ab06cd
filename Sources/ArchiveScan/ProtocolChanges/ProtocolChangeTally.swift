import CSVFormat
import DoseModel
import Foundation
import QualityMeasures

extension ProtocolChange {
    /// Changes found over exams added in order: per scanner, protocol and month, the counts of each
    /// technique value and each event's CTDIvol and noise (with its Dw: 8 bytes each, for exact medians).
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
            var events = 0
            var techniques: [Setting: [String: Int]] = [:]
            var levels: [Setting: LevelValues] = [:]

            mutating func add(techniques values: [(Setting, String)], levels measured: [(Setting, Double)], dw: Double?) {
                events += 1
                for (setting, value) in values { techniques[setting, default: [:]][value, default: 0] += 1 }
                for (setting, value) in measured {
                    if let dw {
                        levels[setting, default: LevelValues()].sized.append((Float(dw), Float(value)))
                    } else {
                        levels[setting, default: LevelValues()].unsized.append(Float(value))
                    }
                }
            }

            /// `other`'s events added to these (the same month of a protocol and of the one it was renamed to).
            mutating func merge(_ other: MonthEvents) {
                events += other.events
                for (setting, counts) in other.techniques { techniques[setting, default: [:]].merge(counts, uniquingKeysWith: +) }
                for (setting, values) in other.levels {
                    levels[setting, default: LevelValues()].sized += values.sized
                    levels[setting, default: LevelValues()].unsized += values.unsized
                }
            }
        }

        private var months: [Key: [String: MonthEvents]] = [:]
        /// Per group and level, the sums of its fit on Dw (of ln CTDIvol; of the noise).
        private var fits: [Key: [Setting: DwLineSums]] = [:]
        private let settings: Settings

        public init(settings: Settings = Settings()) {
            self.settings = settings
        }

        /// The exam's diagnostic events (not localizers), by its study month; undated exams, and those of QA
        /// phantoms and test patients, are left out.
        public mutating func add(_ exam: ExamRecord) { add(ProtocolChange.observations(of: exam)) }

        /// Events in the order of their exams.
        public mutating func add(_ observations: [Observation]) {
            for event in observations {
                let key = Key(scanner: event.scanner, acquisitionProtocol: event.acquisitionProtocol)
                // In place: a copy of the month's arrays, appended to, would copy them whole each time.
                months[key, default: [:]][event.month, default: MonthEvents()].add(techniques: event.techniques, levels: event.levels, dw: event.dwCentimeters)
                if let dw = event.dwCentimeters {
                    for (setting, value) in event.levels {
                        fits[key, default: [:]][setting, default: DwLineSums()].add(x: dw, y: setting == .ctdiVolLevel ? Foundation.log(value) : value)
                    }
                }
            }
        }

        /// Every change, latest month first, then by scanner, protocol and setting.
        public var changes: [ProtocolChange] {
            var found: [ProtocolChange] = []
            for (key, byMonth) in months {
                found += changes(of: key, byMonth: byMonth, fits: fits[key] ?? [:])
            }
            let uses = self.uses()
            let renames = self.renames(uses)
            for rename in renames {
                // The two protocols as one group; only the changes across the rename are its own.
                var byMonth = months[rename.old] ?? [:]
                for (month, events) in months[rename.new] ?? [:] { byMonth[month, default: MonthEvents()].merge(events) }
                var sums = fits[rename.old] ?? [:]
                for (setting, other) in fits[rename.new] ?? [:] { sums[setting, default: DwLineSums()].add(other) }
                let first = rename.firstMonth
                found += changes(of: rename.old, byMonth: byMonth, fits: sums)
                    .filter { $0.previousMonth < first && $0.month >= first }
                    .map { change in
                        var change = change
                        change.acquisitionProtocol = rename.old.acquisitionProtocol + " → " + rename.new.acquisitionProtocol
                        return change
                    }
            }
            found += protocolsInUse(uses, renames: renames)
            let order = Dictionary(uniqueKeysWithValues: Setting.allCases.enumerated().map { ($1, $0) })
            return found.sorted {
                ($1.month, $0.scanner, $0.acquisitionProtocol, order[$0.setting]!) < ($0.month, $1.scanner, $1.acquisitionProtocol, order[$1.setting]!)
            }
        }

        /// One group's technique and level changes, month by month.
        private func changes(of key: Key, byMonth: [String: MonthEvents], fits: [Setting: DwLineSums]) -> [ProtocolChange] {
            var found: [ProtocolChange] = []
            let ordered = byMonth.keys.sorted()
            let new = { (setting: Setting, previous: String, month: String, before: String, after: String) in
                ProtocolChange(scanner: key.scanner, acquisitionProtocol: key.acquisitionProtocol, setting: setting, previousMonth: previous,
                               month: month, before: before, after: after)
            }
            for setting in Setting.allCases where setting.isTechnique {
                var previous: (month: String, value: String, text: String)?
                for month in ordered {
                    guard let modal = Self.modalValue(byMonth[month]?.techniques[setting] ?? [:], minimumEvents: settings.techniqueMinimumEvents,
                                                      majority: settings.majority)
                    else { continue }
                    if let previous, previous.value != modal.value { found.append(new(setting, previous.month, month, previous.text, modal.text)) }
                    previous = (month, modal.value, modal.text)
                }
            }
            for setting in Setting.allCases {
                guard let limit = settings.ratio(of: setting) else { continue }
                let level = Level(setting, fit: fits[setting], minimumEvents: settings.levelMinimumEvents)
                // The month's level against an earlier month's: a change when the medians' ratio reaches the
                // limit either way and the two months' values differ significantly.
                func change(from earlier: (month: String, values: [Double]), to month: String, _ current: [Double]) -> ProtocolChange? {
                    let before = DistributionSummary.quantile(earlier.values, 0.5), after = DistributionSummary.quantile(current, 0.5)
                    let ratio = before > 0 ? after / before : 1
                    guard ratio >= limit || ratio <= 1 / limit, let p = MannWhitneyTest.twoSidedPValue(earlier.values, current),
                          p < settings.significance else { return nil }
                    var change = new(setting, earlier.month, month, level.text(before, of: earlier.values.count), level.text(after, of: current.count))
                    change.ratio = ratio
                    change.pValue = p
                    change.basis = level.basis
                    return change
                }
                // Each month against the one before (a step), and against the first month since the last
                // change found (a drift: steps each below the limit that add up to it).
                var previous: (month: String, values: [Double])?
                var baseline: (month: String, values: [Double])?
                for month in ordered {
                    guard let values = byMonth[month]?.levels[setting], let current = level.values(of: values) else { continue }
                    if let step = previous.flatMap({ change(from: $0, to: month, current) }) {
                        found.append(step)
                        baseline = (month, current)
                    } else if let base = baseline, base.month != previous?.month, var drift = change(from: base, to: month, current) {
                        drift.comparison = .baseline
                        found.append(drift)
                        baseline = (month, current)
                    } else if baseline == nil {
                        baseline = (month, current)
                    }
                    previous = (month, current)
                }
            }
            return found
        }

        /// A protocol no longer used and one first used on the same scanner when it stopped (in its last
        /// month or the scanner's next), with the same usual CTDI phantom: taken for one protocol renamed
        /// when each is the other's only such partner, or, where several stopped and started together,
        /// when each is the other's partner of the most alike name (`ProtocolNameSimilarity`, at least
        /// `renameNameSimilarity`; ties pair nothing). ctdose's choice [U].
        private struct Rename {
            var old, new: Key
            var lastMonth, firstMonth: String
        }

        /// A group's use of its protocol against its scanner's months (groups with `techniqueMinimumEvents`
        /// events in all): its first month when the scanner ran before it (and the scanner's month before
        /// that), its last month when at least two of the scanner's months follow (and the first and last
        /// of them).
        private struct Use {
            var key: Key
            var started: (month: String, scannerMonthBefore: String)?
            var stopped: (month: String, scannerMonthAfter: String, scannerLastMonth: String)?
        }

        private func uses() -> [Use] {
            var scannerMonths: [String: Set<String>] = [:]
            for (key, byMonth) in months { scannerMonths[key.scanner, default: []].formUnion(byMonth.keys) }
            return months.compactMap { key, byMonth in
                let used = byMonth.keys.sorted()
                let total = byMonth.values.reduce(0) { $0 + $1.events }
                guard total >= settings.techniqueMinimumEvents, let first = used.first, let last = used.last,
                      let scanner = scannerMonths[key.scanner]?.sorted() else { return nil }
                var use = Use(key: key)
                if let before = scanner.last(where: { $0 < first }) { use.started = (first, before) }
                let after = scanner.filter { $0 > last }
                if after.count >= 2, let next = after.first, let end = after.last { use.stopped = (last, next, end) }
                return use
            }
        }

        private func renames(_ uses: [Use]) -> [Rename] {
            var candidates: [(old: Key, new: Key, last: String, first: String)] = []
            for stop in uses {
                guard let stopped = stop.stopped else { continue }
                for start in uses where start.key.scanner == stop.key.scanner && start.key != stop.key {
                    guard let first = start.started?.month, first == stopped.month || first == stopped.scannerMonthAfter,
                          usualPhantomsAgree(stop.key, start.key) else { continue }
                    candidates.append((stop.key, start.key, stopped.month, first))
                }
            }
            let similarity = { (pair: (old: Key, new: Key, last: String, first: String)) in
                ProtocolNameSimilarity.of(pair.old.acquisitionProtocol, pair.new.acquisitionProtocol)
            }
            return candidates.filter { pair in
                let news = candidates.filter { $0.old == pair.old }, olds = candidates.filter { $0.new == pair.new }
                if news.count == 1 && olds.count == 1 { return true }
                // Several stopped and started together: each is paired with the partner whose name is most
                // like its own, when that is so both ways, unique, and alike enough.
                let score = similarity(pair)
                return score >= settings.renameNameSimilarity
                    && news.allSatisfy { $0.new == pair.new || similarity($0) < score }
                    && olds.allSatisfy { $0.old == pair.old || similarity($0) < score }
            }.map { Rename(old: $0.old, new: $0.new, lastMonth: $0.last, firstMonth: $0.first) }
        }

        /// Whether two groups' most used CTDI phantoms are the same, where both recorded one.
        private func usualPhantomsAgree(_ a: Key, _ b: Key) -> Bool {
            func usual(_ key: Key) -> String? {
                var counts: [String: Int] = [:]
                for events in (months[key] ?? [:]).values { counts.merge(events.techniques[.phantom] ?? [:], uniquingKeysWith: +) }
                counts[CTDIPhantom.unknown.rawValue] = nil
                return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
            }
            guard let first = usual(a), let second = usual(b) else { return true }
            return first == second
        }

        /// Protocols first used after their scanner's first month, and protocols no longer used for at
        /// least two of their scanner's months: a protocol made or dropped on the scanner; a rename
        /// (`Rename`) names its other protocol on both. Protocols with fewer than
        /// `techniqueMinimumEvents` events in all (a one-off) are left out.
        private func protocolsInUse(_ uses: [Use], renames: [Rename]) -> [ProtocolChange] {
            var found: [ProtocolChange] = []
            for use in uses {
                let key = use.key
                let events = { (month: String) in self.months[key]?[month]?.events ?? 0 }
                if let (first, before) = use.started {
                    let renamed = renames.first { $0.new == key }.map { "; renamed from \($0.old.acquisitionProtocol), last used \($0.lastMonth)" } ?? ""
                    found.append(ProtocolChange(scanner: key.scanner, acquisitionProtocol: key.acquisitionProtocol, setting: .protocolUse,
                                                previousMonth: before, month: first, before: "not used",
                                                after: "first used (\(events(first)) events)" + renamed))
                }
                if let (last, next, end) = use.stopped {
                    let renamed = renames.first { $0.old == key }.map { "; renamed to \($0.new.acquisitionProtocol), first used \($0.firstMonth)" } ?? ""
                    found.append(ProtocolChange(scanner: key.scanner, acquisitionProtocol: key.acquisitionProtocol, setting: .protocolUse,
                                                previousMonth: last, month: next, before: "last used (\(events(last)) events)",
                                                after: "not used to \(end), the scanner's last month" + renamed))
                }
            }
            return found
        }

        /// The month's value of a technique: the one at least `majority` of its events used, when at
        /// least `minimumEvents` recorded one.
        static func modalValue(_ counts: [String: Int], minimumEvents: Int, majority: Double) -> (value: String, text: String)? {
            let total = counts.values.reduce(0, +)
            guard total >= minimumEvents,
                  let top = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }),
                  Double(top.value) >= majority * Double(total) else { return nil }
            return (top.key, "\(top.key) (\(top.value) of \(total))")
        }

        /// How a group's monthly level of CTDIvol or noise is taken.
        private struct Level {
            var setting: Setting
            /// The group's fit on Dw over its measured events (of ln CTDIvol; of the noise), and their mean Dw.
            var slope: Double?
            var meanDwCentimeters: Double?
            var minimumEvents: Int

            init(_ setting: Setting, fit sums: DwLineSums?, minimumEvents: Int) {
                self.setting = setting
                self.minimumEvents = minimumEvents
                if let sums, let fit = sums.fit {
                    slope = fit.slope
                    meanDwCentimeters = sums.meanX
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

            /// A month's values, sorted (at the mean Dw, from its measured events, when there is a fit; else
            /// all its events'), when there are enough.
            func values(of month: LevelValues) -> [Double]? {
                let values: [Double]
                if let slope, let meanDwCentimeters {
                    values = month.sized.map {
                        atMeanDw(Double($0.value), dwCentimeters: Double($0.dwCentimeters), slope: slope, meanDwCentimeters: meanDwCentimeters)
                    }
                } else {
                    values = month.sized.map { Double($0.value) } + month.unsized.map(Double.init)
                }
                return values.count >= minimumEvents ? values.sorted() : nil
            }

            func text(_ median: Double, of count: Int) -> String {
                setting == .ctdiVolLevel ? FixedDecimal.text(median, places: 2) + " mGy (median of \(count))"
                                         : FixedDecimal.text(median, places: 1) + " HU (median of \(count))"
            }
        }
    }
}
