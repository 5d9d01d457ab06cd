import DoseValidation

/// "Summary": what was read and what was found.
enum SummarySection {
    static func html(_ summary: ScanSummary) -> String {
        let dateRange: String
        switch (summary.firstStudyDate, summary.lastStudyDate) {
        case let (first?, last?): dateRange = first == last ? first : "\(first) to \(last)"
        default: dateRange = "no study dates"
        }
        let problems = summary.problemsBySeverity.isEmpty ? "none"
            : summary.problemsBySeverity.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        // Where the dose values came from, in the order of trust (DCM 113867 "Computed From Image Attributes" last).
        let sourceNames = [("doseReport", "dose report"), ("doseInfoScreen", "dose screen"), ("computedFromImageAttributes", "computed from image headers"),
                           ("none", "none")]
        let known = Set(sourceNames.map(\.0))
        let doseData = (sourceNames.compactMap { key, name in summary.examsByDoseSource[key].map { "\($0) \(name)" } }
                        + summary.examsByDoseSource.filter { !known.contains($0.key) }.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" })
            .joined(separator: ", ")
        let findings = summary.findingsBySeverity.isEmpty ? "none"
            : FindingSeverity.allCases.reversed().compactMap { s in summary.findingsBySeverity[s].map { "\($0) \(s.rawValue)" } }.joined(separator: ", ")
        return """
            <section id="summary" aria-labelledby="summary-heading"><h2 id="summary-heading">Summary</h2>
            <dl class="summary">
            <dt>Exams</dt><dd id="summary-exams">\(summary.examCount)</dd>
            <dt>Patients (distinct pseudonyms)</dt><dd id="summary-patients">\(summary.patientCount)</dd>
            <dt>Exams of QA phantoms or test patients</dt><dd id="summary-non-patients">\(summary.nonPatientExams)\(summary.nonPatientExams == 0 ? "" : " (exams.csv nonPatient: in the findings and flagged exams, left out of the dose distributions, typical values, measures and protocol changes)")</dd>
            <dt>Study dates</dt><dd id="summary-dates">\(HTML.escape(dateRange))</dd>
            <dt>Scanners (\(summary.scanners.count))</dt><dd id="summary-scanners">\(summary.scanners.map(HTML.escape).joined(separator: "<br>"))</dd>
            <dt>Dose values from</dt><dd id="summary-dose-sources">\(HTML.escape(doseData.isEmpty ? "no exams" : doseData))</dd>
            <dt>Patient size and noise from the pixels</dt><dd id="summary-pixels">size in \(summary.examsWithSize) of \(summary.examCount) exams, noise in \(summary.examsWithNoise)</dd>
            <dt>Files with problems (problems.csv)</dt><dd id="summary-problems">\(summary.problemCount) (\(HTML.escape(problems)))</dd>
            <dt>Findings (findings.csv)</dt><dd id="summary-findings">\(summary.findingCount) (\(HTML.escape(findings)))</dd>
            </dl></section>
            """
    }
}
