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
}

/// Re-evaluates exams in the denominator path (initial population, categorized, not Full Body) under every
/// DiameterMethod × DLPDefinition with the same noise.
public enum SADSensitivity {
    public static func analyse(_ report: MeasureReport, configuration: MeasureConfiguration) throws -> SensitivityReport {
        let evaluator = try ExamEvaluator(configuration: configuration)
        var exams: [ExamSensitivity] = []
        var byCategory: [String: SensitivityReport.CategoryFlips] = [:]
        for result in report.exams {
            guard result.reason.inInitialPopulation, let category = result.category, !category.isFullBody else { continue }
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
            let exam = ExamSensitivity(studyInstanceUID: result.studyInstanceUID, categoryDisplayName: category.displayName, variants: variants)
            exams.append(exam)
            byCategory[category.displayName, default: .init(examsAnalysed: 0, examsFlipping: 0)].examsAnalysed += 1
            if exam.verdictFlips { byCategory[category.displayName]?.examsFlipping += 1 }
        }
        return SensitivityReport(exams: exams, byCategory: byCategory)
    }
}
