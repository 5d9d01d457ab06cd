import Testing
@testable import DoseModel
@testable import DoseValidation

@Suite struct ReportConsistencyTests {
    @Test func totalMatchingTheEventSumRaisesNothing() {
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("e1", dlp: 100.004)), Fixture.examEvent(Fixture.event("e2", dlp: 200))],
                                reports: [Fixture.report("r1", totals: [300], eventCount: 2)])
        #expect(Fixture.findings(.rdsrTotalMismatch, exam).isEmpty)
    }

    @Test func totalDifferingFromTheEventSumIsAnError() throws {
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("e1", dlp: 100)),
                                 Fixture.examEvent(Fixture.event("e2", .constantAngle, dlp: nil))],
                                reports: [Fixture.report("r1", totals: [150], eventCount: 2)])
        let finding = try #require(Fixture.findings(.rdsrTotalMismatch, exam).first)
        #expect(finding.severity == .error)
        #expect(finding.reportSOPInstanceUID == "r1")
        #expect(finding.expected == "100 mGy·cm")
        #expect(finding.actual == "150 mGy·cm")
        #expect(finding.tolerance == "±1 % (at least 1 mGy·cm)")
        #expect(finding.message.contains("1 event(s) of the report carry no DLP"))
    }

    @Test func totalOfACumulativeReportUsesOnlyItsOwnEvents() {
        // r1 listed e1 only (7.46); r2 listed e1 + e2 (77.27). Both totals are right.
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("e1", dlp: 7.46), reportedBy: ["r1", "r2"]),
                                 Fixture.examEvent(Fixture.event("e2", dlp: 69.81), reportedBy: ["r2"])],
                                reports: [Fixture.report("r1", totals: [7.46], eventCount: 1),
                                          Fixture.report("r2", totals: [77.27], eventCount: 2)])
        #expect(Fixture.findings(.rdsrTotalMismatch, exam).isEmpty)
    }

    @Test func fullReportsGiveTheirOwnEventValues() {
        // The exam kept r1's 100 for e1; r2 says 120 and totals 120, which is consistent for r2 itself.
        let r1 = DoseReport(sopInstanceUID: "r1", studyInstanceUID: Fixture.study, kind: .xRayRadiationDoseSR,
                            events: [Fixture.event("e1", dlp: 100)], reportedTotals: [ReportedDLPTotal(valueMilligrayCentimeters: 100)])
        let r2 = DoseReport(sopInstanceUID: "r2", studyInstanceUID: Fixture.study, kind: .xRayRadiationDoseSR,
                            events: [Fixture.event("e1", dlp: 120)], reportedTotals: [ReportedDLPTotal(valueMilligrayCentimeters: 120)])
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("e1", dlp: 100), reportedBy: ["r1", "r2"])],
                                reports: [Fixture.report("r1", totals: [100], eventCount: 1),
                                          Fixture.report("r2", totals: [120], eventCount: 1)])
        #expect(Fixture.findings(.rdsrTotalMismatch, exam, reports: [r1, r2]).isEmpty)
        #expect(Fixture.findings(.rdsrTotalMismatch, exam).count == 1)  // without the full reports r2's total looks wrong
        let disagreement = Fixture.findings(.reportsDisagreeOnEvent, exam, reports: [r1, r2])
        #expect(disagreement.count == 1)
        #expect(disagreement.first?.reportSOPInstanceUID == "r2")
        #expect(disagreement.first?.expected == "DLP 100 mGy·cm, CTDIvol 10 mGy")
        #expect(disagreement.first?.actual == "DLP 120 mGy·cm, CTDIvol 10 mGy")
    }

    @Test func reportsThatAgreeRaiseNoDisagreement() {
        let r1 = DoseReport(sopInstanceUID: "r1", studyInstanceUID: Fixture.study, kind: .xRayRadiationDoseSR,
                            events: [Fixture.event("e1", dlp: 100)])
        let r2 = DoseReport(sopInstanceUID: "r2", studyInstanceUID: Fixture.study, kind: .xRayRadiationDoseSR,
                            events: [Fixture.event("e1", dlp: 100.2)])
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("e1", dlp: 100), reportedBy: ["r1", "r2"])])
        #expect(Fixture.findings(.reportsDisagreeOnEvent, exam, reports: [r1, r2]).isEmpty)
    }

    @Test func assemblerDisagreementProblemBecomesAFinding() throws {
        // Built through the real assembler so the problem text is the one it writes.
        let exams = ExamAssembler.assemble(images: [], reports: [
            DoseReport(sopInstanceUID: "r1", studyInstanceUID: Fixture.study, kind: .xRayRadiationDoseSR,
                       events: [Fixture.event("e1", dlp: 100)]),
            DoseReport(sopInstanceUID: "r2", studyInstanceUID: Fixture.study, kind: .xRayRadiationDoseSR,
                       events: [Fixture.event("e1", dlp: 120)]),
        ])
        let finding = try #require(Fixture.findings(.reportsDisagreeOnEvent, exams[0]).first)
        #expect(finding.irradiationEventUID == "e1")
        #expect(finding.eventNumber == 1)
        #expect(finding.severity == .warning)
        #expect(Fixture.findings(.reportsDisagreeOnEvent, Fixture.exam([], problems: ["no dose report for this study"])).isEmpty)
    }

    @Test func eventWithoutDLPIsNamed() throws {
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("loc", .constantAngle, ctdi: nil, dlp: nil)),
                                 Fixture.examEvent(Fixture.event("e2", dlp: 50))])
        let findings = Fixture.findings(.eventWithoutDLP, exam)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.irradiationEventUID == "loc")
        #expect(finding.severity == .info)
        #expect(finding.message.contains("GE"))
    }
}
