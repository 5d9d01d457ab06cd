import CSVFormat
import Foundation

/// sensitivity.csv: one row per exam × diameter method × DLP definition.
public enum SensitivityCSVWriter {
    public static let columns = [
        "studyInstanceUID", "category", "diameterMethod", "dlpDefinition", "sizeAdjustedDose_mGycm", "verdict", "verdictFlipsForExam",
        "reason",
    ]

    public static func csv(_ report: SensitivityReport) -> String {
        ([CSVText.record(columns)] + report.exams.flatMap(records)).joined(separator: "\n") + "\n"
    }

    /// One exam's rows, one per variant.
    static func records(_ exam: ExamSensitivity) -> [String] {
        exam.variants.map { variant in
            CSVText.record([
                exam.studyInstanceUID, exam.categoryDisplayName, variant.diameterMethod.rawValue, variant.dlpDefinition.rawValue,
                MeasureCSVWriter.number(variant.sizeAdjustedDoseMilligrayCentimeters), variant.verdict.rawValue,
                String(exam.verdictFlips), variant.reasonText,
            ])
        }
    }
}

/// All output files of a run, by file name, ready to be written by the integrator.
public enum MeasureOutputs {
    /// Runs the evaluation, the sensitivity analysis and produces every file.
    public static func run(_ exams: [MeasureExamInput], configuration: MeasureConfiguration,
                           evaluatingEach: (String, () -> ExamMeasureResult) -> ExamMeasureResult = { $1() }) throws
        -> (report: MeasureReport, sensitivity: SensitivityReport, files: [String: Data])
    {
        try outputs(of: try MeasureEvaluation.run(exams, configuration: configuration, evaluatingEach: evaluatingEach),
                    configuration: configuration)
    }

    /// The sensitivity analysis and every file of an evaluation already run, made by `MeasureFileStream`
    /// as an export makes them.
    public static func outputs(of report: MeasureReport, configuration: MeasureConfiguration) throws
        -> (report: MeasureReport, sensitivity: SensitivityReport, files: [String: Data])
    {
        let evaluator = try ExamEvaluator(configuration: configuration)
        let encoder = FHIRBundleWriter.encoder()
        let files = MadeFiles()
        let stream = try MeasureFileStream(configuration: configuration) { name, bytes in files.append(bytes, to: name) }
        var exams: [ExamSensitivity] = []
        var summary = SensitivitySummary()
        for (offset, result) in report.exams.enumerated() {
            let share = try MeasureExamShare(result: result, position: offset + 1, evaluator: evaluator, encoder: encoder)
            if let exam = share.sensitivity {
                exams.append(exam)
                summary.add(exam)
            }
            try stream.add(share)
        }
        try stream.finish()
        return (report, SensitivityReport(exams: exams, byCategory: summary.byCategory), files.contents)
    }
}

/// The files' bytes, appended to by the stream.
private final class MadeFiles {
    private(set) var contents: [String: Data] = [:]

    func append(_ bytes: Data, to name: String) { contents[name, default: Data()].append(bytes) }
}
