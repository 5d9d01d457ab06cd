import CSVFormat

/// findings.csv: one row per finding, RFC 4180 (comma separated, CRLF line ends, fields with comma, quote,
/// CR or LF quoted, quotes doubled).
public enum FindingsCSV {
    public static let columns = [
        "studyInstanceUID", "code", "severity", "subject", "reportSOPInstanceUID", "irradiationEventUID", "eventNumber",
        "seriesInstanceUID", "message", "expected", "actual", "tolerance", "reference",
    ]

    /// The header line followed by one line per finding, each ending in CRLF.
    public static func text(_ findings: [Finding]) -> String {
        ([columns] + findings.map(row)).map { CSVText.record($0) + "\r\n" }.joined()
    }

    /// The rows of findings without the header (to append to a file already started).
    public static func rows(_ findings: [Finding]) -> String {
        findings.map { CSVText.record(row($0)) + "\r\n" }.joined()
    }

    static func row(_ f: Finding) -> [String] {
        [f.studyInstanceUID, f.code.rawValue, f.severity.rawValue, f.subject, f.reportSOPInstanceUID ?? "",
         f.irradiationEventUID ?? "", f.eventNumber.map(String.init) ?? "", f.seriesInstanceUID ?? "", f.message,
         f.expected ?? "", f.actual ?? "", f.tolerance ?? "", f.reference ?? ""]
    }
}
