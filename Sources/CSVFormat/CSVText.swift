/// RFC 4180 CSV, written and read in one place for every output and input of ctdose: comma-separated
/// fields; a field containing a comma, double quote, CR or LF is quoted and its quotes doubled.
public enum CSVText {
    /// The field as written: quoted when it contains a comma, quote, CR or LF (RFC 4180 §2.6–2.7).
    public static func quote(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return field }
        return "\"" + field.replacing("\"", with: "\"\"") + "\""
    }

    /// One record without its line end; nil fields are empty.
    public static func record(_ fields: [String?]) -> String {
        fields.map { quote($0 ?? "") }.joined(separator: ",")
    }

    /// Records of CSV text: LF or CRLF line ends, quoted fields may hold commas, `""` and line breaks;
    /// blank lines are skipped, a final line end is optional.
    public static func records(parsing text: String) -> [[String]] {
        var records: [[String]] = []
        var parser = CSVRecordParser()
        parser.consume(text.utf8) { records.append($0) }
        parser.finish { records.append($0) }
        return records
    }
}
