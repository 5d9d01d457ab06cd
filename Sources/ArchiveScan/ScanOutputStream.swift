import DoseModel
import DoseValidation
import Foundation
import QualityMeasures
import ResultStore

/// The output files of one export, filled one study at a time. Nothing is visible under its final
/// name until `finish` renames the completed files. The measure files are written as exams arrive
/// (`MeasureFileStream`) and the verdicts go to the store while the export goes on
/// (`MeasureResultRows`), so that no output holds the archive in memory.
final class ScanOutputStream {
    private let writer: ScanOutputWriter
    private var files: [String: OutputFile] = [:]
    private let measureFiles: MeasureFileStream?
    /// The verdicts' rows, and the thread that stores them.
    private let verdicts: MeasureResultRows?
    private var storing: BackgroundResult<Void>?
    private var unsentRows: [[SQLValue]] = []
    private var protocolChanges: ProtocolChange.Tally
    private var doseOutliers: DoseForSizeOutlier.Tally
    /// Renders studies on any thread.
    let renderer: StudyRenderer
    /// Exams added so far (the next one's position is this + 1).
    private var added = 0
    /// Of them, exams of QA phantoms and test patients.
    private var nonPatients = 0

    /// `storingResults`, when given, runs on another thread from now on and receives the measure
    /// verdicts' rows (in export order) as the studies are added; `finish` waits for it.
    init(writer: ScanOutputWriter, storingResults: (@Sendable (MeasureResultRows) throws -> Void)? = nil) throws {
        self.writer = writer
        protocolChanges = ProtocolChange.Tally(settings: writer.protocolChanges)
        doseOutliers = DoseForSizeOutlier.Tally(settings: writer.doseOutliers)
        try FileManager.default.createDirectory(atPath: writer.folder, withIntermediateDirectories: true)
        for name in ["exams.jsonl", "exams.csv", "events.csv", "series.csv", "slices.csv", "findings.csv", "problems.csv", "protocol-changes.csv",
                     "dose-outliers.csv"] {
            files[name] = try OutputFile(folder: writer.folder, name: name)
        }
        files["exams.csv"]?.write(CSVTable.line(ScanOutputWriter.examColumns))
        files["events.csv"]?.write(CSVTable.line(ScanOutputWriter.eventColumns))
        files["series.csv"]?.write(CSVTable.line(SeriesCSV.columns))
        files["slices.csv"]?.write(CSVTable.line(ScanOutputWriter.sliceColumns))
        files["findings.csv"]?.write(FindingsCSV.text([]))
        files["problems.csv"]?.write(CSVTable.line(["file", "severity", "reason"]))
        guard let measures = writer.measures else {
            measureFiles = nil
            verdicts = nil
            renderer = StudyRenderer(writer: writer, evaluators: nil, encodesRecords: false)
            return
        }
        for name in MeasureFileStream.fileNames { files[name] = try OutputFile(folder: writer.folder, name: name) }
        let files = files
        measureFiles = try MeasureFileStream(configuration: measures) { name, bytes in files[name]?.write(bytes) }
        renderer = StudyRenderer(writer: writer, evaluators: try MeasureEvaluators(configuration: measures), encodesRecords: storingResults != nil)
        guard let storingResults else {
            verdicts = nil
            return
        }
        let rows = MeasureResultRows()
        verdicts = rows
        storing = BackgroundResult(ownThread: true) {
            do { try storingResults(rows) } catch {
                rows.abandon()
                throw error
            }
        }
    }

    /// An export that ends without `finish` stops the thread that stores the verdicts.
    deinit { verdicts?.close(failing: ExportAbandoned()) }

    /// Renders and adds the next study.
    func add(_ study: StudyResult) throws {
        let uid = study.exam.studyInstanceUID
        try add(CrashJournal.during(.export(uid: uid)) { try renderer.render(study, position: added + 1) })
    }

    /// One study's part of every output file. Rendering needs nothing but the study and its position,
    /// so studies can be rendered in parallel and then added in order.
    struct RenderedStudy: Sendable {
        var examJSONLine: Data
        var examLine: String
        var eventLines: String
        var seriesLines: String
        var sliceLines: String
        var findingLines: String
        var protocolObservations: [ProtocolChange.Observation]
        var isNonPatient: Bool
        var thumbnails: [(seriesInstanceUID: String, png: Data)]
        var measure: MeasureExamShare?
        /// The measure result as the store keeps it (when the verdicts are stored).
        var measureRecord: Data?
    }

    func add(_ study: RenderedStudy) throws {
        added += 1
        if study.isNonPatient { nonPatients += 1 }
        files["exams.jsonl"]?.write(study.examJSONLine)
        files["exams.csv"]?.write(study.examLine)
        files["events.csv"]?.write(study.eventLines)
        files["series.csv"]?.write(study.seriesLines)
        files["slices.csv"]?.write(study.sliceLines)
        files["findings.csv"]?.write(study.findingLines)
        protocolChanges.add(study.protocolObservations)
        doseOutliers.add(study.protocolObservations)
        if !study.thumbnails.isEmpty {
            try FileManager.default.createDirectory(atPath: writer.folder + "/thumbnails", withIntermediateDirectories: true)
            for (uid, png) in study.thumbnails {
                try png.write(to: URL(fileURLWithPath: writer.folder + "/" + ScanOutputWriter.thumbnailPath(seriesInstanceUID: uid)))
            }
        }
        if let share = study.measure {
            try measureFiles?.add(share)
            if let verdicts, let record = study.measureRecord {
                unsentRows.append(ScanStore.measureResultRow(share.result, record: record))
                if unsentRows.count >= 256 {
                    verdicts.send(unsentRows)
                    unsentRows = []
                }
            }
        }
    }

    func add(_ problems: [ScanProblem]) throws {
        for p in problems { files["problems.csv"]?.write(CSVTable.line([p.path, p.severity.rawValue, p.reason])) }
    }

    /// Ends the measure files, waits until the verdicts are stored, and renames every file into place.
    /// `exams` gives the exams at some positions (1-based, in export order), for dose-outliers.csv.
    @discardableResult
    func finish(exams: ([Int]) throws -> [Int: ExamRecord]) throws -> ExportSummary {
        let changes = protocolChanges.changes
        files["protocol-changes.csv"]?.write(ProtocolChangesCSV.text(changes))
        let outliers = doseOutliers.outliers
        files["dose-outliers.csv"]?.write(DoseOutliersCSV.text(outliers, exams: try exams(Set(outliers.map(\.examPosition)).sorted())))
        try measureFiles?.finish()
        if let verdicts {
            verdicts.send(unsentRows)
            unsentRows = []
            verdicts.close()
            let started = storing
            storing = nil  // waited for once
            try started?.wait()
        }
        CrashInjection.reach("export")
        for name in files.keys.sorted() { try files[name]?.commit() }
        return ExportSummary(protocolChanges: changes.count, nonPatientExams: nonPatients, doseOutliers: outliers.count)
    }

    /// Ends an export that failed: returns once the thread that stores the verdicts has stopped.
    func abandon(_ error: Error) {
        verdicts?.close(failing: error)
        let started = storing
        storing = nil
        _ = try? started?.wait()
    }

    struct ExportAbandoned: Error, CustomStringConvertible {
        var description: String { "the export ended before its last study" }
    }
}

/// Renders one study's part of every output file, on any thread: its rows, its exam JSON line and, with
/// the measures, its evaluation, sensitivity variants and FHIR entry.
struct StudyRenderer: Sendable {
    let writer: ScanOutputWriter
    let evaluators: MeasureEvaluators?
    let encodesRecords: Bool

    /// `position`: the study's 1-based position among the exams written (its line in exams.jsonl).
    func render(_ study: StudyResult, position: Int) throws -> ScanOutputStream.RenderedStudy {
        let nonPatient = writer.nonPatientWords.reason(for: study.exam) ?? writer.phantomShape?.reason(study.slices)
        let record = ExamRecord(study.exam, pseudonymizer: writer.pseudonymizer, measurements: study.measurements, findings: study.findings,
                                nonPatient: nonPatient)
        var measure: MeasureExamShare?
        var measureRecord: Data?
        if let evaluators, !study.exam.events.isEmpty || !study.exam.series.isEmpty {
            let primary = ExamPixelPass.primary(study.exam, study.measurements)
            if let input = MeasureInputBuilder.input(
                for: study.exam, pseudonymizer: writer.pseudonymizer, size: MeasureInputBuilder.size(from: primary),
                noise: MeasureInputBuilder.noise(from: primary), nonPatient: nonPatient) {
                measure = try evaluators.with { evaluator, encoder in
                    try MeasureExamShare(result: evaluator.evaluate(input), position: position, evaluator: evaluator, encoder: encoder)
                }
            }
            if encodesRecords, let result = measure?.result { measureRecord = try BinaryRecordEncoder().encode(result) }
        }
        return ScanOutputStream.RenderedStudy(
            examJSONLine: try ScanStore.encoder().encode(record) + Data("\n".utf8),
            examLine: CSVTable.line(ScanOutputWriter.examRow(record)),
            eventLines: ScanOutputWriter.eventRows(record, effectiveDose: measure?.result.effectiveDose).map(CSVTable.line).joined(),
            seriesLines: SeriesCSV.rows(record).map(CSVTable.line).joined(),
            sliceLines: ScanOutputWriter.sliceRows(study.slices).map(CSVTable.line).joined(),
            findingLines: FindingsCSV.rows(study.findings),
            protocolObservations: ProtocolChange.observations(of: record, position: position), isNonPatient: nonPatient != nil,
            thumbnails: study.thumbnails.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            measure: measure, measureRecord: measureRecord)
    }
}

/// The measure evaluators of the threads that render exams: an `ExamEvaluator` (whose category
/// assigner is not Sendable) and a FHIR JSON encoder per thread at a time, made on first need and reused.
final class MeasureEvaluators: @unchecked Sendable {
    private let configuration: MeasureConfiguration
    private let lock = NSLock()
    private var idle: [(ExamEvaluator, JSONEncoder)]

    /// Makes the first evaluator at once, so that a configuration that cannot be used fails here.
    init(configuration: MeasureConfiguration) throws {
        self.configuration = configuration
        idle = [(try ExamEvaluator(configuration: configuration), FHIRBundleWriter.encoder())]
    }

    func with<T>(_ body: (ExamEvaluator, JSONEncoder) throws -> T) throws -> T {
        let taken = try lock.withLock { idle.popLast() } ?? (try ExamEvaluator(configuration: configuration), FHIRBundleWriter.encoder())
        defer { lock.withLock { idle.append(taken) } }
        return try body(taken.0, taken.1)
    }
}

/// A file written under a temporary name (".NAME.partial") through a buffer, renamed on commit.
private final class OutputFile {
    private let handle: FileHandle
    private let temporary: String
    private let target: String
    private var buffer = Data()

    init(folder: String, name: String) throws {
        target = folder + "/" + name
        temporary = folder + "/." + name + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) , let handle = FileHandle(forWritingAtPath: temporary) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        self.handle = handle
    }

    func write(_ text: String) { write(Data(text.utf8)) }

    func write(_ data: Data) {
        buffer.append(data)
        if buffer.count >= 1 << 20 { flush() }
    }

    private func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func commit() throws {
        flush()
        try handle.close()
        guard rename(temporary, target) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
        }
    }
}

/// What an export found that a nightly run should say.
public struct ExportSummary: Sendable, Equatable {
    /// Rows of protocol-changes.csv.
    public var protocolChanges: Int
    /// Exams of QA phantoms and test patients (exams.csv nonPatient).
    public var nonPatientExams: Int
    /// Rows of dose-outliers.csv.
    public var doseOutliers: Int = 0
}
