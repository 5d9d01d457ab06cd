import CSVFormat
import Foundation

/// measure.csv: one row per exam.
public enum MeasureCSVWriter {
    public static let columns = [
        "studyInstanceUID", "patientPseudonym", "scanDateTime", "measurementPeriod", "measureVersion", "setting", "scanner",
        "category", "categoryCode", "categoryRule", "sizeAdjustedDose_mGycm", "sadMethod", "sadProvisional", "sadCoefficientSource",
        "dlp_mGycm", "dlpDefinition", "diameter_cm", "diameterMethod", "diameterSource", "globalNoise_hu", "noiseMethod",
        "ssde_mGy", "ssdeNote", "effectiveDose_mSv", "effectiveDoseMethod", "sadThreshold_mGycm", "noiseThreshold_hu", "ageAtPeriodStart_years", "ageBasis",
        "verdict", "reasonCode", "reason",
    ]

    static func number(_ value: Double?, places: Int = 2) -> String {
        value.map { FixedDecimal.text($0, places: places) } ?? ""
    }

    static func threshold(_ value: Double?) -> String {
        guard let value else { return "" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)  // no trap on 1e300
    }

    public static func row(_ exam: ExamMeasureResult) -> [String] {
        let sad = exam.sizeAdjustedDose
        var ssdeNotes: [String] = []
        if let ssde = exam.ssde {
            if ssde.usesUnverifiedCoefficients { ssdeNotes.append("unverified coefficients (AAPM 293 head fit)") }
            if ssde.anyPhantomMismatch { ssdeNotes.append("phantom mismatch") }
            if let method = ssde.examSSDE?.methodUsed { ssdeNotes.append("\(exam.ssdeAnatomy.rawValue); \(method.rawValue)") }
        }
        return [
            exam.studyInstanceUID, exam.patientPseudonym, exam.scanDateTime.localText, exam.period.description,
            exam.measureVersion.rawValue, exam.setting?.rawValue ?? "", exam.scanner ?? "",
            exam.category?.displayName ?? (exam.assignment.categoryId ?? "uncategorized"), exam.category?.loincAnswerCode ?? "",
            exam.assignment.ruleDescription ?? "", number(sad?.sizeAdjustedDoseMilligrayCentimeters), sad?.methodText ?? "",
            sad.map { String($0.provisional) } ?? "", sad?.coefficients.source ?? "",
            number(sad?.dlpMilligrayCentimeters), sad?.dlpDefinition.rawValue ?? "", number(sad?.diameterCentimeters),
            sad?.diameterMethod.rawValue ?? "", sad?.diameterSource.rawValue ?? "",
            number(exam.noise?.valueHounsfield), exam.noise?.method ?? "",
            number(exam.ssde?.examSSDE?.ssdeMilligray), ssdeNotes.joined(separator: "; "),
            number(exam.effectiveDose?.millisieverts), exam.effectiveDose?.methodText ?? "",
            threshold(exam.category?.sadThresholdMilligrayCentimeters), threshold(exam.category?.noiseThresholdHounsfield),
            exam.age.ageAtPeriodStartYears.map(String.init) ?? "", exam.age.basis.rawValue,
            exam.verdict.rawValue, exam.reason.rawValue, exam.reasonText,
        ]
    }

    /// CSV text with a header line; lines end with CRLF-free "\n".
    public static func csv(_ exams: [ExamMeasureResult]) -> String {
        ([CSVText.record(columns)] + exams.map { CSVText.record(row($0)) }).joined(separator: "\n") + "\n"
    }
}
