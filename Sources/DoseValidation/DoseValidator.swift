import DoseModel

/// Validates what the scanner reported: runs every rule on an exam and returns its findings, in rule order
/// (report consistency, report patient, pregnancy, dose screen text, event DLP, event vs series, phantom,
/// vendor size, centring, dose alerts).
public enum DoseValidator {
    public static func validate(_ input: ExamValidationInput, settings: ValidationSettings = ValidationSettings()) -> [Finding] {
        let context = ExamValidationContext(input, settings: settings)
        let rules: [(ExamValidationContext) -> [Finding]] = [
            ReportConsistencyRules.check, ReportPatientRule.check, PregnancyRule.check, DoseScreenTextRule.check, EventDLPRule.check,
            SeriesEventRules.check, PhantomRules.check, VendorSizeRules.check, PatientCentringRule.check, DoseAlertRules.check,
        ]
        return rules.flatMap { $0(context) }.filter { !settings.disabledCodes.contains($0.code) }
    }

    /// Convenience for an exam without extra inputs.
    public static func validate(_ exam: Exam, reports: [DoseReport] = [], seriesFacts: [SeriesAcquisitionFacts] = [],
                                measuredSizes: [MeasuredSize] = [], settings: ValidationSettings = ValidationSettings()) -> [Finding] {
        validate(ExamValidationInput(exam: exam, reports: reports, seriesFacts: seriesFacts, measuredSizes: measuredSizes),
                 settings: settings)
    }
}
