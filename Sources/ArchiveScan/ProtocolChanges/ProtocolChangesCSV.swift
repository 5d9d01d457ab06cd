import CSVFormat
import Foundation

/// protocol-changes.csv: one row per `ProtocolChange`, latest month first.
enum ProtocolChangesCSV {
    static let columns = ["month", "previousMonth", "scanner", "acquisitionProtocol", "setting", "before", "after", "ratio", "pValue", "basis", "comparedWith"]

    static func text(_ changes: [ProtocolChange]) -> String {
        CSVTable.line(columns) + changes.map { change in
            CSVTable.line([change.month, change.previousMonth, change.scanner, change.acquisitionProtocol, change.setting.rawValue,
                           change.before, change.after, change.ratio.map(CSVTable.decimal),
                           change.pValue.map { String(format: "%.2e", $0) }, change.basis, change.comparison.rawValue])
        }.joined()
    }
}

extension ProtocolChange {
    /// A row of protocol-changes.csv read back (the report's source); nil for an unknown setting.
    public init?(csvRow row: CSVRow) {
        guard let setting = Setting(rawValue: row["setting"]) else { return nil }
        self.init(scanner: row["scanner"], acquisitionProtocol: row["acquisitionProtocol"], setting: setting, previousMonth: row["previousMonth"],
                  month: row["month"], before: row["before"], after: row["after"], ratio: row.number("ratio"), pValue: row.number("pValue"),
                  basis: row.text("basis"))
        // Absent from files written before drifts were looked for.
        comparison = row.text("comparedWith").flatMap(Comparison.init(rawValue:)) ?? .previousMonth
    }
}
