import DoseModel
import DoseValidation
import Foundation
import QualityMeasures

/// The output files of one export, filled one study at a time. Nothing is visible under its final
/// name until `finish` renames the completed files.
final class ScanOutputStream {
    private let writer: ScanOutputWriter
    private let encoder = ScanStore.encoder()
    private var files: [String: OutputFile] = [:]
    private var measureInputs: [MeasureExamInput] = []

    init(writer: ScanOutputWriter) throws {
        self.writer = writer
        try FileManager.default.createDirectory(atPath: writer.folder, withIntermediateDirectories: true)
        for name in ["exams.jsonl", "exams.csv", "events.csv", "slices.csv", "findings.csv", "problems.csv"] {
            files[name] = try OutputFile(folder: writer.folder, name: name)
        }
        files["exams.csv"]?.write(CSVTable.line(ScanOutputWriter.examColumns))
        files["events.csv"]?.write(CSVTable.line(ScanOutputWriter.eventColumns))
        files["slices.csv"]?.write(CSVTable.line(ScanOutputWriter.sliceColumns))
        files["findings.csv"]?.write(FindingsCSV.text([]))
        files["problems.csv"]?.write(CSVTable.line(["file", "severity", "reason"]))
    }

    func add(_ study: StudyResult) throws { try add(Self.render(study, for: writer, encoder: encoder)) }

    /// One study's part of every output file. Rendering needs nothing but the study, so studies can be
    /// rendered in parallel and then added in order.
    struct RenderedStudy: Sendable {
        var examJSONLine: Data
        var examLine: String
        var eventLines: String
        var sliceLines: String
        var findingLines: String
        var thumbnails: [(seriesInstanceUID: String, png: Data)]
        var measureInput: MeasureExamInput?
    }

    static func render(_ study: StudyResult, for writer: ScanOutputWriter, encoder: JSONEncoder) throws -> RenderedStudy {
        let record = ExamRecord(study.exam, pseudonymizer: writer.pseudonymizer, measurements: study.measurements, findings: study.findings)
        var measureInput: MeasureExamInput?
        if writer.measures != nil, !study.exam.events.isEmpty || !study.exam.series.isEmpty {
            let primary = ExamPixelPass.primary(study.exam, study.measurements)
            measureInput = MeasureInputBuilder.input(
                for: study.exam, pseudonymizer: writer.pseudonymizer, size: MeasureInputBuilder.size(from: primary),
                noise: MeasureInputBuilder.noise(from: primary))
        }
        return RenderedStudy(
            examJSONLine: try encoder.encode(record) + Data("\n".utf8),
            examLine: CSVTable.line(ScanOutputWriter.examRow(record)),
            eventLines: ScanOutputWriter.eventRows(record).map(CSVTable.line).joined(),
            sliceLines: ScanOutputWriter.sliceRows(study.slices).map(CSVTable.line).joined(),
            findingLines: FindingsCSV.rows(study.findings),
            thumbnails: study.thumbnails.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            measureInput: measureInput)
    }

    func add(_ study: RenderedStudy) throws {
        files["exams.jsonl"]?.write(study.examJSONLine)
        files["exams.csv"]?.write(study.examLine)
        files["events.csv"]?.write(study.eventLines)
        files["slices.csv"]?.write(study.sliceLines)
        files["findings.csv"]?.write(study.findingLines)
        if !study.thumbnails.isEmpty {
            try FileManager.default.createDirectory(atPath: writer.folder + "/thumbnails", withIntermediateDirectories: true)
            for (uid, png) in study.thumbnails {
                try png.write(to: URL(fileURLWithPath: writer.folder + "/" + ScanOutputWriter.thumbnailPath(seriesInstanceUID: uid)))
            }
        }
        if let input = study.measureInput { measureInputs.append(input) }
    }

    func add(_ problems: [ScanProblem]) throws {
        for p in problems { files["problems.csv"]?.write(CSVTable.line([p.path, p.severity.rawValue, p.reason])) }
    }

    /// Evaluates the measures, writes their files, and renames every file into place. The verdicts go
    /// to `storingResults` (on another thread) while their files are rendered.
    func finish(storingResults: (@Sendable ([ExamMeasureResult]) throws -> Void)? = nil) throws -> [ExamMeasureResult] {
        var results: [ExamMeasureResult] = []
        if let measures = writer.measures {
            let report = try MeasureEvaluation.run(measureInputs, configuration: measures) { uid, evaluate in
                CrashJournal.during(.export(uid: uid), evaluate)
            }
            results = report.exams
            let storing = storingResults.map { store in BackgroundResult { try store(report.exams) } }
            let outputs = Result { try MeasureOutputs.outputs(of: report, configuration: measures) }
            try storing?.wait()  // before anything is thrown: nothing is left writing to the store
            for (name, data) in try outputs.get().files.sorted(by: { $0.key < $1.key }) {
                let file = try OutputFile(folder: writer.folder, name: name)
                file.write(data)
                files[name] = file
            }
        }
        CrashInjection.reach("export")
        for name in files.keys.sorted() { try files[name]?.commit() }
        return results
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
