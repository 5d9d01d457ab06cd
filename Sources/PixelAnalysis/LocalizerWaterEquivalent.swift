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
        }.sorted()
        guard ratios.count >= minimumSlices else { return .failure(.tooFewSlices(ratios.count)) }
        let median = ratios.count % 2 == 1
            ? ratios[ratios.count / 2] : (ratios[ratios.count / 2 - 1] + ratios[ratios.count / 2]) / 2
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        let variance = ratios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(ratios.count - 1)
        let spread = variance.squareRoot() / mean
        guard spread <= maximumSpread else { return .failure(.spread(spread, slices: ratios.count)) }
        return .success(LocalizerCalibration(areaPerProfileIntegral: median, sliceCount: ratios.count, spread: spread))
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

extension LocalizerMeasurement {
    /// `measure(_:atZ:)`, with the water-equivalent diameter at `z` calibrated on the localizer rows at
    /// the z of each non-truncated axial slice of `slices` (or the reason there is none).
    public static func measure(_ image: LocalizerImage, atZ z: Double, calibratingOn slices: [SliceSize]) -> LocalizerSize? {
        guard var size = measure(image, atZ: z) else { return nil }
        let pairs = slices.filter { !$0.truncated }.compactMap { slice -> LocalizerWaterEquivalent.Pair? in
            guard let integral = measure(image, atZ: slice.zMillimeters)?.profileIntegral else { return nil }
            return .init(waterEquivalentDiameterCentimeters: slice.waterEquivalentDiameterCentimeters, profileIntegral: integral)
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
