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

    func add(_ study: StudyResult) throws {
        let record = ExamRecord(study.exam, pseudonymizer: writer.pseudonymizer, measurements: study.measurements, findings: study.findings)
        files["exams.jsonl"]?.write(String(decoding: try encoder.encode(record), as: UTF8.self) + "\n")
        files["exams.csv"]?.write(CSVTable.line(ScanOutputWriter.examRow(record)))
        for row in ScanOutputWriter.eventRows(record) { files["events.csv"]?.write(CSVTable.line(row)) }
        for row in ScanOutputWriter.sliceRows(study.slices) { files["slices.csv"]?.write(CSVTable.line(row)) }
        files["findings.csv"]?.write(FindingsCSV.rows(study.findings))
        if !study.thumbnails.isEmpty {
            try FileManager.default.createDirectory(atPath: writer.folder + "/thumbnails", withIntermediateDirectories: true)
            for (uid, png) in study.thumbnails {
                try png.write(to: URL(fileURLWithPath: writer.folder + "/" + ScanOutputWriter.thumbnailPath(seriesInstanceUID: uid)))
            }
        }
        if writer.measures != nil, !study.exam.events.isEmpty || !study.exam.series.isEmpty {
            let primary = ExamPixelPass.primary(study.exam, study.measurements)
            if let input = MeasureInputBuilder.input(
                for: study.exam, pseudonymizer: writer.pseudonymizer, size: MeasureInputBuilder.size(from: primary),
                noise: MeasureInputBuilder.noise(from: primary)) {
                measureInputs.append(input)
            }
        }
    }

    func add(_ problems: [ScanProblem]) throws {
        for p in problems { files["problems.csv"]?.write(CSVTable.line([p.path, p.severity.rawValue, p.reason])) }
    }

    /// Evaluates the measures, writes their files, and renames every file into place.
    func finish() throws -> [ExamMeasureResult] {
        var results: [ExamMeasureResult] = []
        if let measures = writer.measures {
            let outputs = try MeasureOutputs.run(measureInputs, configuration: measures)
            results = outputs.report.exams
            for (name, data) in outputs.files.sorted(by: { $0.key < $1.key }) {
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
