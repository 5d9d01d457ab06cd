import DosePhysics
import Foundation

@testable import QualityMeasures
import DoseModel

enum Fixtures {
    static func configuration(period: MeasurementPeriod? = .year(2025)) throws -> MeasureConfiguration {
        var configuration = try MeasureConfiguration.bundledDefaults()
        configuration.measurementPeriod = period
        return configuration
    }

    static func category(_ id: String, version: MeasureVersion = .v2025) throws -> DoseCategory {
        let catalog = try CategoryCatalog.bundled()
        guard let category = catalog.category(id, version: version) else { throw FixtureError.missing(id) }
        return category
    }

    enum FixtureError: Error { case missing(String) }

    /// An adult abdomen exam with DLP 500 mGy·cm, Dw 30.3 cm (g = 1) and noise 20 HU unless overridden.
    static func exam(
        uid: String = "1.2.3.1", patient: String = "P1", birthDate: CalendarDate? = CalendarDate(year: 1970, month: 6, day: 1),
        date: CalendarDate = CalendarDate(year: 2025, month: 5, day: 10), study: String = "CT ABDOMEN PELVIS W CONTRAST",
        dlp: Double? = 500, dw: Double? = 30.3, noise: Double? = 20, scanner: String = "SCANNER A"
    ) -> MeasureExamInput {
        MeasureExamInput(
            studyInstanceUID: uid, patient: PatientInput(pseudonym: patient, birthDate: birthDate),
            scanDateTime: ScanDateTime(date: date, hour: 9, minute: 30, second: 0, utcOffsetMinutes: 60), scanner: scanner,
            descriptors: ExamDescriptors(studyDescription: study),
            dose: ExamDoseInput(
                dlpTotalMilligrayCentimeters: dlp,
                events: [IrradiationEventDose(acquisitionType: .spiral, ctdiVolMilligray: 10, dlpMilligrayCentimeters: dlp, phantom: .body32Centimeter, scanningLengthCentimeters: 50)]),
            size: ExamSizeInput(midScanAxial: dw.map { PatientSizeMeasurements(waterEquivalentDiameterCentimeters: $0) }),
            noise: noise.map { GlobalNoiseInput(valueHounsfield: $0, method: "test") })
    }
}
