/// The CMS CT measure results of one dose category: every exam's SAD against its size, its noise,
/// and the out-of-range rate (numerator out of range, denominator in or out of range). Counts are over
/// every exam; the chart markers are every exam with a diameter, or, past `markerLimit` of one verdict
/// group, a fixed sample of that many (`DeterministicSample`).
public struct CategoryOverview: Sendable, Equatable {
    public struct ExamPoint: Sendable, Equatable {
        public var studyInstanceUID: String
        public var diameterCentimeters: Double?
        public var sizeAdjustedDoseMilligrayCentimeters: Double?
        public var globalNoiseHounsfield: Double?
        public var verdict: String

        public var group: VerdictGroup { VerdictGroup(verdict) }
    }

    /// How the charts colour an exam.
    public enum VerdictGroup: String, Sendable, CaseIterable {
        case inRange, outOfRange, other

        public init(_ verdict: String) { self = verdict == "inRange" ? .inRange : verdict == "outOfRange" ? .outOfRange : .other }
    }

    public var category: String
    public var sadThresholdMilligrayCentimeters: Double?
    public var noiseThresholdHounsfield: Double?
    /// The exams drawn, by study UID.
    public var exams: [ExamPoint]
    /// Exams with a diameter and a SAD (a SAD chart marker), and with a diameter and a noise, per group.
    public var sadPointCounts: [VerdictGroup: Int]
    public var noisePointCounts: [VerdictGroup: Int]
    /// Markers drawn per verdict group, at most.
    public var markerLimit: Int
    /// Exams out of range (measure numerator).
    public var outOfRangeCount: Int
    /// Exams in or out of range (measure denominator after exclusions).
    public var evaluatedCount: Int
    /// Exams excluded or not evaluable.
    public var notEvaluatedCount: Int

    /// Out-of-range rate in percent; nil with an empty denominator.
    public var outOfRangePercent: Double? {
        evaluatedCount == 0 ? nil : 100 * Double(outOfRangeCount) / Double(evaluatedCount)
    }

    /// Markers drawn per verdict group and chart, at most.
    public static let defaultMarkerLimit = 4000

    /// One overview per category of the rows ("uncategorized" rows left out), by name.
    public static func all(_ measures: [MeasureRow], markerLimit: Int = defaultMarkerLimit) -> [CategoryOverview] {
        var tally = Tally(markerLimit: markerLimit)
        measures.forEach { tally.add($0) }
        return tally.overviews
    }

    /// The overviews built one measure.csv row at a time.
    public struct Tally {
        struct Category {
            var sadThreshold: Double?
            var noiseThreshold: Double?
            var samples: [VerdictGroup: DeterministicSample<ExamPoint>] = [:]
            var sadPoints: [VerdictGroup: Int] = [:]
            var noisePoints: [VerdictGroup: Int] = [:]
            var outOfRange = 0
            var evaluated = 0
            var rows = 0
        }

        let markerLimit: Int
        var categories: [String: Category] = [:]

        public init(markerLimit: Int = CategoryOverview.defaultMarkerLimit) { self.markerLimit = markerLimit }

        public mutating func add(_ row: MeasureRow) {
            guard !row.category.isEmpty, row.category != "uncategorized" else { return }
            var c = categories[row.category, default: Category()]
            c.sadThreshold = c.sadThreshold ?? row.sadThresholdMilligrayCentimeters
            c.noiseThreshold = c.noiseThreshold ?? row.noiseThresholdHounsfield
            c.rows += 1
            if row.isEvaluated { c.evaluated += 1 }
            if row.isOutOfRange { c.outOfRange += 1 }
            let point = ExamPoint(studyInstanceUID: row.studyInstanceUID, diameterCentimeters: row.diameterCentimeters,
                                  sizeAdjustedDoseMilligrayCentimeters: row.sizeAdjustedDoseMilligrayCentimeters,
                                  globalNoiseHounsfield: row.globalNoiseHounsfield, verdict: row.verdict)
            if point.diameterCentimeters != nil {
                let group = point.group
                if point.sizeAdjustedDoseMilligrayCentimeters != nil { c.sadPoints[group, default: 0] += 1 }
                if point.globalNoiseHounsfield != nil { c.noisePoints[group, default: 0] += 1 }
                c.samples[group, default: DeterministicSample(limit: markerLimit)].add(point, key: row.studyInstanceUID)
            }
            categories[row.category] = c
        }

        public var overviews: [CategoryOverview] {
            categories.map { name, c in
                CategoryOverview(
                    category: name, sadThresholdMilligrayCentimeters: c.sadThreshold, noiseThresholdHounsfield: c.noiseThreshold,
                    exams: c.samples.values.flatMap(\.items).sorted { $0.studyInstanceUID < $1.studyInstanceUID },
                    sadPointCounts: c.sadPoints, noisePointCounts: c.noisePoints, markerLimit: markerLimit,
                    outOfRangeCount: c.outOfRange, evaluatedCount: c.evaluated, notEvaluatedCount: c.rows - c.evaluated)
            }
            .sorted { $0.category < $1.category }
        }
    }
}
