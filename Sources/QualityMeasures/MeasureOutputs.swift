import CSVFormat
import Foundation

/// sensitivity.csv: one row per exam × diameter method × DLP definition.
public enum SensitivityCSVWriter {
    public static let columns = [
        "studyInstanceUID", "category", "diameterMethod", "dlpDefinition", "sizeAdjustedDose_mGycm", "verdict", "verdictFlipsForExam",
        "reason",
    ]

    public static func csv(_ report: SensitivityReport) -> String {
        var lines = [CSVText.record(columns)]
        for exam in report.exams {
            for variant in exam.variants {
                lines.append(
                    CSVText.record([
                        exam.studyInstanceUID, exam.categoryDisplayName, variant.diameterMethod.rawValue, variant.dlpDefinition.rawValue,
                        MeasureCSVWriter.number(variant.sizeAdjustedDoseMilligrayCentimeters), variant.verdict.rawValue,
                        String(exam.verdictFlips), variant.reasonText,
                    ]))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// All output files of a run, by file name, ready to be written by the integrator.
public enum MeasureOutputs {
    /// The files are independent of one another and each a pass over every exam: they are made at once,
    /// one per core, at the end of a run when nothing else is left to do.
    public static func files(_ report: MeasureReport, sensitivity: SensitivityReport?) throws -> [String: Data] {
        var writers: [(name: String, make: @Sendable () throws -> Data)] = [
            ("measure.csv", { Data(MeasureCSVWriter.csv(report.exams).utf8) }),
            ("measure-summary.txt", { Data(MeasureSummaryWriter.text(report, sensitivity: sensitivity).utf8) }),
            ("measure-summary.json", { try MeasureSummaryWriter.json(report, sensitivity: sensitivity) }),
            ("measure-fhir.json", { try FHIRBundleWriter.bundleJSON(report.exams) }),
        ]
        if let sensitivity { writers.append(("sensitivity.csv", { Data(SensitivityCSVWriter.csv(sensitivity).utf8) })) }
        let all = writers
        let made = MadeFiles(count: all.count)
        DispatchQueue.concurrentPerform(iterations: all.count) { index in made.set(index, Result { try all[index].make() }) }
        var files: [String: Data] = [:]
        for (index, writer) in all.enumerated() { files[writer.name] = try made.result(index).get() }
        return files
    }

    /// Runs the evaluation, the sensitivity analysis and produces every file.
    public static func run(_ exams: [MeasureExamInput], configuration: MeasureConfiguration,
                           evaluatingEach: (String, () -> ExamMeasureResult) -> ExamMeasureResult = { $1() }) throws
        -> (report: MeasureReport, sensitivity: SensitivityReport, files: [String: Data])
    {
        try outputs(of: try MeasureEvaluation.run(exams, configuration: configuration, evaluatingEach: evaluatingEach),
                    configuration: configuration)
    }

    /// The sensitivity analysis and every file of an evaluation already run.
    public static func outputs(of report: MeasureReport, configuration: MeasureConfiguration) throws
        -> (report: MeasureReport, sensitivity: SensitivityReport, files: [String: Data])
    {
        let sensitivity = try SADSensitivity.analyse(report, configuration: configuration)
        return (report, sensitivity, try files(report, sensitivity: sensitivity))
    }
}

/// Each file's result, written by the thread that made it.
private final class MadeFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Data, any Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Data, any Error>) { lock.withLock { results[index] = result } }

    func result(_ index: Int) -> Result<Data, any Error> { lock.withLock { results[index]! } }
}
