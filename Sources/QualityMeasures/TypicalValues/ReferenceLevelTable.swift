import CSVFormat
import DosePhysics
import Foundation

/// One diagnostic reference level (a national or regional DRL, or a local one) for a category, optionally
/// only for one age group, size band or dosimetry phantom.
public struct ReferenceLevel: Sendable, Equatable {
    public var category: String
    public var ageGroup: AgeGroup?
    public var sizeBand: String?
    public var phantom: DosimetryPhantom?
    public var ctdiVolMilligray: Double?
    public var dlpMilligrayCentimeters: Double?
    /// Where the value comes from, as the table says (written next to each comparison).
    public var source: String

    /// How many of the optional conditions it sets: the most specific level that applies is used.
    var specificity: Int { [ageGroup != nil, sizeBand != nil, phantom != nil].filter { $0 }.count }

    func applies(to key: TypicalValueKey) -> Bool {
        category == key.category && (ageGroup ?? key.ageGroup) == key.ageGroup && (sizeBand ?? key.sizeBand) == key.sizeBand
            && (phantom.map(\.rawValue) ?? key.phantom) == key.phantom
    }
}

/// The reference levels typical values are compared with, read from a CSV file (`--drl-table`) whose
/// header names the columns (any order, extra columns ignored):
///
///     category,ageGroup,sizeBand,phantom,ctdiVol_mGy,dlp_mGycm,source
///     headRoutineDose,adult,,head16cm,60,1000,national DRL 2023 (example values)
///
/// `category` is a category id of the measure catalog; `ageGroup` adult | paediatric, `sizeBand` one of
/// the size band labels (e.g. 20-25), `phantom` head16cm | body32cm: empty means any. At least one of
/// the two values. ctdose bundles no values: DRLs are national and change, so the user states them.
public struct ReferenceLevelTable: Sendable, Equatable {
    public var levels: [ReferenceLevel]

    public init(levels: [ReferenceLevel] = []) { self.levels = levels }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        /// 1-based record number, the header being record 1.
        public var record: Int
        public var message: String
        public var description: String { "reference level table record \(record): \(message)" }
    }

    /// Every name is checked: a category, age group, band or phantom the table misspells would otherwise
    /// never match and leave its exams without comparison, silently.
    public static func parse(csv text: String, catalog: CategoryCatalog, sizeBands: SizeBands) throws -> ReferenceLevelTable {
        let document = CSVDocument(parsing: text)
        let header = document.header.map { $0.trimmingCharacters(in: .whitespaces) }
        guard header.contains("category"), header.contains("ctdiVol_mGy") || header.contains("dlp_mGycm") else {
            throw ParseError(record: 1, message: "header must name category and ctdiVol_mGy and/or dlp_mGycm")
        }
        let categories = Set(catalog.measureVersions.flatMap { $0.categories.map(\.id) })
        var levels: [ReferenceLevel] = []
        for (offset, row) in CSVDocument(header: header, rows: document.rows).namedRows.enumerated() {
            let record = offset + 2
            func field(_ name: String) -> String? {
                let value = row[name].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            if document.rows[offset].allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard let category = field("category") else { throw ParseError(record: record, message: "no category") }
            guard categories.contains(category) else {
                throw ParseError(record: record, message: "unknown category '\(category)' (ids: \(categories.sorted().joined(separator: ", ")))")
            }
            var level = ReferenceLevel(category: category, source: field("source") ?? "")
            if let text = field("ageGroup") {
                guard let group = AgeGroup(tableValue: text) else {
                    throw ParseError(record: record, message: "unknown ageGroup '\(text)' (adult or paediatric)")
                }
                level.ageGroup = group
            }
            if let band = field("sizeBand") {
                guard sizeBands.labels.contains(band) || band == SizeBands.unknownSize else {
                    throw ParseError(record: record, message: "sizeBand '\(band)' is not one of the size bands (\(sizeBands.labels.joined(separator: ", ")))")
                }
                level.sizeBand = band
            }
            if let text = field("phantom") {
                guard let phantom = DosimetryPhantom(rawValue: text) else {
                    throw ParseError(record: record, message: "unknown phantom '\(text)' (head16cm or body32cm)")
                }
                level.phantom = phantom
            }
            for (column, assign) in [("ctdiVol_mGy", \ReferenceLevel.ctdiVolMilligray), ("dlp_mGycm", \ReferenceLevel.dlpMilligrayCentimeters)] {
                guard let text = field(column) else { continue }
                guard let value = Double(text), value.isFinite, value > 0 else {
                    throw ParseError(record: record, message: "\(column) '\(text)' is not a positive number")
                }
                level[keyPath: assign] = value
            }
            guard level.ctdiVolMilligray != nil || level.dlpMilligrayCentimeters != nil else {
                throw ParseError(record: record, message: "neither ctdiVol_mGy nor dlp_mGycm")
            }
            levels.append(level)
        }
        return ReferenceLevelTable(levels: levels)
    }

    /// The most specific level that applies (the first of equally specific ones).
    func level(for key: TypicalValueKey) -> ReferenceLevel? {
        var best: ReferenceLevel?
        for level in levels where level.applies(to: key) {
            if best == nil || level.specificity > best!.specificity { best = level }
        }
        return best
    }
}
