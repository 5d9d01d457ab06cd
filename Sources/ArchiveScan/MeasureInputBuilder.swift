import DosePhysics
import DoseModel
import QualityMeasures

/// Turns an assembled exam (plus ctdose's own size and noise from the pixels) into the input of the
/// CMS measure engine.
public enum MeasureInputBuilder {
    public static func input(
        for exam: Exam, pseudonymizer: Pseudonymizer, size: ExamSizeInput = ExamSizeInput(), noise: GlobalNoiseInput? = nil
    ) -> MeasureExamInput? {
        guard let date = exam.studyDate.flatMap(CalendarDate.init(parsing:)) else { return nil }
        let time = exam.studyTime.map { Array($0.filter(\.isNumber)) } ?? []
        func part(_ range: Range<Int>) -> Int { range.upperBound <= time.count ? Int(String(time[range])) ?? 0 : 0 }
        let scan = ScanDateTime(date: date, hour: part(0..<2), minute: part(2..<4), second: part(4..<6))
        let patient = PatientInput(
            pseudonym: pseudonymizer.pseudonym(exam.patient.patientID) ?? "unknown-\(exam.studyInstanceUID)",
            birthDate: exam.patient.birthDate.flatMap(CalendarDate.init(parsing:)), dicomPatientAge: exam.patient.age)
        let descriptors = ExamDescriptors(
            studyDescription: exam.studyDescription,
            requestedProcedureDescriptions: exam.requestedProcedureDescription.map { [$0] } ?? [],
            protocolNames: exam.protocolNames,
            seriesDescriptions: exam.series.compactMap(\.seriesDescription),
            targetRegions: exam.events.compactMap(\.event.targetRegion).filter { !$0.value.isEmpty }.map {
                QualityMeasures.CodedConcept(codeValue: $0.value, codingSchemeDesignator: $0.scheme, codeMeaning: $0.meaning)
            },
            bodyPartsExamined: exam.bodyPartExamined.map { [$0] } ?? [])
        let dose = ExamDoseInput(
            dlpTotalMilligrayCentimeters: exam.reportedDLPTotals.max(),
            events: exam.events.map { item in
                let e = item.event
                return IrradiationEventDose(
                    eventUID: e.irradiationEventUID, acquisitionType: acquisitionType(e.acquisitionType),
                    ctdiVolMilligray: e.ctdiVolMilligray, dlpMilligrayCentimeters: e.dlpMilligrayCentimeters,
                    phantom: phantom(e.phantom), scanningLengthCentimeters: e.scanningLengthMillimeters.map { $0 / 10 },
                    seriesKey: item.diagnosticSeriesUID)
            })
        let scanner = [exam.equipment?.stationName, exam.equipment?.model].compactMap { $0 }.joined(separator: " / ")
        return MeasureExamInput(
            studyInstanceUID: exam.studyInstanceUID, patient: patient, scanDateTime: scan,
            scanner: scanner.isEmpty ? nil : scanner, descriptors: descriptors, dose: dose, size: size, noise: noise)
    }

    static func acquisitionType(_ type: DoseModel.CTAcquisitionType) -> QualityMeasures.CTAcquisitionType {
        switch type {
        case .spiral: return .spiral
        case .sequenced: return .sequenced
        case .constantAngle: return .constantAngle
        case .stationary: return .stationary
        case .free: return .free
        case .coneBeam, .unknown: return .unknown
        }
    }

    static func phantom(_ phantom: CTDIPhantom) -> DosimetryPhantom? {
        switch phantom {
        case .head16cm: return .head16Centimeter
        case .body32cm: return .body32Centimeter
        case .unknown: return nil
        }
    }
}
