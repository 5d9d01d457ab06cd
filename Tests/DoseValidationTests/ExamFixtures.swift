@testable import DoseModel
@testable import DoseValidation

/// Exams built in the tests, with only the values a rule needs.
enum Fixture {
    static let study = "1.2.3"

    static func event(_ uid: String?, _ type: CTAcquisitionType = .spiral, ctdi: Double? = 10, dlp: Double? = nil,
                      lengthMillimeters: Double? = nil, phantom: CTDIPhantom = .body32cm, protocolName: String? = nil,
                      region: String? = nil) -> IrradiationEvent {
        var e = IrradiationEvent()
        e.irradiationEventUID = uid
        e.acquisitionType = type
        e.ctdiVolMilligray = ctdi
        e.dlpMilligrayCentimeters = dlp
        e.scanningLengthMillimeters = lengthMillimeters
        e.phantom = phantom
        e.acquisitionProtocol = protocolName
        e.targetRegion = region.map { CodedConcept("", "", $0) }
        return e
    }

    static func examEvent(_ event: IrradiationEvent, reportedBy: [String] = ["r1"], series: [String] = [],
                          diagnostic: String? = nil) -> ExamEvent {
        ExamEvent(event: event, reportedBy: reportedBy, diagnosticSeriesUID: diagnostic, seriesUIDs: series)
    }

    static func report(_ sop: String, totals: [Double], eventCount: Int) -> DoseReportSummary {
        DoseReportSummary(sopInstanceUID: sop, kind: .xRayRadiationDoseSR, eventCount: eventCount,
                          reportedDLPTotals: totals, readingNotes: [])
    }

    static func series(_ uid: String, number: Int? = nil, images: Int = 10, localizer: Bool = false, original: Bool = true,
                       ctdi: Double? = nil, z: ClosedRange<Double>? = nil, thickness: Double? = nil,
                       linkedTo event: String? = nil) -> SeriesSummary {
        var s = SeriesSummary(seriesInstanceUID: uid, imageCount: images, isLocalizer: localizer, isAxial: !localizer,
                              isOriginal: original)
        s.seriesNumber = number
        s.meanCTDIvolMilligray = ctdi
        s.zRangeMillimeters = z
        s.sliceThicknessMillimeters = thickness
        s.linkedEventUID = event
        s.linkMethod = event == nil ? nil : "irradiationEventUID"
        return s
    }

    static func exam(_ events: [ExamEvent], reports: [DoseReportSummary] = [], series: [SeriesSummary] = [],
                     problems: [String] = [], studyDescription: String? = nil, age: String? = nil) -> Exam {
        var patient = PatientAttributes()
        patient.age = age
        var exam = Exam(studyInstanceUID: study, patient: patient, protocolNames: [], events: events, doseReports: reports,
                        series: series, problems: problems)
        exam.studyDescription = studyDescription
        return exam
    }

    /// Findings with the given code only.
    static func findings(_ code: FindingCode, _ exam: Exam, reports: [DoseReport] = [], facts: [SeriesAcquisitionFacts] = [],
                         sizes: [MeasuredSize] = [], settings: ValidationSettings = ValidationSettings()) -> [Finding] {
        DoseValidator.validate(exam, reports: reports, seriesFacts: facts, measuredSizes: sizes, settings: settings)
            .filter { $0.code == code }
    }
}
