import Foundation

/// Human-readable and JSON summaries of a run.
public enum MeasureSummaryWriter {
    public static func json(_ report: MeasureReport, sensitivity: SensitivityReport? = nil) throws -> Data {
        try json(periods: report.periods, sensitivity: sensitivity?.summary)
    }

    public static func json(periods: [PeriodSummary], sensitivity: SensitivitySummary?) throws -> Data {
        var json = Data()
        try writeJSON(periods: periods, sensitivity: sensitivity, patients: { period, each in
            for patient in periods.first(where: { $0.period == period })?.patients ?? [] { try each(patient) }
        }, to: { json.append($0) })
        return json
    }

    /// The document of measure-summary.json.
    struct Summary: Encodable {
        var periods: [PeriodSummary]
        var sensitivityByCategory: [String: SensitivityReport.CategoryFlips]?
        var flippingStudyInstanceUIDs: [String]?
        var notes: [String]
    }

    /// measure-summary.json to `sink` a piece at a time: the document with every period's patient list
    /// empty, and each list (`patients` of the period, the periods' own `patients` ignored) written into
    /// its place one patient at a time, so that the archive's patients need not be in memory as JSON.
    /// Byte for byte what the encoder makes of the whole summary.
    public static func writeJSON(periods: [PeriodSummary], sensitivity: SensitivitySummary?,
                                 patients: (MeasurementPeriod, (PatientMeasureResult) throws -> Void) throws -> Void,
                                 to sink: @escaping (Data) throws -> Void) throws {
        let encoder = PrettyJSON.encoder()
        var skeleton = periods
        for index in skeleton.indices { skeleton[index].patients = [] }
        let document = try encoder.encode(
            Summary(periods: skeleton, sensitivityByCategory: sensitivity?.byCategory,
                    flippingStudyInstanceUIDs: sensitivity?.flippingStudyInstanceUIDs, notes: notes))
        // A period's empty list as the encoder prints it, three levels deep (a value cannot hold a raw newline).
        let emptyList = Data("\"patients\" : [\n\n      ]".utf8)
        var rest = document[...]
        for period in periods {
            guard let found = rest.firstRange(of: emptyList) else { throw SummaryLayoutError() }
            try sink(rest[..<found.lowerBound] + Data("\"patients\" : [\n".utf8))
            var first = true
            try patients(period.period) { patient in
                if !first { try sink(Data(",\n".utf8)) }
                try sink(PrettyJSON.indented(try encoder.encode(patient), levels: 4))
                first = false
            }
            try sink(Data("\n      ]".utf8))
            rest = rest[found.upperBound...]
        }
        try sink(Data(rest))
    }

    /// The encoder printed the summary in a layout `writeJSON` does not know (a Foundation change).
    struct SummaryLayoutError: Error, CustomStringConvertible {
        var description: String { "measure-summary.json: a period's patient list is not where JSONEncoder's layout puts it" }
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
