@testable import ArchiveScan
import CSVFormat
import Testing

/// protocol-changes.csv read back as the report reads it: a drift keeps what it was compared with, and a
/// file written before drifts were looked for (no comparedWith column) reads as steps.
struct ProtocolChangesCSVTests {
    @Test func rowsReadBackWithWhatTheyWereComparedWith() throws {
        var drift = ProtocolChange(scanner: "Maker A", acquisitionProtocol: "Abdomen", setting: .ctdiVolLevel, previousMonth: "2026-01",
                                   month: "2026-04", before: "14.00 mGy (median of 12)", after: "17.64 mGy (median of 12)")
        drift.ratio = 1.26
        drift.pValue = 1.9e-6
        drift.basis = "at the group's mean Dw, 25.5 cm"
        drift.comparison = .baseline
        let step = ProtocolChange(scanner: "Maker A", acquisitionProtocol: "Abdomen", setting: .kernel, previousMonth: "2026-03",
                                  month: "2026-04", before: "B30f (12 of 12)", after: "Br40 (12 of 12)")
        let text = ProtocolChangesCSV.text([drift, step])
        let read = CSVDocument(parsing: text).namedRows.compactMap(ProtocolChange.init(csvRow:))
        #expect(read.map(\.comparison) == [.baseline, .previousMonth])
        #expect(read.first?.previousMonth == "2026-01" && read.first?.ratio == 1.26 && read.first?.basis == drift.basis)
        let older = text.replacingOccurrences(of: ",comparedWith\n", with: "\n").replacingOccurrences(of: ",baseline\n", with: "\n")
            .replacingOccurrences(of: ",previousMonth\n", with: "\n")
        #expect(CSVDocument(parsing: older).namedRows.compactMap(ProtocolChange.init(csvRow:)).map(\.comparison) == [.previousMonth, .previousMonth])
    }
}
