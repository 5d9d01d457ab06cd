import CSVFormat
import Foundation
import Testing
@testable import ScanReport

/// A table's CSV download: the header and the rows as rendered, quoted where needed, HTML read back to
/// its text, missing numbers empty; a data URI in the page, none for an empty or non-downloadable table.
@Suite struct SortableTableTests {
    static func downloadedCSV(_ html: String, id: String) throws -> String {
        let prefix = "<a download=\"\(id).csv\" href=\"data:text/csv;charset=utf-8;base64,"
        let start = try #require(html.range(of: prefix)).upperBound
        let end = try #require(html[start...].firstIndex(of: "\""))
        return String(decoding: try #require(Data(base64Encoded: String(html[start..<end]))), as: UTF8.self)
    }

    @Test func theDownloadIsTheTableAsCSV() throws {
        let table = SortableTable(
            id: "t", caption: "c", columns: [.init("Name"), .init("Dose (mGy)", numeric: true), .init("Note")],
            rows: [[.text("Chest, \"routine\""), .number(12.345, places: 2), .html("8.0 <span class=\"muted\">(n = 3)</span> &lt;1&gt; A&amp;B")],
                   [.text("Head"), .number(nil), .count(7)]])
        let csv = try Self.downloadedCSV(table.html, id: "t")
        #expect(csv == "Name,Dose (mGy),Note\n\"Chest, \"\"routine\"\"\",12.35,8.0 (n = 3) <1> A&B\nHead,,7\n")
        #expect(CSVText.records(parsing: csv) == [["Name", "Dose (mGy)", "Note"], ["Chest, \"routine\"", "12.35", "8.0 (n = 3) <1> A&B"], ["Head", "", "7"]])
        #expect(table.html.contains("Download these 2 rows as CSV"))
        var quiet = table
        quiet.downloadable = false
        #expect(!quiet.html.contains("download="))
        #expect(!SortableTable(id: "e", caption: "c", columns: [.init("A")], rows: []).html.contains("download="))
    }

    @Test func theProtocolChangesDownloadAsCSV() throws {
        let records = try ProtocolChangeTests.records(month: "2026-01", dws: ProtocolChangeTests.dws)
            + ProtocolChangeTests.records(month: "2026-02", dws: ProtocolChangeTests.dws, kvp: 100)
        let csv = try Self.downloadedCSV(ProtocolChangeSection.html(ProtocolChangeTests.changes(records)), id: "protocol-change-table")
        let rows = CSVText.records(parsing: csv)
        #expect(rows.count == 2 && rows[0].first == "Month")
        #expect(rows.last?[0] == "2026-02" && rows.last?[3] == "Tube voltage" && rows.last?[4] == "2026-01: 120 kV (12 of 12)"
                && rows.last?[5] == "100 kV (12 of 12)" && rows.last?[6] == "")
    }
}
