import DosePhysics
import DoseModel
import PixelAnalysis
import QualityMeasures

/// Turns an assembled exam (plus ctdose's own size and noise from the pixels) into the input of the
/// CMS measure engine.
public enum MeasureInputBuilder {
    public static func input(
        for exam: Exam, pseudonymizer: Pseudonymizer, size: ExamSizeInput = ExamSizeInput(), noise: GlobalNoiseInput? = nil,
        nonPatient: String? = nil
    ) -> MeasureExamInput? {
        guard let date = exam.studyDate.flatMap(CalendarDate.init(parsing:)) else { return nil }
        let time = exam.studyTime.map { Array($0.filter(\.isNumber)) } ?? []
        func part(_ range: Range<Int>) -> Int { range.upperBound <= time.count ? Int(String(time[range])) ?? 0 : 0 }
        let scan = ScanDateTime(date: date, hour: part(0..<2), minute: part(2..<4), second: part(4..<6))
        let patient = PatientInput(
            pseudonym: pseudonymizer.pseudonym(exam.patient.patientID) ?? "unknown-\(exam.studyInstanceUID)",
            birthDate: exam.patient.birthDate.flatMap(CalendarDate.init(parsing:)), dicomPatientAge: exam.patient.age,
            weightKilograms: exam.patient.weightKilograms.flatMap { $0 > 0 && $0 < 700 ? $0 : nil })  // 0: not entered
        let descriptors = ExamDescriptors(
            studyDescription: exam.studyDescription,
            requestedProcedureDescriptions: exam.requestedProcedureDescription.map { [$0] } ?? [],
            protocolNames: exam.protocolNames,
            seriesDescriptions: exam.series.compactMap(\.seriesDescription),
            targetRegions: exam.events.compactMap(\.event.targetRegion).filter { !$0.value.isEmpty },
            bodyPartsExamined: exam.bodyPartExamined.map { [$0] } ?? [])
        let dose = ExamDoseInput(
            dlpTotalMilligrayCentimeters: exam.reportedDLPTotals.max(),
            events: exam.events.map { item in
                let e = item.event
                var event = IrradiationEventDose(
                    eventUID: e.irradiationEventUID, acquisitionType: e.acquisitionType,
                    ctdiVolMilligray: e.ctdiVolMilligray, dlpMilligrayCentimeters: e.dlpMilligrayCentimeters,
                    phantom: phantom(e.phantom), scanningLengthCentimeters: e.scanningLengthMillimeters.map { $0 / 10 },
                    seriesKey: item.diagnosticSeriesUID, acquisitionProtocol: e.acquisitionProtocol,
                    targetRegion: e.targetRegion.flatMap { $0.value.isEmpty ? nil : $0 })
                event.seriesDescriptions = exam.series.filter { item.seriesUIDs.contains($0.seriesInstanceUID) && !$0.isLocalizer }
                    .compactMap(\.seriesDescription)
                event.dlpFromImageHeaders = e.source == .computedFromImageAttributes
                return event
            })
        let scanner = [exam.equipment?.stationName, exam.equipment?.model].compactMap { $0 }.joined(separator: " / ")
        return MeasureExamInput(
            studyInstanceUID: exam.studyInstanceUID, patient: patient, scanDateTime: scan,
            scanner: scanner.isEmpty ? nil : scanner, descriptors: descriptors, dose: dose, size: size, noise: noise,
            nonPatientReason: nonPatient)
    }

    static func phantom(_ phantom: CTDIPhantom) -> DosimetryPhantom? {
        switch phantom {
        case .head16cm: return .head16Centimeter
        case .body32cm: return .body32Centimeter
        case .unknown: return nil
        }
    }
}

extension MeasureInputBuilder {
    /// The size the measure uses, from the primary series: the mid-scan axial slice, and the
    /// localizer width as the fallback the engine applies when the slice is missing or truncated.
    static func size(from measurement: SeriesMeasurement?) -> ExamSizeInput {
        guard let measurement else { return ExamSizeInput() }
        var size = ExamSizeInput()
        if let mid = measurement.midScan {
            size.midScanAxial = PatientSizeMeasurements(
                waterEquivalentDiameterCentimeters: mid.waterEquivalent, areaEquivalentDiameterCentimeters: mid.areaEquivalent,
                lateralCentimeters: mid.lateralCentimeters, apCentimeters: mid.apCentimeters,
                truncated: measurement.midScanTruncated ?? false)
        }
        let views = [measurement.localizer, measurement.localizerSecondView].compactMap { $0 }
        if !views.isEmpty {
            // LAT from the frontal view, AP from the lateral one; a width that disagrees with the axial
            // slices is reported, not used. Each view's Dw estimates the same cross-section: their mean.
            func width(_ projection: LocalizerProjection) -> Double? {
                views.first { $0.projection == projection && $0.widthAgreesWithAxialSlices != false }?.widthCentimeters
            }
            let diameters = views.compactMap(\.waterEquivalentDiameterCentimeters)
            size.localizer = PatientSizeMeasurements(
                waterEquivalentDiameterCentimeters: diameters.isEmpty ? nil : diameters.reduce(0, +) / Double(diameters.count),
                lateralCentimeters: width(.frontal), apCentimeters: width(.lateral))
        }
        return size
    }

    static func noise(from measurement: SeriesMeasurement?) -> GlobalNoiseInput? {
        guard let measurement, let value = measurement.globalNoiseTissueHounsfield else { return nil }
        return GlobalNoiseInput(valueHounsfield: value, method: measurement.noiseMethod)
    }

    /// Measure inputs for every exam of a scan (exams without a study date cannot be placed in a
    /// measurement period and are left out, with their UIDs returned); QA phantoms and test patients,
    /// by `nonPatientWords` (and its list) or by the phantom shape of their images (`phantomShape`, nil
    /// for off), carry their reason, as an export's do.
    public static func inputs(for result: ScanResult, pseudonymizer: Pseudonymizer, nonPatientWords: NonPatientWords = NonPatientWords(),
                              phantomShape: PhantomShape? = PhantomShape())
        -> (inputs: [MeasureExamInput], undated: [String]) {
        var inputs: [MeasureExamInput] = []
        var undated: [String] = []
        let slicesBySeries = phantomShape == nil ? [:] : Dictionary(grouping: result.slices, by: \.seriesInstanceUID)
        for exam in result.exams where !exam.events.isEmpty || !exam.series.isEmpty {
            let primary = ExamPixelPass.primary(exam, result.seriesMeasurements[exam.studyInstanceUID] ?? [])
            let nonPatient = nonPatientWords.reason(for: exam)
                ?? phantomShape?.reason(exam.series.flatMap { slicesBySeries[$0.seriesInstanceUID] ?? [] })
            if let input = input(for: exam, pseudonymizer: pseudonymizer, size: size(from: primary), noise: noise(from: primary),
                                 nonPatient: nonPatient) {
                inputs.append(input)
            } else {
                undated.append(exam.studyInstanceUID)
            }
        }
        return (inputs, undated)
    }
}
