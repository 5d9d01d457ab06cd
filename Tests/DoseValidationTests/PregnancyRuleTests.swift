@testable import DoseModel
@testable import DoseValidation
import Testing

/// PATIENT_POSSIBLY_PREGNANT: Pregnancy Status (0010,21C0) 2 or 3 (DICOM PS3.3 C.7.1.1: 1 not pregnant,
/// 2 possibly, 3 definitely, 4 unknown) gives one finding listing the events other than localizers.
struct PregnancyRuleTests {
    static func exam(status: Int?) -> Exam {
        var exam = Fixture.exam([
            Fixture.examEvent(Fixture.event("e1", .constantAngle, ctdi: 0.2, dlp: 2)),
            Fixture.examEvent(Fixture.event("e2", ctdi: 12.5, dlp: 150, protocolName: "Abdomen Pelvis Routine")),
        ])
        exam.patient.pregnancyStatus = status
        return exam
    }

    @Test func possiblyOrDefinitelyPregnantOnly() throws {
        let finding = try #require(Fixture.findings(.patientPossiblyPregnant, Self.exam(status: 3)).first)
        #expect(finding.severity == .warning && finding.actual == "3 (definitely pregnant)")
        #expect(finding.message == "Pregnancy Status (0010,21C0) is 3, definitely pregnant: a conceptus dose assessment is due where the uterus "
                + "was in or near the beam (event #2 (spiral, 'Abdomen Pelvis Routine'): CTDIvol 12.5 mGy, DLP 150 mGy·cm)")
        #expect(Fixture.findings(.patientPossiblyPregnant, Self.exam(status: 2)).first?.actual == "2 (possibly pregnant)")
        for status in [1, 4, nil] { #expect(Fixture.findings(.patientPossiblyPregnant, Self.exam(status: status)).isEmpty) }
    }
}
