import Testing

@testable import QualityMeasures

/// An exam of a QA phantom or test patient (`MeasureExamInput.nonPatientReason`) is outside the
/// measures' initial population and out of the typical values and the patients' cumulative doses:
/// a daily QA phantom scanned 250 times a year would otherwise be a scanner's most exposed "patient".
@Suite struct NonPatientExamTests {
    static func phantom(_ number: Int) -> MeasureExamInput {
        var exam = Fixtures.exam(uid: "9.9.\(number)", patient: "QA-PHANTOM", date: CalendarDate(year: 2025, month: 5, day: number), dlp: 900)
        exam.nonPatientReason = "Patient's Name has QA"
        return exam
    }

    @Test func excludedBeforeTheInitialPopulation() throws {
        let evaluator = try ExamEvaluator(configuration: try Fixtures.configuration())
        let result = evaluator.evaluate(Self.phantom(1))
        #expect(result.verdict == .excluded && result.reason == .notAPatient)
        #expect(result.reasonText == "not a patient: Patient's Name has QA")
        #expect(!result.reason.inInitialPopulation)
        // Its category and size-adjusted dose are still worked out (measure.csv shows them).
        #expect(result.category?.id != nil && result.sizeAdjustedDose != nil)
        var counts = PopulationCounts()
        counts.add(result.reason)
        counts.add(evaluator.evaluate(Fixtures.exam()).reason)
        #expect(counts.exams == 2 && counts.excludedFromInitialPopulation == 1 && counts.initialPopulation == 1 && counts.denominator == 1)
    }

    @Test func leftOutOfTypicalValuesAndPatientDoses() throws {
        var configuration = try Fixtures.configuration()
        let evaluator = try ExamEvaluator(configuration: configuration)
        configuration.typicalValues = TypicalValueSettings()
        var typical = TypicalValueTally(settings: configuration.typicalValues, dlpDefinition: configuration.dlpDefinition)
        var doses = PatientDoseTally(settings: CumulativeDoseSettings())
        for day in 1...25 {
            let result = evaluator.evaluate(Self.phantom(day))
            typical.add(result)
            doses.add(result)
        }
        let patient = evaluator.evaluate(Fixtures.exam(uid: "1.2.3.1", patient: "P1", dlp: 500))
        typical.add(patient)
        doses.add(patient)
        // One exam of DLP 500 in every group it enters; none of the phantom's 25 of DLP 900.
        #expect(!typical.rows.isEmpty)
        #expect(typical.rows.allSatisfy { $0.exams == 1 && $0.dlp?.median == 500 })
        #expect(doses.rows.map(\.patientPseudonym) == ["P1"])
    }
}
