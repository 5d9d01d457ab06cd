import DoseModel
import Foundation

/// DOSE_SCREEN_TEXT_MISMATCH: a Philips "Dose Info" screen states its dose twice, per exposure in the
/// Exposure Dose Sequence and as text ("Series #5 30S KIDNEYS Average CTDIvol=11.5 DLP=248.6 …
/// Total DLP=1102.4"). A text value must be the rounding of the sequence value to the digits printed.
enum DoseScreenTextRule {
    static func check(_ context: ExamValidationContext) -> [Finding] {
        context.reportsBySOP.values.sorted { $0.sopInstanceUID < $1.sopInstanceUID }.flatMap { report -> [Finding] in
            guard report.kind == .philipsDoseInfo, let text = report.doseSummaryText else { return [] }
            var findings: [Finding] = []
            for line in SummaryLine.parse(text) {
                let matches: [IrradiationEvent]
                let compared: [(String, Double?, Number)]
                if let series = line.seriesNumber {
                    matches = report.events.filter { $0.imageSeriesNumber == series }
                    guard let event = matches.first else { continue }
                    compared = [("CTDIvol", event.ctdiVolMilligray, line.ctdiVol), ("DLP", event.dlpMilligrayCentimeters, line.dlp)]
                        .compactMap { name, value, number in number.map { (name, value, $0) } }
                } else if let total = line.totalDLP {
                    compared = [("total DLP", report.reportedDLPTotals.first, total)]
                } else { continue }
                for (name, value, stated) in compared {
                    guard let value, abs(value - stated.value) > stated.roundingHalfStep + 1e-9 else { continue }
                    let unit = name == "CTDIvol" ? QuantityText.milligray : QuantityText.milligrayCentimeters
                    let subject = line.seriesNumber.map { "series #\($0)" } ?? "the exam"
                    findings.append(context.finding(
                        .doseScreenTextMismatch, report: report.sopInstanceUID,
                        message: "dose screen text gives \(name) \(stated.text) for \(subject), its Exposure Dose Sequence \(unit(value))",
                        expected: unit(value), actual: stated.text,
                        tolerance: "± \(stated.roundingHalfStep) (rounding to the printed digits)"))
                }
            }
            return findings
        }
    }

    struct Number {
        let value: Double
        let text: String
        /// Half a unit of the last printed digit: "11.5" → 0.05, "1102" → 0.5.
        var roundingHalfStep: Double {
            let decimals = text.split(separator: ".").dropFirst().first?.count ?? 0
            return 0.5 * pow(10, -Double(decimals))
        }
        init?(_ text: Substring?) {
            guard let text, let value = Double(text) else { return nil }
            self.value = value
            self.text = String(text)
        }
    }

    struct SummaryLine {
        var seriesNumber: Int?
        var ctdiVol: Number?
        var dlp: Number?
        var totalDLP: Number?

        static func parse(_ text: String) -> [SummaryLine] {
            text.split(whereSeparator: \.isNewline).map { raw in
                let line = String(raw)
                var parsed = SummaryLine()
                if let series = value(after: "Series #", in: line) { parsed.seriesNumber = Int(series) }
                if let total = value(after: "Total DLP=", in: line) { parsed.totalDLP = Number(total) }
                parsed.ctdiVol = Number(value(after: "CTDIvol=", in: line))
                if parsed.totalDLP == nil { parsed.dlp = Number(value(after: "DLP=", in: line)) }
                return parsed
            }
        }

        /// The number that follows `marker` (digits and one decimal point).
        private static func value(after marker: String, in line: String) -> Substring? {
            guard let range = line.range(of: marker) else { return nil }
            let rest = line[range.upperBound...]
            let number = rest.prefix { $0.isNumber || $0 == "." }
            return number.isEmpty ? nil : number
        }
    }
}
