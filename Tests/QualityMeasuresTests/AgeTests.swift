import Foundation
import Testing

@testable import QualityMeasures
import DoseModel

@Suite("Age at the start of the measurement period")
struct AgeTests {
    let period = MeasurementPeriod.year(2025)
    let scan = CalendarDate(year: 2025, month: 7, day: 1)

    @Test("born 2007-01-02: 17 years 364 days on 2025-01-01 → not adult")
    func dayBefore18() {
        let age = AgeDetermination.determine(patient: PatientInput(pseudonym: "x", birthDate: CalendarDate(year: 2007, month: 1, day: 2)), scanDate: scan, period: period)
        #expect(age.ageAtPeriodStartYears == 17)
        #expect(age.isAdult == false)
    }

    @Test("born 2007-01-01: exactly 18 on 2025-01-01 → adult")
    func exactly18() {
        let age = AgeDetermination.determine(patient: PatientInput(pseudonym: "x", birthDate: CalendarDate(year: 2007, month: 1, day: 1)), scanDate: scan, period: period)
        #expect(age.ageAtPeriodStartYears == 18)
        #expect(age.isAdult == true)
    }

    @Test("18th birthday during the period (2007-03-15), scanned after it → still not adult: age counts at period start")
    func birthdayDuringPeriod() throws {
        var configuration = try Fixtures.configuration()
        configuration.measurementPeriod = period
        let evaluator = try ExamEvaluator(configuration: configuration)
        let result = evaluator.evaluate(Fixtures.exam(birthDate: CalendarDate(year: 2007, month: 3, day: 15), date: CalendarDate(year: 2025, month: 6, day: 1)))
        #expect(result.verdict == .excluded)
        #expect(result.reason == .underAge)
    }

    @Test("DICOM age is approximate and uses the youngest possible age")
    func dicomAge() {
        // 018Y on 2025-07-01 → born 2006-07-02 ... 2007-07-01; youngest = 2007-07-01 → 17 at 2025-01-01
        let young = AgeDetermination.determine(patient: PatientInput(pseudonym: "x", dicomPatientAge: "018Y"), scanDate: scan, period: period)
        #expect(young.ageAtPeriodStartYears == 17 && young.basis == .dicomPatientAgeApproximate)
        // 019Y → latest birth 2006-07-01 → 18 at 2025-01-01
        let adult = AgeDetermination.determine(patient: PatientInput(pseudonym: "x", dicomPatientAge: "019Y"), scanDate: scan, period: period)
        #expect(adult.isAdult == true)
        #expect(AgeDetermination.determine(patient: PatientInput(pseudonym: "x", dicomPatientAge: "006M"), scanDate: scan, period: period).isAdult == false)
        #expect(AgeDetermination.determine(patient: PatientInput(pseudonym: "x", dicomPatientAge: "45Y"), scanDate: scan, period: period).isAdult == nil)
        #expect(AgeDetermination.parseDICOMAge("045Y")! == (45, "Y"))
    }
}
