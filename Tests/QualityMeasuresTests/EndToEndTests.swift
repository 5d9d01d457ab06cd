import DosePhysics
import Foundation
import Testing

@testable import QualityMeasures
import DoseModel

@Suite("End to end")
struct EndToEndTests {
    /// Abdomen/pelvis routine (N = 29 HU, D = 644 mGy·cm). RDSR total 500 mGy·cm = localizer 10 + monitoring 2 + spiral 488.
    func abdomenExam(dw: Double, noise: Double) -> MeasureExamInput {
        var exam = Fixtures.exam(study: "CT ABDOMEN PELVIS W CONTRAST", dlp: 500, dw: dw, noise: noise)
        exam.dose.events = [
            IrradiationEventDose(acquisitionType: .constantAngle, ctdiVolMilligray: 0.2, dlpMilligrayCentimeters: 10, phantom: .body32Centimeter),
            IrradiationEventDose(acquisitionType: .stationary, ctdiVolMilligray: 2, dlpMilligrayCentimeters: 2, phantom: .body32Centimeter),
            IrradiationEventDose(acquisitionType: .spiral, ctdiVolMilligray: 9.76, dlpMilligrayCentimeters: 488, phantom: .body32Centimeter, scanningLengthCentimeters: 50),
        ]
        return exam
    }

    @Test("hand-computed SAD and verdicts")
    func handComputed() throws {
        let evaluator = try ExamEvaluator(configuration: Fixtures.configuration())
        // Dw 32.3 cm: g = exp(0.087·(30.3 − 32.3)) = exp(−0.174) = 0.840297; SAD = 500 × 0.840297 = 420.15 < 644;
        // noise 20 < 29 → in range.
        let small = evaluator.evaluate(abdomenExam(dw: 32.3, noise: 20))
        #expect(small.category?.loincAnswerCode == "LA31753-9")
        let sad = try #require(small.sizeAdjustedDose)
        #expect(abs(sad.sizeAdjustedDoseMilligrayCentimeters - 420.148) < 0.01)
        #expect(sad.dlpMilligrayCentimeters == 500 && sad.dlpSource == "RDSR total (113813)")
        #expect(sad.provisional && sad.diameterSource == .midScanAxial && sad.coefficients.kPerCentimeter == 0.087)
        #expect(small.verdict == .inRange)
        // Dw 25.3 cm: g = exp(0.087·5) = exp(0.435) = 1.544963; SAD = 772.48 ≥ 644 → out of range.
        let large = evaluator.evaluate(abdomenExam(dw: 25.3, noise: 20))
        #expect(abs((large.sizeAdjustedDose?.sizeAdjustedDoseMilligrayCentimeters ?? 0) - 772.48) < 0.01)
        #expect(large.verdict == .outOfRange && large.sadOutOfRange == true && large.noiseOutOfRange == false)
        // Noise exactly 29 HU (= threshold) → out of range even with SAD in range.
        #expect(evaluator.evaluate(abdomenExam(dw: 32.3, noise: 29)).verdict == .outOfRange)
    }

    @Test("DLP definitions: 500 total, 490 without localizer, 488 without localizer and monitoring")
    func dlpDefinitions() {
        let dose = abdomenExam(dw: 30.3, noise: 20).dose
        #expect(SizeAdjustedDoseCalculator.dlp(dose, definition: .allEvents)?.value == 500)
        #expect(SizeAdjustedDoseCalculator.dlp(dose, definition: .withoutLocalizers)?.value == 490)
        #expect(SizeAdjustedDoseCalculator.dlp(dose, definition: .withoutLocalizersAndMonitoring)?.value == 488)
        var noTotal = dose
        noTotal.dlpTotalMilligrayCentimeters = nil
        #expect(SizeAdjustedDoseCalculator.dlp(noTotal, definition: .allEvents)?.value == 500)
    }

    @Test("diameter fallback: truncated mid-scan → localizer")
    func diameterFallback() {
        let size = ExamSizeInput(
            midScanAxial: PatientSizeMeasurements(waterEquivalentDiameterCentimeters: 25, truncated: true),
            localizer: PatientSizeMeasurements(waterEquivalentDiameterCentimeters: 29, lateralCentimeters: 30, apCentimeters: 24))
        let d = SizeAdjustedDoseCalculator.diameter(size, method: .waterEquivalent)
        #expect(d?.value == 29 && d?.source == .localizer)
        // √(24·30) = 26.8328 from the localizer
        #expect(abs((SizeAdjustedDoseCalculator.diameter(size, method: .geometricMeanAPLateral)?.value ?? 0) - 26.8328) < 0.0001)
    }

    @Test("missing noise / SAD / category → not evaluable with a reason; Full Body excluded")
    func notEvaluableAndFullBody() throws {
        let evaluator = try ExamEvaluator(configuration: Fixtures.configuration())
        let noNoise = evaluator.evaluate(Fixtures.exam(noise: nil))
        #expect(noNoise.verdict == .notEvaluable && noNoise.reason == .missingNoise)
        let noSize = evaluator.evaluate(Fixtures.exam(dw: nil))
        #expect(noSize.verdict == .notEvaluable && noSize.reasonText.contains("diameter unavailable"))
        let unknown = evaluator.evaluate(Fixtures.exam(study: "OUTSIDE FILMS READ"))
        #expect(unknown.verdict == .notEvaluable && unknown.reason == .uncategorized && unknown.reasonText.contains("'OUTSIDE FILMS READ'"))
        let fullBody = evaluator.evaluate(Fixtures.exam(study: "CT WHOLE BODY", noise: 200))
        #expect(fullBody.verdict == .excluded && fullBody.reason == .fullBody)
    }

    @Test("patient-level CMS1056 and exam-level populations")
    func patientLevel() throws {
        let exams = [
            Fixtures.exam(uid: "1", patient: "P1", noise: 20),
            Fixtures.exam(uid: "2", patient: "P1", noise: 40),  // 40 ≥ 29 → out of range
            Fixtures.exam(uid: "3", patient: "P2", study: "CT WHOLE BODY"),
            Fixtures.exam(uid: "4", patient: "P2", noise: 40),
            Fixtures.exam(uid: "5", patient: "P3", noise: 20),
            Fixtures.exam(uid: "6", patient: "P4", birthDate: CalendarDate(year: 2010, month: 1, day: 1), noise: 40),
        ]
        let report = try MeasureEvaluation.run(exams, configuration: Fixtures.configuration())
        let period = try #require(report.periods.first)
        let patients = Dictionary(uniqueKeysWithValues: period.patients.map { ($0.patientPseudonym, $0.verdict) })
        #expect(patients == ["P1": .outOfRange, "P2": .excluded, "P3": .inRange])
        #expect(period.cms1056Patients.initialPopulation == 3)
        #expect(period.cms1056Patients.denominatorExclusions == 1)
        #expect(period.cms1056Patients.denominator == 2 && period.cms1056Patients.numerator == 1)
        #expect(period.cms1056Patients.rate == 0.5)
        // exams: IP 5 (child excluded), Full Body 1, denominator 4 (1,2,4,5), numerator 2 (2,4)
        #expect(period.allExams.exams == 6 && period.allExams.initialPopulation == 5)
        #expect(period.allExams.denominatorExclusions == 1 && period.allExams.denominator == 4 && period.allExams.numerator == 2)
    }

    @Test("care-setting CSV drives CMS1074 / CMS1206")
    func careSettings() throws {
        let csv = "studyInstanceUID,setting,comment\n1,inpatient,\"ward 3, bed 2\"\n2,ED,\n\"3\",Outpatient,\"said \"\"hi\"\"\"\n"
        let mapping = try CareSettingMapping.parse(csv: csv)
        #expect(mapping.settings == ["1": .inpatient, "2": .emergency, "3": .outpatient])
        #expect(throws: CareSettingMapping.ParseError.self) { try CareSettingMapping.parse(csv: "studyInstanceUID,setting\n1,ward\n") }
        var configuration = try Fixtures.configuration()
        configuration.careSettings = mapping
        let exams = [Fixtures.exam(uid: "1", noise: 40), Fixtures.exam(uid: "2"), Fixtures.exam(uid: "3"), Fixtures.exam(uid: "9")]
        let period = try #require(try MeasureEvaluation.run(exams, configuration: configuration).periods.first)
        #expect(period.cms1074Inpatient.denominator == 1 && period.cms1074Inpatient.numerator == 1)
        #expect(period.cms1206Outpatient.denominator == 2 && period.cms1206Outpatient.numerator == 0)
        #expect(period.settingUnknown.exams == 1)
    }

    @Test("without a configured period each exam is evaluated in its scan year")
    func periodPerScanYear() throws {
        let exams = [Fixtures.exam(uid: "1", date: CalendarDate(year: 2025, month: 3, day: 1)), Fixtures.exam(uid: "2", date: CalendarDate(year: 2026, month: 3, day: 1))]
        let report = try MeasureEvaluation.run(exams, configuration: Fixtures.configuration(period: nil))
        #expect(report.periods.map(\.period) == [.year(2025), .year(2026)])
        #expect(report.periods.map(\.measureVersion) == [.v2025, .v2026])
        let fixed = try MeasureEvaluation.run(exams, configuration: Fixtures.configuration(period: .year(2025)))
        #expect(fixed.exams[1].reason == .outsideMeasurementPeriod)
    }

    @Test("sensitivity: Dw 28 cm vs area-equivalent 27 cm flips an abdomen exam")
    func sensitivity() throws {
        var exam = abdomenExam(dw: 28, noise: 20)
        exam.size.midScanAxial?.areaEquivalentDiameterCentimeters = 27
        let configuration = try Fixtures.configuration()
        let report = try MeasureEvaluation.run([exam], configuration: configuration)
        let sensitivity = try SADSensitivity.analyse(report, configuration: configuration)
        let variants = try #require(sensitivity.exams.first?.variants)
        #expect(variants.count == 15)
        // Dw 28: g = exp(0.087·2.3) = 1.221525; 500 → 610.76 < 644 in range
        let dwAll = try #require(variants.first { $0.diameterMethod == .waterEquivalent && $0.dlpDefinition == .allEvents })
        #expect(abs((dwAll.sizeAdjustedDoseMilligrayCentimeters ?? 0) - 610.76) < 0.01 && dwAll.verdict == .inRange)
        // area 27: g = exp(0.087·3.3) = 1.332557; 500 → 666.28 ≥ 644 out; 488 → 650.29 out
        let area = try #require(variants.first { $0.diameterMethod == .areaEquivalent && $0.dlpDefinition == .withoutLocalizersAndMonitoring })
        #expect(abs((area.sizeAdjustedDoseMilligrayCentimeters ?? 0) - 650.29) < 0.01 && area.verdict == .outOfRange)
        // AP/LAT not measured: those variants are not evaluable
        #expect(variants.filter { $0.diameterMethod == .geometricMeanAPLateral }.allSatisfy { $0.verdict == .notEvaluable })
        #expect(sensitivity.flippingStudyInstanceUIDs == [exam.studyInstanceUID])
        #expect(sensitivity.byCategory["Abdomen and Pelvis Routine Dose"] == .init(examsAnalysed: 1, examsFlipping: 1))
    }
}
