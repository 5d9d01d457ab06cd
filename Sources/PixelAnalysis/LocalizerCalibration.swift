import Foundation

/// Water-equivalent diameter from a CT localizer, calibrated on the axial slices of the same exam.
///
/// A localizer pixel holds (after the vendor's logarithm) the attenuation along its ray, so a row's
/// values above the air background, summed across the patient and multiplied by the pixel width, are
/// proportional to the water-equivalent area Aw of that cross-section (AAPM Report 220 describes
/// localizer-based Dw from a calibration of localizer values to water-equivalent area;
/// ../shared/reference/cms1074.md §6.2). The vendor's scale is unknown [U], so each exam calibrates
/// its own: at the z of every axial slice whose Dw was measured and is not truncated, the ratio of
/// that slice's Aw to the localizer row's profile integral. Their median converts the row at the
/// mid-scan z, where the axial slice is missing or truncated, into Aw and Dw = 2√(Aw/π). The ratios'
/// spread is reported: a table under the patient or beam hardening makes it grow; above
/// `maximumSpread` no diameter is given.
public struct LocalizerCalibration: Sendable, Equatable, Codable {
    /// Median of the slices' water-equivalent area per unit of profile integral (mm² per value·mm).
    public var areaPerProfileIntegral: Double
    /// Axial slices the calibration used.
    public var sliceCount: Int
    /// Coefficient of variation of the slices' ratios (0.02 = 2 %).
    public var spread: Double

    /// A one-line description for outputs.
    public var description: String {
        String(format: "localizer profile integral calibrated on %d non-truncated axial slices (ratio spread %.1f %%)",
               sliceCount, spread * 100)
    }
}

public enum LocalizerWaterEquivalent {
    /// Fewer calibration slices than this give no calibration.
    public static let minimumSlices = 3
    /// A larger spread of the slices' ratios gives no calibration [U]: ctdose's own limit.
    public static let maximumSpread = 0.10

    /// One axial slice: its measured water-equivalent diameter and the localizer's profile integral
    /// at its z.
    public struct Pair: Sendable, Equatable {
        public var waterEquivalentDiameterCentimeters: Double
        public var profileIntegral: Double
        public init(waterEquivalentDiameterCentimeters: Double, profileIntegral: Double) {
            self.waterEquivalentDiameterCentimeters = waterEquivalentDiameterCentimeters
            self.profileIntegral = profileIntegral
        }
    }

    /// The calibration, or why there is none.
    public static func calibrate(_ pairs: [Pair]) -> Result<LocalizerCalibration, Refusal> {
        let ratios = pairs.compactMap { pair -> Double? in
            let dw = pair.waterEquivalentDiameterCentimeters * 10
            guard dw.isFinite, dw > 0, pair.profileIntegral.isFinite, pair.profileIntegral > 0 else { return nil }
            return Double.pi * dw * dw / 4 / pair.profileIntegral
        }
        guard let statistics = RatioStatistics(ratios) else { return .failure(.tooFewSlices(ratios.count)) }
        guard statistics.spread <= maximumSpread else { return .failure(.spread(statistics.spread, slices: ratios.count)) }
        return .success(LocalizerCalibration(areaPerProfileIntegral: statistics.median, sliceCount: ratios.count, spread: statistics.spread))
    }

    /// Dw (cm) of a localizer row with this profile integral; nil when it is not positive or the
    /// diameter would not be a finite number (a corrupt localizer).
    public static func diameterCentimeters(profileIntegral: Double, calibration: LocalizerCalibration) -> Double? {
        guard profileIntegral.isFinite, profileIntegral > 0 else { return nil }
        let areaSquareMillimeters = calibration.areaPerProfileIntegral * profileIntegral
        let diameter = 2 * (areaSquareMillimeters / Double.pi).squareRoot() / 10
        return diameter.isFinite ? diameter : nil
    }

    /// Why a localizer gives no water-equivalent diameter.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case tooFewSlices(Int)
        case spread(Double, slices: Int)

        public var description: String {
            switch self {
            case .tooFewSlices(let count):
                return "no localizer Dw: \(count) non-truncated axial slice(s) with Dw on the localizer, \(LocalizerWaterEquivalent.minimumSlices) needed"
            case .spread(let spread, let slices):
                return String(format: "no localizer Dw: the %d calibration slices' ratios spread %.1f %% (more than %.0f %%)",
                              slices, spread * 100, LocalizerWaterEquivalent.maximumSpread * 100)
            }
        }
    }
}

/// The localizer width checked against, and scaled to, the exam's axial slices: at the z of every
/// non-truncated axial slice, the ratio of the localizer width to that slice's LAT (frontal localizer)
/// or AP (lateral). Their median is the localizer's magnification at the patient (the table height and
/// the tube side, which the header does not give, included) and the width at the mid-scan z is divided
/// by it. A median outside `agreement` means the localizer does not show what the slices show (a
/// display-processed image, a phantom shell): its width is then not used.
public enum LocalizerWidthScaling {
    /// Median ratios inside this range are a magnification [U]: ctdose's own limits.
    public static let agreement: ClosedRange<Double> = 0.8...1.25

    public struct Scale: Sendable, Equatable {
        public var ratio: Double
        public var sliceCount: Int
        public var spread: Double
    }

    public enum Outcome: Sendable, Equatable {
        case scale(Scale)
        /// The median ratio lies outside `agreement`.
        case disagrees(ratio: Double, slices: Int)
        /// Too few slices or too much spread to tell.
        case unchecked(String)
    }

    /// `pairs`: (localizer width, axial width) at the same z, both in cm.
    public static func check(_ pairs: [(localizer: Double, axial: Double)]) -> Outcome {
        let ratios = pairs.compactMap { pair -> Double? in
            let ratio = pair.localizer / pair.axial
            return ratio.isFinite && ratio > 0 ? ratio : nil
        }
        guard let statistics = RatioStatistics(ratios) else {
            return .unchecked("width not checked: \(ratios.count) non-truncated axial slice(s) on the localizer, \(LocalizerWaterEquivalent.minimumSlices) needed")
        }
        guard agreement.contains(statistics.median) else { return .disagrees(ratio: statistics.median, slices: ratios.count) }
        guard statistics.spread <= LocalizerWaterEquivalent.maximumSpread else {
            return .unchecked(String(format: "width not scaled: the %d slices' width ratios spread %.1f %%", ratios.count, statistics.spread * 100))
        }
        return .scale(Scale(ratio: statistics.median, sliceCount: ratios.count, spread: statistics.spread))
    }
}

/// Median and coefficient of variation of at least `LocalizerWaterEquivalent.minimumSlices` ratios.
struct RatioStatistics {
    let median: Double
    let spread: Double

    init?(_ values: [Double]) {
        guard values.count >= LocalizerWaterEquivalent.minimumSlices else { return nil }
        let sorted = values.sorted()
        let n = sorted.count
        median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        let mean = sorted.reduce(0, +) / Double(n)
        let variance = sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        spread = variance.squareRoot() / mean
    }
}

extension LocalizerMeasurement {
    /// `measure(_:atZ:)`, with the width checked against (and scaled to) the non-truncated axial slices
    /// of `slices` and the water-equivalent diameter at `z` calibrated on them (or the reasons not).
    public static func measure(_ image: LocalizerImage, atZ z: Double, calibratingOn slices: [SliceSize]) -> LocalizerSize? {
        guard var size = measure(image, atZ: z) else { return nil }
        let rows = slices.filter { !$0.truncated }.compactMap { slice in measure(image, atZ: slice.zMillimeters).map { (slice, $0) } }
        let frontal = image.projection == .frontal
        switch LocalizerWidthScaling.check(rows.map { (localizer: $0.1.widthCentimeters, axial: frontal ? $0.0.lateralCentimeters : $0.0.apCentimeters) }) {
        case .scale(let scale):
            size.unscaledWidthCentimeters = size.widthCentimeters
            size.widthCentimeters /= scale.ratio
            size.effectiveDiameterCentimeters = frontal
                ? AAPM204Conversion.fromLateral(size.widthCentimeters) : AAPM204Conversion.fromAP(size.widthCentimeters)
            size.widthAgreesWithAxialSlices = true
            size.method += String(format: "; width divided by %.3f, its median ratio to the axial %@ of %d slices (spread %.1f %%)",
                                  scale.ratio, frontal ? "LAT" : "AP", scale.sliceCount, scale.spread * 100)
        case .disagrees(let ratio, let count):
            size.widthAgreesWithAxialSlices = false
            size.method += String(format: "; not used: the width is %.2f times the axial %@ of %d slices", ratio, frontal ? "LAT" : "AP", count)
        case .unchecked(let reason):
            size.method += "; " + reason
        }
        let pairs = rows.compactMap { slice, row in
            row.profileIntegral.map { LocalizerWaterEquivalent.Pair(waterEquivalentDiameterCentimeters: slice.waterEquivalentDiameterCentimeters, profileIntegral: $0) }
        }
        switch LocalizerWaterEquivalent.calibrate(pairs) {
        case .success(let calibration):
            size.waterEquivalentDiameterCentimeters = size.profileIntegral.flatMap {
                LocalizerWaterEquivalent.diameterCentimeters(profileIntegral: $0, calibration: calibration)
            }
            size.waterEquivalentMethod = calibration.description
        case .failure(let refusal):
            size.waterEquivalentMethod = refusal.description
        }
        return size
    }
}
