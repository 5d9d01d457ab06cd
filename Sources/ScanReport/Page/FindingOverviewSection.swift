/// "Findings by scanner": per scanner and finding code, how many of the scanner's exams raise it.
enum FindingOverviewSection {
    /// Lines listed in full; the rest are counted.
    static let listLimit = 200

    static func html(_ overview: FindingOverview) -> String {
        var out = "<section id=\"findings-by-scanner\" aria-labelledby=\"findings-by-scanner-heading\">"
            + "<h2 id=\"findings-by-scanner-heading\">Findings by scanner</h2>"
            + "<p>For each scanner, each validation finding its exams raised (codes in findings.csv and the README): in how many of the "
            + "scanner's exams, and what share of them. A code raised by a large share of one scanner's exams points at the scanner — its "
            + "dose report, its image headers, its protocols — rather than at single exams.</p>"
        guard !overview.lines.isEmpty else { return out + "<p>No exam raised a finding.</p></section>" }
        let shown = overview.lines.prefix(listLimit)
        let rows: [[SortableTable.Cell]] = shown.map { line in
            [.text(line.scanner), .text(line.code.rawValue), .text(line.severity.rawValue), .count(line.examCount),
             .count(line.scannerExamCount), .number(line.examShare * 100), .count(line.findingCount)]
        }
        let listed = shown.count < overview.lines.count ? "The \(shown.count) with most exams of \(overview.lines.count) lines" : "Every scanner and code"
        out += SortableTable(
            id: "findings-by-scanner-table", caption: "\(listed), most exams first",
            columns: [.init("Scanner"), .init("Code"), .init("Severity"), .init("Exams with it", numeric: true),
                      .init("Scanner's exams", numeric: true), .init("Share of exams (%)", numeric: true), .init("Findings", numeric: true)],
            rows: rows).html
        return out + "</section>"
    }
}
