/// measure.csv reduced to what the other analyses look up per exam (verdict, SSDE, effective dose) and the DLP
/// definition of the run. Built in one pass over the rows; the first row of an exam counts.
public struct MeasureLookup: Sendable {
    struct Entry: Sendable {
        /// inRange, outOfRange, excluded or notEvaluable (short strings: stored inline).
        var verdict: String
        var ssdeMilligray: Double?
        var effectiveDoseMillisieverts: Double?
    }

    private var entries: [String: Entry] = [:]
    /// The run's DLP definition: the first one measure.csv names.
    public private(set) var dlpDefinition: String?

    public init() {}

    public init(_ rows: [MeasureRow]) { rows.forEach { add($0) } }

    public mutating func add(_ row: MeasureRow) {
        if dlpDefinition == nil { dlpDefinition = row.dlpDefinition }
        guard entries[row.studyInstanceUID] == nil else { return }
        entries[row.studyInstanceUID] = Entry(verdict: row.verdict, ssdeMilligray: row.ssdeMilligray,
                                              effectiveDoseMillisieverts: row.effectiveDoseMillisieverts)
    }

    public func verdict(of studyInstanceUID: String) -> String? { entries[studyInstanceUID]?.verdict }
    public func ssdeMilligray(of studyInstanceUID: String) -> Double? { entries[studyInstanceUID]?.ssdeMilligray }
    public func effectiveDoseMillisieverts(of studyInstanceUID: String) -> Double? { entries[studyInstanceUID]?.effectiveDoseMillisieverts }
    public func isOutOfRange(_ studyInstanceUID: String) -> Bool { verdict(of: studyInstanceUID) == "outOfRange" }
}
