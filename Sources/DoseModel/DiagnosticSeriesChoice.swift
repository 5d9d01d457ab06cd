/// Rules for naming an event's diagnostic axial series (the one whose pixels give the exam's size and
/// noise). Keywords match case-insensitively on the alphanumeric tokens of the kernel or description:
/// a keyword of one or two characters must equal a token (Philips "B", "YC"), a longer one must start a
/// token ("B30" matches "B30f", "BONE" matches "BONEPLUS").
public struct DiagnosticSeriesPolicy: Sendable, Equatable {
    public var softTissueKernelKeywords: [String]
    public var sharpKernelKeywords: [String]
    /// Descriptions marking reformats or non-diagnostic series, ranked below all others.
    public var reformatDescriptionKeywords: [String]
    /// Series with fewer images are not considered (a single image is not a scan).
    public var minimumNumberOfImages: Int

    public init(
        softTissueKernelKeywords: [String] = DiagnosticSeriesPolicy.defaultSoftTissueKernelKeywords,
        sharpKernelKeywords: [String] = DiagnosticSeriesPolicy.defaultSharpKernelKeywords,
        reformatDescriptionKeywords: [String] = ["MIP", "MPR", "MINIP", "VRT", "REFORMAT", "CORONAL", "SAGITTAL", "LOCALIZER", "SCOUT", "TOPOGRAM", "DOSE"],
        minimumNumberOfImages: Int = 1
    ) {
        self.softTissueKernelKeywords = softTissueKernelKeywords
        self.sharpKernelKeywords = sharpKernelKeywords
        self.reformatDescriptionKeywords = reformatDescriptionKeywords
        self.minimumNumberOfImages = minimumNumberOfImages
    }

    /// GE STANDARD/SOFT, Siemens B/Br/Bf/I/Qr 20–41, Canon FC01–FC18, Philips A–C.
    public static let defaultSoftTissueKernelKeywords = [
        "STANDARD", "STND", "SOFT", "B20", "B26", "B30", "B31", "B35", "B40", "B41", "BR36", "BR38", "BR40",
        "BF37", "BF40", "I30", "I31", "I40", "I41", "QR36", "QR40", "FC01", "FC02", "FC03", "FC04", "FC07",
        "FC08", "FC10", "FC11", "FC12", "FC13", "FC14", "FC17", "FC18", "A", "B", "C", "UB",
    ]
    /// Lung, bone and edge-enhancing kernels.
    public static let defaultSharpKernelKeywords = [
        "LUNG", "BONE", "SHARP", "EDGE", "DETAIL", "HIGHRES", "ULTRA", "B50", "B60", "B70", "B75", "B80",
        "BR54", "BR60", "BR64", "BR69", "BL57", "BL64", "I50", "I70", "FC30", "FC35", "FC50", "FC51", "FC52",
        "FC55", "FC86", "D", "E", "L", "YA", "YB", "YC", "YD", "YE",
    ]

    public enum KernelClass: Int, Sendable, Comparable {
        case sharp = 0, unrecognised = 1, softTissue = 2
        public static func < (a: KernelClass, b: KernelClass) -> Bool { a.rawValue < b.rawValue }
    }

    public func kernelClass(_ kernel: String?) -> KernelClass {
        guard let kernel else { return .unrecognised }
        if Self.matches(kernel, sharpKernelKeywords) { return .sharp }
        if Self.matches(kernel, softTissueKernelKeywords) { return .softTissue }
        return .unrecognised
    }

    static func matches(_ text: String, _ keywords: [String]) -> Bool {
        let tokens = text.uppercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        return keywords.contains { keyword in
            let key = keyword.uppercased()
            return tokens.contains { key.count <= 2 ? $0 == key : $0.hasPrefix(key) }
        }
    }

    /// The best axial, non-localizer series among `candidates` with the reason, or nil. Ranked by
    /// original, then not a reformat, then kernel (soft tissue > unrecognised > sharp), then thicker
    /// slices, then more images, then the smaller UID.
    public func choose(_ candidates: [SeriesSummary]) -> (series: SeriesSummary, reason: String)? {
        let qualifying = candidates.filter { $0.isAxial && !$0.isLocalizer && $0.imageCount >= minimumNumberOfImages }
        func key(_ s: SeriesSummary) -> (Int, Int, Int, Double, Int) {
            (s.isOriginal ? 1 : 0, Self.matches(s.seriesDescription ?? "", reformatDescriptionKeywords) ? 0 : 1,
             kernelClass(s.convolutionKernel).rawValue, s.sliceThicknessMillimeters ?? -1, s.imageCount)
        }
        guard let best = qualifying.max(by: { key($0) != key($1) ? key($0) < key($1) : $0.seriesInstanceUID > $1.seriesInstanceUID })
        else { return nil }
        let kernel = best.convolutionKernel.map { "'\($0)'" } ?? "unknown"
        let kernelText: String
        switch kernelClass(best.convolutionKernel) {
        case .softTissue: kernelText = "soft-tissue kernel \(kernel)"
        case .unrecognised: kernelText = "kernel \(kernel) not classified"
        case .sharp: kernelText = "sharp kernel \(kernel) (no soft-tissue alternative)"
        }
        let parts = [best.isOriginal ? "original" : "derived (no original axial series)", "axial", kernelText,
                     best.sliceThicknessMillimeters.map { "\($0) mm slices" } ?? "unknown thickness", "\(best.imageCount) images"]
        return (best, parts.joined(separator: ", ") + "; \(qualifying.count) of \(candidates.count) linked series qualified")
    }
}
