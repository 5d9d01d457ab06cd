import DoseModel
import DoseValidation

/// The JSON shape of one exam in exams.jsonl (units: mGy, mGy·cm, mm, s, kV, mA). Patient
/// identifiers appear only as pseudonyms unless the user opted in.
public struct ExamRecord: Codable, Sendable {
    public struct Event: Codable, Sendable {
        public var irradiationEventUID: String?
        public var acquisitionType: String
        public var acquisitionProtocol: String?
        public var targetRegion: String?
        public var ctdiVol: Double?
        public var dlp: Double?
        public var phantom: String
        public var scanningLength: Double?
        public var exposureTime: Double?
        public var pitchFactor: Double?
        public var nominalTotalCollimation: Double?
        public var xRaySources: [XRaySourceParameters]
        public var doseCheck: DoseCheckDetails?
        public var vendorSize: VendorSizeEstimate?
        /// The scanner's own estimate (DCM 113839), mSv.
        public var reportedEffectiveDoseMillisieverts: Double?
        public var source: String
        public var reportedBy: [String]
        public var localizerSeriesUID: String?
        public var diagnosticSeriesUID: String?
        public var seriesUIDs: [String]
    }

    public var studyInstanceUID: String
    public var patientPseudonym: String?
    /// Why the subject is not a patient (a QA phantom, a test patient: `NonPatientWords`), or nil.
    /// Such exams stay in every file but out of the population statistics.
    public var nonPatient: String?
    public var patientAge: String?
    public var patientSex: String?
    public var studyDate: String?
    public var studyDescription: String?
    public var manufacturer: String?
    public var model: String?
    public var stationName: String?
    public var doseSource: String?
    public var events: [Event]
    public var dlpTotal: Double?
    public var reportedDlpTotals: [Double]
    public var doseReports: [DoseReportSummary]
    public var series: [SeriesSummary]
    /// Size and noise from the pixels, per analysed series.
    public var seriesMeasurements: [SeriesMeasurement]
    /// Cross-checks of what the scanner reported (codes in README).
    public var findings: [Finding]
    public var problems: [String]

    public init(_ exam: Exam, pseudonymizer: Pseudonymizer, measurements: [SeriesMeasurement] = [], findings: [Finding] = [],
                nonPatient: String? = nil) {
        studyInstanceUID = exam.studyInstanceUID
        patientPseudonym = pseudonymizer.pseudonym(exam.patient.patientID)
        self.nonPatient = nonPatient
        patientAge = exam.patient.age
        patientSex = exam.patient.sex
        studyDate = exam.studyDate
        studyDescription = exam.studyDescription
        manufacturer = exam.equipment?.manufacturer
        model = exam.equipment?.model
        stationName = exam.equipment?.stationName
        doseSource = exam.doseSource?.rawValue
        events = exam.events.map { item in
            let e = item.event
            return Event(
                irradiationEventUID: e.irradiationEventUID, acquisitionType: e.acquisitionType.rawValue,
                acquisitionProtocol: e.acquisitionProtocol,
                targetRegion: e.targetRegion.map { $0.meaning.isEmpty ? $0.value : $0.meaning },
                ctdiVol: e.ctdiVolMilligray, dlp: e.dlpMilligrayCentimeters, phantom: e.phantom.rawValue,
                scanningLength: e.scanningLengthMillimeters, exposureTime: e.exposureTimeSeconds, pitchFactor: e.pitchFactor,
                nominalTotalCollimation: e.nominalTotalCollimationMillimeters, xRaySources: e.xRaySources,
                doseCheck: e.doseCheck, vendorSize: e.vendorSize, reportedEffectiveDoseMillisieverts: e.effectiveDoseMillisievert, source: e.source.rawValue, reportedBy: item.reportedBy,
                localizerSeriesUID: item.localizerSeriesUID, diagnosticSeriesUID: item.diagnosticSeriesUID,
                seriesUIDs: item.seriesUIDs)
        }
        dlpTotal = exam.dlpTotalMilligrayCentimeters.map { ($0 * 1000).rounded() / 1000 }
        reportedDlpTotals = exam.reportedDLPTotals
        doseReports = exam.doseReports
        series = exam.series
        seriesMeasurements = measurements
        self.findings = findings
        problems = exam.problems
    }
}
