import CSVFormat
import Foundation

/// A data table rendered in a server-side order. The page script (`ReportAssets.script`) turns each
/// header of a `table.sortable` into a button that re-sorts by that column, using `data-sort` for
/// numbers; without JavaScript the table stays as rendered. Unless told otherwise, a link under it
/// downloads its rows as a CSV file (a data URI inside the page: nothing is fetched).
public struct SortableTable: Sendable {
    public struct Column: Sendable {
        public var title: String
        public var numeric: Bool

        public init(_ title: String, numeric: Bool = false) {
            self.title = title
            self.numeric = numeric
        }
    }

    public struct Cell: Sendable {
        /// Already-escaped HTML.
        public var html: String
        /// Numeric sort key (empty cells sort last).
        public var sortValue: Double?
        /// The cell in the CSV file: its text, empty for a missing number.
        public var plainText: String

        public static func text(_ text: String?) -> Cell { Cell(html: HTML.escape(text ?? ""), sortValue: nil, plainText: text ?? "") }
        public static func number(_ value: Double?, places: Int = 1) -> Cell {
            Cell(html: HTML.number(value, places: places), sortValue: value, plainText: value.map { HTML.number($0, places: places) } ?? "")
        }
        public static func count(_ value: Int) -> Cell { Cell(html: String(value), sortValue: Double(value), plainText: String(value)) }
        /// `plainText`: the CSV text; nil takes the HTML's text (tags left out, entities read).
        public static func html(_ html: String, sortValue: Double? = nil, plainText: String? = nil) -> Cell {
            Cell(html: html, sortValue: sortValue, plainText: plainText ?? HTML.plainText(html))
        }
    }

    public var id: String
    public var caption: String
    public var columns: [Column]
    public var rows: [[Cell]]
    /// Whether a link downloads the rows as CSV (`id`.csv).
    public var downloadable: Bool

    public init(id: String, caption: String, columns: [Column], rows: [[Cell]], downloadable: Bool = true) {
        self.id = id
        self.caption = caption
        self.columns = columns
        self.rows = rows
        self.downloadable = downloadable
    }

    /// The header and the rows as CSV (RFC 4180 quoting), in the rendered order.
    public var csv: String {
        ([CSVText.record(columns.map(\.title))] + rows.map { CSVText.record($0.map(\.plainText)) }).joined(separator: "\n") + "\n"
    }

    public var html: String {
        var out = "<div class=\"table-wrap\"><table id=\"\(id)\" class=\"sortable\"><caption>\(HTML.escape(caption))</caption><thead><tr>"
        for column in columns {
            out += "<th scope=\"col\"\(column.numeric ? " class=\"num\" data-type=\"number\"" : "")>\(HTML.escape(column.title))</th>"
        }
        out += "</tr></thead><tbody>"
        for row in rows {
            out += "<tr>"
            for (i, cell) in row.enumerated() {
                let numeric = i < columns.count && columns[i].numeric
                let sort = cell.sortValue.map { " data-sort=\"\($0)\"" } ?? ""
                out += "<td\(numeric ? " class=\"num\"" : "")\(sort)>\(cell.html)</td>"
            }
            out += "</tr>"
        }
        if rows.isEmpty { out += "<tr><td colspan=\"\(columns.count)\">none</td></tr>" }
        out += "</tbody></table></div>"
        guard downloadable, !rows.isEmpty else { return out }
        let encoded = Data(csv.utf8).base64EncodedString()
        return out + "<p class=\"download\"><a download=\"\(id).csv\" href=\"data:text/csv;charset=utf-8;base64,\(encoded)\">"
            + "Download these \(rows.count) rows as CSV</a></p>"
    }
}
