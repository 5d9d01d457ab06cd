/// How the measure verdicts depend on the patient-size method: per diameter method, the exams whose
/// verdict under that method (with the run's DLP definition) differs from the verdict in measure.csv.
public struct SizeMethodSensitivity: Sendable, Equatable {
    public struct MethodFlips: Sendable, Equatable {
        public var diameterMethod: String
        /// Exams with a verdict under this method.
        public var examsCompared: Int
        /// Study UIDs whose verdict differs from the reported one, sorted.
        public var flippedStudyInstanceUIDs: [String]
    }

    /// The DLP definition the comparison holds fixed.
    public var dlpDefinition: String
    public var methods: [MethodFlips]
    /// Exams in range under one variant and out of range under another (any method × DLP definition).
    public var examsFlippingUnderAnyVariant: [String]
    public var examsAnalysed: Int

    public init(measures: [MeasureRow], sensitivity: [SensitivityRow]) {
        let reported = Dictionary(measures.map { ($0.studyInstanceUID, $0) }, uniquingKeysWith: { first, _ in first })
        let definition = measures.lazy.compactMap(\.dlpDefinition).first ?? "allEvents"
        dlpDefinition = definition
        let sameDefinition = sensitivity.filter { $0.dlpDefinition == definition }
        var methodOrder: [String] = []
        for row in sameDefinition where !methodOrder.contains(row.diameterMethod) { methodOrder.append(row.diameterMethod) }
        methods = methodOrder.map { method in
            let rows = sameDefinition.filter { $0.diameterMethod == method }
            let flipped = rows.filter { row in reported[row.studyInstanceUID].map { $0.verdict != row.verdict } ?? false }
            return MethodFlips(diameterMethod: method, examsCompared: rows.count,
                               flippedStudyInstanceUIDs: Set(flipped.map(\.studyInstanceUID)).sorted())
        }
        let byExam = Dictionary(grouping: sensitivity, by: \.studyInstanceUID)
        examsAnalysed = byExam.count
        examsFlippingUnderAnyVariant = byExam.filter { _, rows in
            let verdicts = Set(rows.map(\.verdict))
            return verdicts.contains("inRange") && verdicts.contains("outOfRange")
        }.keys.sorted()
    }
}
