import Testing
@testable import DoseModel
@testable import DoseValidation

@Suite struct DoseScreenTextTests {
    /// A Philips Dose Info screen: series 3 and 5 in the Exposure Dose Sequence, and its summary text.
    private func screen(ctdiSeries5: Double, text: String) -> (Exam, DoseReport) {
        var a = Fixture.event(nil, ctdi: 7.2009787, dlp: 196.01)
        a.imageSeriesNumber = 3
        var b = Fixture.event(nil, ctdi: ctdiSeries5, dlp: 248.585973)
        b.imageSeriesNumber = 5
        var report = DoseReport(sopInstanceUID: "sc1", studyInstanceUID: Fixture.study, kind: .philipsDoseInfo, events: [a, b],
                                reportedTotals: [ReportedDLPTotal(valueMilligrayCentimeters: 444.6)])
        report.doseSummaryText = text
        let exam = Fixture.exam([Fixture.examEvent(a, reportedBy: ["sc1"]), Fixture.examEvent(b, reportedBy: ["sc1"])],
                                reports: [Fixture.report("sc1", totals: [444.6], eventCount: 2)])
        return (exam, report)
    }

    private let text = "Series #3 PRE KIDNEYS Average CTDIvol=7.2 DLP=196.0\r\nSeries #5 30S KIDNEYS Average CTDIvol=11.5 DLP=248.6\r\nTotal DLP=444.6"

    @Test func textThatIsNotTheRoundingIsFlagged() throws {
        // As in the corpus screen: the sequence says 11.33 mGy, the text 11.5 (11.33 rounds to 11.3).
        let (exam, report) = screen(ctdiSeries5: 11.32941264, text: text)
        let findings = Fixture.findings(.doseScreenTextMismatch, exam, reports: [report])
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.actual == "11.5")
        #expect(finding.message.contains("series #5"))
        #expect(finding.severity == .warning)
    }

    @Test func roundedTextIsAccepted() {
        // 11.46 rounds to 11.5: every text value is a rounding of its sequence value (DLP 196.01 → 196.0, total 444.6).
        let (exam, report) = screen(ctdiSeries5: 11.46, text: text)
        #expect(Fixture.findings(.doseScreenTextMismatch, exam, reports: [report]).isEmpty)
    }
}
