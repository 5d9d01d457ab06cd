/// "Cumulative dose per patient": patients whose estimated effective dose within the run's window reaches
/// the threshold (recurrent CT), and the patients with the highest sums.
enum CumulativeDoseSection {
    static func html(_ overview: CumulativeDoseOverview?) -> String {
        var out = "<section id=\"cumulative-dose\" aria-labelledby=\"cumulative-dose-heading\"><h2 id=\"cumulative-dose-heading\">Cumulative dose per patient</h2>"
        guard let overview else {
            return out + "<p>This folder has no patient-dose.csv (written by scans and exports since 2026-11-30): run <code>ctdose export</code> again.</p></section>"
        }
        let threshold = HTML.number(overview.thresholdMillisieverts, places: 0)
        let years = overview.windowYears.map(String.init) ?? "?"
        out += "<p>Each patient's effective dose estimates (DLP × region and age coefficient) added up over their exams, and the highest "
            + "sum within any \(years) years. An exam without an estimate adds nothing: such sums are lower bounds (patient-dose.csv counts them). "
            + "Patients are pseudonymous.</p>"
        guard overview.patientCount > 0 else { return out + "<p>No patient with an identifier.</p></section>" }
        out += "<p><strong>\(overview.atOrAboveThresholdCount)</strong> of \(overview.patientCount) patients reach \(threshold) mSv within \(years) years"
            + (overview.atOrAboveThresholdCount > 0 ? " <span class=\"flag\">(marked)</span>" : "")
            + "; \(overview.repeatPatientCount) had more than one exam.</p>"
        let rows: [[SortableTable.Cell]] = overview.highest.map { line in
            [.html(HTML.escape(line.patientPseudonym) + (line.atOrAboveThreshold ? " <span class=\"flag\">≥ \(threshold) mSv</span>" : ""),
                   sortValue: nil),
             .number(line.windowEffectiveDose), .count(line.windowExams), .text("\(line.windowFirstStudyDate) – \(line.windowLastStudyDate)"),
             .number(line.effectiveDoseTotal), .count(line.exams), .count(line.examsWithoutEstimate)]
        }
        let listed = overview.highest.count < overview.patientCount ? "The \(overview.highest.count) highest of \(overview.patientCount) patients" : "Every patient"
        return out + SortableTable(
            id: "cumulative-dose-table", caption: "\(listed), highest sum within \(years) years first",
            columns: [.init("Patient"), .init("Within \(years) years (mSv)", numeric: true), .init("Exams in it", numeric: true), .init("Dates"),
                      .init("All exams (mSv)", numeric: true), .init("Exams", numeric: true), .init("Without estimate", numeric: true)],
            rows: rows).html + "</section>"
    }
}
