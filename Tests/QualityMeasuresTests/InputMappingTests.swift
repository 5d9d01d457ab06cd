import Foundation
import Testing

@testable import QualityMeasures

@Suite("Input code mappings")
struct InputMappingTests {
    @Test("CT Acquisition Type codes (CID 10013) by value + scheme")
    func acquisitionTypes() {
        #expect(CTAcquisitionType(codeValue: "113805", codingSchemeDesignator: "DCM") == .constantAngle)
        #expect(CTAcquisitionType(codeValue: "113806", codingSchemeDesignator: "DCM") == .stationary)
        #expect(CTAcquisitionType(codeValue: "113804", codingSchemeDesignator: "DCM") == .sequenced)
        #expect(CTAcquisitionType(codeValue: "116152004", codingSchemeDesignator: "SCT") == .spiral)
        #expect(CTAcquisitionType(codeValue: "P5-08001", codingSchemeDesignator: "SRT") == .spiral)
        #expect(CTAcquisitionType(codeValue: "113805", codingSchemeDesignator: "SCT") == .unknown)
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
