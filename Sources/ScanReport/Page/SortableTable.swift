/// A data table rendered in a server-side order. The page script (`ReportAssets.script`) turns each
/// header of a `table.sortable` into a button that re-sorts by that column, using `data-sort` for
/// numbers; without JavaScript the table stays as rendered.
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

        public static func text(_ text: String?) -> Cell { Cell(html: HTML.escape(text ?? ""), sortValue: nil) }
        public static func number(_ value: Double?, places: Int = 1) -> Cell { Cell(html: HTML.number(value, places: places), sortValue: value) }
        public static func count(_ value: Int) -> Cell { Cell(html: String(value), sortValue: Double(value)) }
        public static func html(_ html: String, sortValue: Double? = nil) -> Cell { Cell(html: html, sortValue: sortValue) }
    }

    public var id: String
    public var caption: String
    public var columns: [Column]
    public var rows: [[Cell]]

    public init(id: String, caption: String, columns: [Column], rows: [[Cell]]) {
        self.id = id
        self.caption = caption
        self.columns = columns
        self.rows = rows
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
        return out + "</tbody></table></div>"
    }
}
