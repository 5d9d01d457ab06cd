import CSVFormat
import Foundation

/// One exam's share of the measure files: its result, its sensitivity variants, its rows and its FHIR
/// entry, made on any thread and added to a `MeasureFileStream` in export order.
public struct MeasureExamShare: Sendable {
    public let result: ExamMeasureResult
    public let sensitivity: ExamSensitivity?
    let measureLine: Data
    let sensitivityLines: Data
    let fhirEntry: Data?

    /// `position`: the exam's 1-based position among the exams written (its FHIR Observation id);
    /// `encoder`: `FHIRBundleWriter.encoder()`, one per thread.
    public init(result: ExamMeasureResult, position: Int, evaluator: ExamEvaluator, encoder: JSONEncoder) throws {
        self.result = result
        sensitivity = SADSensitivity.variants(of: result, evaluator: evaluator)
        measureLine = Data((CSVText.record(MeasureCSVWriter.row(result)) + "\n").utf8)
        sensitivityLines = Data((sensitivity.map(SensitivityCSVWriter.records) ?? []).map { $0 + "\n" }.joined().utf8)
        fhirEntry = try FHIRBundleWriter.entryJSON(result, position: position, encoder: encoder)
    }
}

/// The measure files (measure.csv, sensitivity.csv, measure-fhir.json, measure-summary.txt and .json,
/// typical-values.csv, patient-dose.csv) written one exam at a time: each exam's rows and FHIR entry go to `sink` as it is added, so that
/// memory holds only the summary's counts and, per patient of the initial population, the study UIDs
/// that the summary lists (`PeriodSummaryTally`) and the dates and doses of each patient's exams
/// (`PatientDoseTally`, 12 bytes an exam), not the exams. The files are byte for byte those of
/// the same exams evaluated at once (`MeasureOutputs.outputs`, which runs through this stream too).
public final class MeasureFileStream {
    /// Receives the next bytes of one file.
    public typealias Sink = (_ fileName: String, _ bytes: Data) throws -> Void
    public static let fileNames = ["measure.csv", "measure-fhir.json", "measure-summary.json", "measure-summary.txt", "sensitivity.csv",
                                    "typical-values.csv", "patient-dose.csv"]

    private let sink: Sink
    private var typicalValues: TypicalValueTally
    private var patientDoses: PatientDoseTally
    private var periods = PeriodSummaryTally()
    private var sensitivity = SensitivitySummary()
    private var entries = 0

    /// Writes the files' headers. `configuration` gives the typical values' settings and DLP definition.
    public init(configuration: MeasureConfiguration, sink: @escaping Sink) throws {
        self.sink = sink
        typicalValues = TypicalValueTally(settings: configuration.typicalValues, dlpDefinition: configuration.dlpDefinition)
        patientDoses = PatientDoseTally(settings: configuration.cumulativeDose)
        try sink("measure.csv", Data((CSVText.record(MeasureCSVWriter.columns) + "\n").utf8))
        try sink("sensitivity.csv", Data((CSVText.record(SensitivityCSVWriter.columns) + "\n").utf8))
        try sink("measure-fhir.json", FHIRBundleWriter.bundleHead)
    }

    public func add(_ share: MeasureExamShare) throws {
        try sink("measure.csv", share.measureLine)
        if !share.sensitivityLines.isEmpty { try sink("sensitivity.csv", share.sensitivityLines) }
        if let entry = share.fhirEntry {
            if entries > 0 { try sink("measure-fhir.json", FHIRBundleWriter.entrySeparator) }
            try sink("measure-fhir.json", entry)
            entries += 1
        }
        periods.add(share.result)
        typicalValues.add(share.result)
        patientDoses.add(share.result)
        if let exam = share.sensitivity { sensitivity.add(exam) }
    }

    /// Ends the FHIR Bundle and writes the summaries.
    public func finish() throws {
        try sink("measure-fhir.json", FHIRBundleWriter.bundleTail)
        let summaries = periods.summaries(listingPatients: false)
        try sink("measure-summary.txt", Data(MeasureSummaryWriter.text(periods: summaries, sensitivity: sensitivity).utf8))
        try MeasureSummaryWriter.writeJSON(
            periods: summaries, sensitivity: sensitivity, patients: { period, each in try periods.forEachPatient(of: period, each) },
            to: { [sink] in try sink("measure-summary.json", $0) })
        try sink("typical-values.csv", Data(TypicalValuesCSVWriter.csv(typicalValues.rows).utf8))
        try PatientDoseCSVWriter.write(patientDoses) { [sink] in try sink("patient-dose.csv", $0) }
    }
}
