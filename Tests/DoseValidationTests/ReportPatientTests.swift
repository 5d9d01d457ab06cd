import Testing
@testable import DoseModel
@testable import DoseValidation

/// REPORT_PATIENT_MISMATCH: a dose report that names another patient than the study's images.
@Suite struct ReportPatientTests {
    static func patient(_ id: String?, born: String?, sex: String?) -> PatientAttributes {
        var p = PatientAttributes()
        p.patientID = id
        p.birthDate = born
        p.sex = sex
        return p
    }

    static func report(_ sop: String, _ patient: PatientAttributes?) -> DoseReport {
        DoseReport(sopInstanceUID: sop, studyInstanceUID: Fixture.study, kind: .xRayRadiationDoseSR,
                   reportedStudy: patient.map { ReportedStudy(patient: $0) })
    }

    static func exam(_ patient: PatientAttributes, images: Bool = true) -> Exam {
        var exam = Fixture.exam([], series: images ? [Fixture.series("s1")] : [])
        exam.patient = patient
        return exam
    }

    @Test func theImagesPatientRaisesNothing() {
        let same = Self.patient("P-1", born: "19580105", sex: "M")
        #expect(Fixture.findings(.reportPatientMismatch, Self.exam(same), reports: [Self.report("r1", same)]).isEmpty)
        // An attribute only one side gives is not compared; padding is not a difference.
        let partial = Self.patient("P-1 ", born: nil, sex: "M")
        #expect(Fixture.findings(.reportPatientMismatch, Self.exam(same), reports: [Self.report("r1", partial)]).isEmpty)
        // A report stored before reports kept their patient has nothing to compare.
        #expect(Fixture.findings(.reportPatientMismatch, Self.exam(same), reports: [Self.report("r1", nil)]).isEmpty)
    }

    @Test func anotherPatientsReportIsAWarningNamingTheAttributesNotTheirValues() throws {
        let images = Self.patient("P-1", born: "19580105", sex: "M")
        let other = Self.patient("P-2", born: "19611224", sex: "M")
        let findings = Fixture.findings(.reportPatientMismatch, Self.exam(images),
                                        reports: [Self.report("r2", other), Self.report("r1", images)])
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.severity == .warning && finding.reportSOPInstanceUID == "r2")
        #expect(finding.message.contains("(differing: Patient ID, birth date)"))
        for value in ["P-1", "P-2", "19580105", "19611224"] {
            #expect(![finding.message, finding.expected ?? "", finding.actual ?? ""].contains { $0.contains(value) }, "\(value)")
        }
    }

    @Test func withoutImagesTheReportsAreComparedWithTheFirst() throws {
        let first = Self.patient("P-1", born: "19580105", sex: "M")
        let exam = Self.exam(first, images: false)
        #expect(Fixture.findings(.reportPatientMismatch, exam, reports: [Self.report("r1", first)]).isEmpty)
        #expect(Fixture.findings(.reportPatientMismatch, exam, reports: [Self.report("r2", first), Self.report("r1", first)]).isEmpty)
        let other = Self.patient("P-1", born: "19580105", sex: "F")
        let findings = Fixture.findings(.reportPatientMismatch, exam, reports: [Self.report("r2", other), Self.report("r1", first)])
        let finding = try #require(findings.first)
        #expect(findings.count == 1 && finding.reportSOPInstanceUID == "r2")
        #expect(finding.message == "the dose report names another patient than the study's first dose report (r1) (differing: sex)")
    }
}
