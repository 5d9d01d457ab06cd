import ArgumentParser
import Foundation
import DoseModel

/// `--soft-tissue-kernels`, `--sharp-kernels`, `--reformat-words`, `--series-thickness`: how each
/// event's diagnostic axial series (the one whose pixels give size and noise) is chosen.
struct SeriesChoiceArguments: ParsableArguments {
    @Option(name: .long, help: "Words of the reconstruction kernels preferred for size and noise (soft tissue), comma-separated; a word of 1–2 characters must equal a word of the kernel, a longer one must start one (default: \(DiagnosticSeriesPolicy.defaultSoftTissueKernelKeywords.joined(separator: ","))).")
    var softTissueKernels: String?

    @Option(name: .long, help: "Words of sharp kernels (lung, bone), ranked last, matched as --soft-tissue-kernels (default: \(DiagnosticSeriesPolicy.defaultSharpKernelKeywords.joined(separator: ","))).")
    var sharpKernels: String?

    @Option(name: .long, help: "Words of a Series Description that mark a reformat or other non-diagnostic series, ranked below all others (default: \(DiagnosticSeriesPolicy.defaultReformatDescriptionKeywords.joined(separator: ","))).")
    var reformatWords: String?

    @Option(name: .long, help: "Slice thickness preferred among otherwise equal series: thickest, thinnest, or millimetres (the nearest is taken; e.g. 3).")
    var seriesThickness: String = "thickest"

    /// The policy, each option checked.
    func policy() throws -> DiagnosticSeriesPolicy {
        var policy = DiagnosticSeriesPolicy()
        if let softTissueKernels { policy.softTissueKernelKeywords = try Self.words(softTissueKernels, option: "--soft-tissue-kernels") }
        if let sharpKernels { policy.sharpKernelKeywords = try Self.words(sharpKernels, option: "--sharp-kernels") }
        if let reformatWords { policy.reformatDescriptionKeywords = try Self.words(reformatWords, option: "--reformat-words") }
        guard let thickness = DiagnosticSeriesPolicy.ThicknessPreference(parsing: seriesThickness) else {
            throw ValidationError("--series-thickness \(seriesThickness): give thickest, thinnest or a thickness in mm above 0, e.g. 3")
        }
        policy.thickness = thickness
        return policy
    }

    /// Comma-separated words of letters and digits, upper-cased; "" for none.
    static func words(_ text: String, option: String) throws -> [String] {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        let words = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        guard words.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber } }) else {
            throw ValidationError("\(option) \(text): give words of letters and digits separated by commas, e.g. B30,STANDARD")
        }
        return words
    }
}
