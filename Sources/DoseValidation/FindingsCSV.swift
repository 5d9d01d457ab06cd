/// findings.csv: one row per finding, RFC 4180 (comma separated, CRLF line ends, fields with comma, quote,
/// CR or LF quoted, quotes doubled).
public enum FindingsCSV {
    public static let columns = [
        "studyInstanceUID", "code", "severity", "subject", "reportSOPInstanceUID", "irradiationEventUID", "eventNumber",
        "seriesInstanceUID", "message", "expected", "actual", "tolerance", "reference",
    ]

    /// The header line followed by one line per finding, each ending in CRLF.
    public static func text(_ findings: [Finding]) -> String {
        ([columns] + findings.map(row)).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// The rows of findings without the header (to append to a file already started).
    public static func rows(_ findings: [Finding]) -> String {
        findings.map { row($0).map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    static func row(_ f: Finding) -> [String] {
        [f.studyInstanceUID, f.code.rawValue, f.severity.rawValue, f.subject, f.reportSOPInstanceUID ?? "",
         f.irradiationEventUID ?? "", f.eventNumber.map(String.init) ?? "", f.seriesInstanceUID ?? "", f.message,
         f.expected ?? "", f.actual ?? "", f.tolerance ?? "", f.reference ?? ""]
    }

    /// RFC 4180 §2: quote a field containing comma, double quote, CR or LF; double embedded quotes.
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
    }
}
