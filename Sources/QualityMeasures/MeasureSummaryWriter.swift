import Foundation

/// Human-readable and JSON summaries of a run.
public enum MeasureSummaryWriter {
    public static func json(_ report: MeasureReport, sensitivity: SensitivityReport? = nil) throws -> Data {
        try json(periods: report.periods, sensitivity: sensitivity?.summary)
    }

    public static func json(periods: [PeriodSummary], sensitivity: SensitivitySummary?) throws -> Data {
        struct Summary: Encodable {
            var periods: [PeriodSummary]
            var sensitivityByCategory: [String: SensitivityReport.CategoryFlips]?
            var flippingStudyInstanceUIDs: [String]?
            var notes: [String]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(
            Summary(
                periods: periods, sensitivityByCategory: sensitivity?.byCategory,
                flippingStudyInstanceUIDs: sensitivity?.flippingStudyInstanceUIDs, notes: notes))
    }

    static let notes = [
        "Rate = numerator / denominator = share of exams (patients for CMS1056) out of range; lower is better.",
        "SAD coefficients are PROVISIONAL (official values unpublished); see size-adjustment.json provenance.",
        "Head SSDE uses the AAPM 293 fit, whose coefficients are UNVERIFIED. SSDE is auxiliary, not part of the measure.",
    ]

    static func line(_ label: String, _ counts: PopulationCounts) -> String {
        let rate = counts.rate.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a"
        return "  \(label): exams \(counts.exams), initial population \(counts.initialPopulation), "
            + "excluded before IP \(counts.excludedFromInitialPopulation), Full Body exclusions \(counts.denominatorExclusions), "
            + "not evaluable \(counts.notEvaluable), denominator \(counts.denominator), numerator \(counts.numerator), rate \(rate)"
    }

    public static func text(_ report: MeasureReport, sensitivity: SensitivityReport? = nil) -> String {
        text(periods: report.periods, sensitivity: sensitivity?.summary)
    }

    public static func text(periods: [PeriodSummary], sensitivity: SensitivitySummary?) -> String {
        var lines: [String] = []
        for period in periods {
            lines.append("Measurement period \(period.period) (measure version \(period.measureVersion))")
            lines.append(line("All exams", period.allExams))
            lines.append(line("CMS1074 inpatient", period.cms1074Inpatient))
            lines.append(line("CMS1206 outpatient/ED", period.cms1206Outpatient))
            lines.append(line("Setting unknown", period.settingUnknown))
            let patients = period.cms1056Patients
            lines.append(line("CMS1056 patients", patients).replacingOccurrences(of: "exams ", with: "patients "))
            lines.append(" By category:")
            for key in period.byCategory.keys.sorted() { lines.append(line(key, period.byCategory[key]!)) }
            lines.append(" By scanner:")
            for key in period.byScanner.keys.sorted() { lines.append(line(key, period.byScanner[key]!)) }
        }
        if let sensitivity {
            lines.append("SAD sensitivity (diameter method x DLP definition): \(sensitivity.flippingStudyInstanceUIDs.count) exams flip verdict")
            for key in sensitivity.byCategory.keys.sorted() {
                let flips = sensitivity.byCategory[key]!
                lines.append("  \(key): \(flips.examsFlipping) of \(flips.examsAnalysed) flip")
            }
        }
        lines.append("Notes:")
        lines += notes.map { "  - \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }
}
