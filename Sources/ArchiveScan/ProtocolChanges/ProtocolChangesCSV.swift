import Foundation

/// protocol-changes.csv: one row per `ProtocolChange`, latest month first.
enum ProtocolChangesCSV {
    static let columns = ["month", "previousMonth", "scanner", "acquisitionProtocol", "setting", "before", "after", "ratio", "pValue", "basis"]

    static func text(_ changes: [ProtocolChange]) -> String {
        CSVTable.line(columns) + changes.map { change in
            CSVTable.line([change.month, change.previousMonth, change.scanner, change.acquisitionProtocol, change.setting.rawValue,
                           change.before, change.after, change.ratio.map(CSVTable.decimal),
                           change.pValue.map { String(format: "%.2e", $0) }, change.basis])
        }.joined()
    }
}
