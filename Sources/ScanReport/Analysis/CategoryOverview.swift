/// The CMS CT measure results of one dose category: every exam's SAD against its size, its noise,
/// and the out-of-range rate (numerator out of range, denominator in or out of range).
public struct CategoryOverview: Sendable, Equatable {
    public struct ExamPoint: Sendable, Equatable {
        public var studyInstanceUID: String
        public var diameterCentimeters: Double?
        public var sizeAdjustedDoseMilligrayCentimeters: Double?
        public var globalNoiseHounsfield: Double?
        public var verdict: String
    }

    public var category: String
    public var sadThresholdMilligrayCentimeters: Double?
    public var noiseThresholdHounsfield: Double?
    public var exams: [ExamPoint]
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

    /// One overview per category found in measure.csv ("uncategorized" rows left out), by name.
    public static func all(_ measures: [MeasureRow]) -> [CategoryOverview] {
        let categorized = measures.filter { !$0.category.isEmpty && $0.category != "uncategorized" }
        return Dictionary(grouping: categorized, by: \.category).map(overview).sorted { $0.category < $1.category }
    }

    static func overview(category: String, rows: [MeasureRow]) -> CategoryOverview {
        let points: [ExamPoint] = rows.map { row in
            ExamPoint(studyInstanceUID: row.studyInstanceUID, diameterCentimeters: row.diameterCentimeters,
                      sizeAdjustedDoseMilligrayCentimeters: row.sizeAdjustedDoseMilligrayCentimeters,
                      globalNoiseHounsfield: row.globalNoiseHounsfield, verdict: row.verdict)
        }
        let evaluated = rows.filter(\.isEvaluated).count
        return CategoryOverview(
            category: category,
            sadThresholdMilligrayCentimeters: rows.lazy.compactMap(\.sadThresholdMilligrayCentimeters).first,
            noiseThresholdHounsfield: rows.lazy.compactMap(\.noiseThresholdHounsfield).first,
            exams: points.sorted { $0.studyInstanceUID < $1.studyInstanceUID },
            outOfRangeCount: rows.filter(\.isOutOfRange).count, evaluatedCount: evaluated, notEvaluatedCount: rows.count - evaluated)
    }
}
