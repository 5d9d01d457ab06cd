import Foundation
import Testing

@testable import QualityMeasures
import DoseModel

@Suite("Input code mappings")
struct InputMappingTests {
    @Test("CT Acquisition Type codes (CID 10013) by value + scheme")
    func acquisitionTypes() {
        #expect(CTAcquisitionType(code: CodedConcept("113805", "DCM")) == .constantAngle)
        #expect(CTAcquisitionType(code: CodedConcept("113806", "DCM")) == .stationary)
        #expect(CTAcquisitionType(code: CodedConcept("113804", "DCM")) == .sequenced)
        #expect(CTAcquisitionType(code: CodedConcept("116152004", "SCT")) == .spiral)
        #expect(CTAcquisitionType(code: CodedConcept("P5-08001", "SRT")) == .spiral)
        #expect(CTAcquisitionType(code: CodedConcept("113805", "SCT")) == .unknown)
    }

    @Test("dates: DICOM DA and ISO; FHIR dateTime with and without offset")
    func dates() {
        #expect(CalendarDate(parsing: "20250301") == CalendarDate(year: 2025, month: 3, day: 1))
        #expect(CalendarDate(parsing: "2025-03-01") == CalendarDate(year: 2025, month: 3, day: 1))
        #expect(CalendarDate(parsing: "2025131") == nil)
        let time = ScanDateTime(date: CalendarDate(year: 2025, month: 3, day: 1), hour: 8, minute: 5, second: 9, utcOffsetMinutes: -300)
        #expect(time.fhirDateTime == "2025-03-01T08:05:09-05:00")
        var local = time
        local.utcOffsetMinutes = nil
        #expect(local.fhirDateTime == "2025-03-01")
        // 29 February birthday: 18 on 1 March 2025 (non-leap), so not yet 18 on 28 February 2025
        let leap = CalendarDate(year: 2007, month: 2, day: 29)
        #expect(leap.completedYears(until: CalendarDate(year: 2025, month: 2, day: 28)) == 17)
        #expect(leap.completedYears(until: CalendarDate(year: 2025, month: 3, day: 1)) == 18)
    }

    @Test("measurement period boundaries are inclusive")
    func period() {
        let period = MeasurementPeriod.year(2025)
        #expect(period.contains(CalendarDate(year: 2025, month: 1, day: 1)))
        #expect(period.contains(CalendarDate(year: 2025, month: 12, day: 31)))
        #expect(!period.contains(CalendarDate(year: 2026, month: 1, day: 1)))
        #expect(period.description == "2025")
    }
}
