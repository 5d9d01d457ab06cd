/// A CSV file read with RFC 4180 rules: comma-separated fields, optional double quotes around a
/// field, `""` for a quote inside a quoted field, line breaks (LF or CRLF) inside quotes kept. The
/// first record is the header; rows shorter than the header read as empty fields.
public struct CSVDocument: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// Parses CSV text. An empty text gives an empty header and no rows.
    public init(parsing text: String) {
        let records = CSVText.records(parsing: text)
        header = records.first ?? []
        rows = Array(records.dropFirst())
    }

    /// Rows as dictionaries keyed by the header names.
    public var namedRows: [CSVRow] {
        let index = CSVRow.columnIndex(header)
        return rows.map { CSVRow(fields: $0, columnIndex: index) }
    }
}

/// One CSV row, read by column name.
public struct CSVRow: Sendable, Equatable {
    var fields: [String]
    var columnIndex: [String: Int]

    /// Column positions by header name; a repeated name reads its first column.
    static func columnIndex(_ header: [String]) -> [String: Int] {
        Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The field of a column; "" for a missing column or a short row.
    public subscript(_ column: String) -> String {
        guard let i = columnIndex[column], i < fields.count else { return "" }
        return fields[i]
    }

    /// The field as a number; nil when empty or not a number.
    public func number(_ column: String) -> Double? { Double(self[column]) }

    /// The field, or nil when empty.
    public func text(_ column: String) -> String? {
        let value = self[column]
        return value.isEmpty ? nil : value
    }
}
