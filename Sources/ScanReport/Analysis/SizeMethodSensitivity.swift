/// How the measure verdicts depend on the patient-size method: per diameter method, the exams whose
/// verdict under that method (with the run's DLP definition) differs from the verdict in measure.csv.
/// Counts are over every exam; the study UIDs listed are the first `listLimit` in order.
public struct SizeMethodSensitivity: Sendable, Equatable {
    public struct MethodFlips: Sendable, Equatable {
        public var diameterMethod: String
        /// Exams with a verdict under this method.
        public var examsCompared: Int
        /// Exams whose verdict differs from the reported one.
        public var flippedCount: Int
        /// The first of them by study UID.
        public var flippedStudyInstanceUIDs: [String]
    }

    /// The DLP definition the comparison holds fixed.
    public var dlpDefinition: String
    public var methods: [MethodFlips]
    /// Exams in range under one variant and out of range under another (any method × DLP definition).
    public var examsFlippingUnderAnyVariantCount: Int
    /// The first of them by study UID.
    public var examsFlippingUnderAnyVariant: [String]
    public var examsAnalysed: Int

    /// Study UIDs listed per line of the page, at most.
    public static let defaultListLimit = 50

    public init(measures: [MeasureRow], sensitivity: [SensitivityRow], listLimit: Int = defaultListLimit) {
        var tally = Tally(measures: MeasureLookup(measures), listLimit: listLimit)
        sensitivity.forEach { tally.add($0) }
        self = tally.result
    }

    init(dlpDefinition: String, methods: [MethodFlips], examsFlippingUnderAnyVariantCount: Int, examsFlippingUnderAnyVariant: [String],
         examsAnalysed: Int) {
        self.dlpDefinition = dlpDefinition
        self.methods = methods
        self.examsFlippingUnderAnyVariantCount = examsFlippingUnderAnyVariantCount
        self.examsFlippingUnderAnyVariant = examsFlippingUnderAnyVariant
        self.examsAnalysed = examsAnalysed
    }

    /// The comparison built one sensitivity.csv row at a time; it keeps per exam one byte (the verdicts
    /// seen) and the study UIDs that flip.
    public struct Tally {
        private let measures: MeasureLookup
        private let listLimit: Int
        private let definition: String
        private var methodOrder: [String] = []
        private var compared: [String: Int] = [:]
        private var flipped: [String: Set<String>] = [:]
        private var verdictsSeen: [String: UInt8] = [:]

        public init(measures: MeasureLookup, listLimit: Int = SizeMethodSensitivity.defaultListLimit) {
            self.measures = measures
            self.listLimit = listLimit
            definition = measures.dlpDefinition ?? "allEvents"
        }

        public mutating func add(_ row: SensitivityRow) {
            let bit: UInt8 = row.verdict == "inRange" ? 1 : row.verdict == "outOfRange" ? 2 : 0
            verdictsSeen[row.studyInstanceUID, default: 0] |= bit
            guard row.dlpDefinition == definition else { return }
            if compared[row.diameterMethod] == nil { methodOrder.append(row.diameterMethod) }
            compared[row.diameterMethod, default: 0] += 1
            if let reported = measures.verdict(of: row.studyInstanceUID), reported != row.verdict {
                flipped[row.diameterMethod, default: []].insert(row.studyInstanceUID)
            }
        }

        public var result: SizeMethodSensitivity {
            let flipping = verdictsSeen.filter { $0.value == 3 }.keys
            return SizeMethodSensitivity(
                dlpDefinition: definition,
                methods: methodOrder.map { method in
                    let uids = flipped[method] ?? []
                    return MethodFlips(diameterMethod: method, examsCompared: compared[method] ?? 0, flippedCount: uids.count,
                                       flippedStudyInstanceUIDs: Array(uids.sorted().prefix(listLimit)))
                },
                examsFlippingUnderAnyVariantCount: flipping.count, examsFlippingUnderAnyVariant: Array(flipping.sorted().prefix(listLimit)),
                examsAnalysed: verdictsSeen.count)
        }
    }
}
