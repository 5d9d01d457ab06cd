/// Rules for naming an event's diagnostic axial series (the one whose pixels give the exam's size and
/// noise). Keywords match case-insensitively on the alphanumeric tokens of the kernel or description:
/// a keyword of one or two characters must equal a token (Philips "B", "YC"), a longer one must start a
/// token ("B30" matches "B30f", "BONE" matches "BONEPLUS").
public struct DiagnosticSeriesPolicy: Sendable, Equatable, CustomStringConvertible {
    public var softTissueKernelKeywords: [String]
    public var sharpKernelKeywords: [String]
    /// Descriptions marking reformats or non-diagnostic series, ranked below all others.
    public var reformatDescriptionKeywords: [String]
    /// Series with fewer images are not considered (a single image is not a scan).
    public var minimumNumberOfImages: Int
    /// Which slice thickness is preferred among otherwise equal series.
    public var thickness: ThicknessPreference = .thickest

    /// The slice thickness preferred: the standard reconstruction is usually the thickest; a site that
    /// compares noise at one thickness names it (the series nearest to it is taken).
    public enum ThicknessPreference: Sendable, Equatable, CustomStringConvertible {
        case thickest, thinnest
        case nearest(millimeters: Double)

        /// "thickest", "thinnest" or a thickness in millimetres ("3", "2.5").
        public init?(parsing text: String) {
            switch text.lowercased() {
            case "thickest": self = .thickest
            case "thinnest": self = .thinnest
            default:
                guard let millimeters = Double(text), millimeters.isFinite, millimeters > 0 else { return nil }
                self = .nearest(millimeters: millimeters)
            }
        }

        public var description: String {
            switch self {
            case .thickest: "thickest"
            case .thinnest: "thinnest"
            case .nearest(let millimeters): "nearest to \(millimeters) mm"
            }
        }

        /// Larger is preferred; a series without Slice Thickness comes last.
        func score(_ thickness: Double?) -> Double {
            guard let thickness else { return -.infinity }
            switch self {
            case .thickest: return thickness
            case .thinnest: return -thickness
            case .nearest(let millimeters): return -abs(thickness - millimeters)
            }
        }
    }

    public init(
        softTissueKernelKeywords: [String] = DiagnosticSeriesPolicy.defaultSoftTissueKernelKeywords,
        sharpKernelKeywords: [String] = DiagnosticSeriesPolicy.defaultSharpKernelKeywords,
        reformatDescriptionKeywords: [String] = DiagnosticSeriesPolicy.defaultReformatDescriptionKeywords,
        minimumNumberOfImages: Int = 1,
        thickness: ThicknessPreference = .thickest
    ) {
        self.softTissueKernelKeywords = softTissueKernelKeywords
        self.sharpKernelKeywords = sharpKernelKeywords
        self.reformatDescriptionKeywords = reformatDescriptionKeywords
        self.minimumNumberOfImages = minimumNumberOfImages
        self.thickness = thickness
    }

    /// The policy in words, as a scan records it.
    public var description: String {
        "soft-tissue kernels \(softTissueKernelKeywords.joined(separator: ",")); sharp kernels \(sharpKernelKeywords.joined(separator: ",")); "
            + "reformat words \(reformatDescriptionKeywords.joined(separator: ",")); at least \(minimumNumberOfImages) images; \(thickness) slices"
    }

    public static let defaultReformatDescriptionKeywords = [
        "MIP", "MPR", "MINIP", "VRT", "REFORMAT", "CORONAL", "SAGITTAL", "LOCALIZER", "SCOUT", "TOPOGRAM", "DOSE",
    ]

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
    /// original, then not a reformat, then kernel (soft tissue > unrecognised > sharp), then the slice
    /// thickness preferred (`thickness`: thicker by default), then more images, then the smaller UID.
    public func choose(_ candidates: [SeriesSummary]) -> (series: SeriesSummary, reason: String)? {
        let qualifying = candidates.filter { $0.isAxial && !$0.isLocalizer && $0.imageCount >= minimumNumberOfImages }
        func key(_ s: SeriesSummary) -> (Int, Int, Int, Double, Int) {
            (s.isOriginal ? 1 : 0, Self.matches(s.seriesDescription ?? "", reformatDescriptionKeywords) ? 0 : 1,
             kernelClass(s.convolutionKernel).rawValue, thickness.score(s.sliceThicknessMillimeters), s.imageCount)
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
                     (best.sliceThicknessMillimeters.map { "\($0) mm slices" } ?? "unknown thickness")
                        + (thickness == .thickest ? "" : " (\(thickness) preferred)"), "\(best.imageCount) images"]
        return (best, parts.joined(separator: ", ") + "; \(qualifying.count) of \(candidates.count) linked series qualified")
    }
}
