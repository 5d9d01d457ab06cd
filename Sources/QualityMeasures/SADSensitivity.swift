import Foundation

/// SAD and verdict of one exam under one diameter method × DLP definition.
public struct SensitivityVariant: Sendable, Codable, Hashable {
    public var diameterMethod: DiameterMethod
    public var dlpDefinition: DLPDefinition
    public var sizeAdjustedDoseMilligrayCentimeters: Double?
    public var verdict: Verdict
    public var reasonText: String
}

/// All variants of one exam.
public struct ExamSensitivity: Sendable, Codable, Hashable {
    public var studyInstanceUID: String
    public var categoryDisplayName: String
    public var variants: [SensitivityVariant]
    /// True when at least one variant is in range and another out of range.
    public var verdictFlips: Bool {
        let verdicts = Set(variants.map(\.verdict))
        return verdicts.contains(.inRange) && verdicts.contains(.outOfRange)
    }
}

public struct SensitivityReport: Sendable, Codable, Hashable {
    public struct CategoryFlips: Sendable, Codable, Hashable {
        public var examsAnalysed: Int
        public var examsFlipping: Int
    }

    public var exams: [ExamSensitivity]
    public var flippingStudyInstanceUIDs: [String] { exams.filter(\.verdictFlips).map(\.studyInstanceUID) }
    public var byCategory: [String: CategoryFlips]
    /// What the summary files say of it.
    public var summary: SensitivitySummary { SensitivitySummary(byCategory: byCategory, flippingStudyInstanceUIDs: flippingStudyInstanceUIDs) }
}

/// The sensitivity analysis as the summary files report it: flips per category and the exams that flip,
/// counted one exam at a time.
public struct SensitivitySummary: Sendable, Hashable {
    public var byCategory: [String: SensitivityReport.CategoryFlips] = [:]
    public var flippingStudyInstanceUIDs: [String] = []

    public init(byCategory: [String: SensitivityReport.CategoryFlips] = [:], flippingStudyInstanceUIDs: [String] = []) {
        self.byCategory = byCategory
        self.flippingStudyInstanceUIDs = flippingStudyInstanceUIDs
    }

    public mutating func add(_ exam: ExamSensitivity) {
        byCategory[exam.categoryDisplayName, default: .init(examsAnalysed: 0, examsFlipping: 0)].examsAnalysed += 1
        if exam.verdictFlips {
            byCategory[exam.categoryDisplayName]?.examsFlipping += 1
            flippingStudyInstanceUIDs.append(exam.studyInstanceUID)
        }
    }
}

/// Re-evaluates exams in the denominator path (initial population, categorized, not Full Body) under every
/// DiameterMethod × DLPDefinition with the same noise.
public enum SADSensitivity {
    public static func analyse(_ report: MeasureReport, configuration: MeasureConfiguration) throws -> SensitivityReport {
        let evaluator = try ExamEvaluator(configuration: configuration)
        var exams: [ExamSensitivity] = []
        var summary = SensitivitySummary()
        for result in report.exams {
            guard let exam = variants(of: result, evaluator: evaluator) else { continue }
            exams.append(exam)
            summary.add(exam)
        }
        return SensitivityReport(exams: exams, byCategory: summary.byCategory)
    }

    /// One exam's variants; nil for an exam outside the denominator path.
    public static func variants(of result: ExamMeasureResult, evaluator: ExamEvaluator) -> ExamSensitivity? {
        guard result.reason.inInitialPopulation, let category = result.category, !category.isFullBody else { return nil }
        var variants: [SensitivityVariant] = []
        for method in DiameterMethod.allCases {
            for definition in DLPDefinition.allCases {
                let sad = try? evaluator.sizeAdjustedDose(result.input, category: category, dlpDefinition: definition, diameterMethod: method).get()
                let outcome = ThresholdEvaluation.evaluate(
                    noiseHounsfield: result.noise?.valueHounsfield,
                    sizeAdjustedDoseMilligrayCentimeters: sad?.sizeAdjustedDoseMilligrayCentimeters, category: category)
                variants.append(
                    SensitivityVariant(
                        diameterMethod: method, dlpDefinition: definition,
                        sizeAdjustedDoseMilligrayCentimeters: sad?.sizeAdjustedDoseMilligrayCentimeters,
                        verdict: outcome.verdict, reasonText: outcome.text))
            }
        }
        return ExamSensitivity(studyInstanceUID: result.studyInstanceUID, categoryDisplayName: category.displayName, variants: variants)
    }
}
