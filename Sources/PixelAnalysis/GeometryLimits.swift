/// What the pixel algorithms accept from image headers. A corrupt header (Pixel Spacing 1e−300 mm, a
/// localizer origin 1e300 mm away) must give a clear error or no value, never a trap in a size or
/// index computation: one bad file may not stop a batch.
public enum GeometryLimits {
    /// Pixel spacings ctdose measures on. CT images are about 0.1–2 mm, localizers up to a few mm;
    /// anything outside this range is a corrupt header, on which kernel sizes and margins mean nothing.
    public static let measurableSpacingMillimeters: ClosedRange<Double> = 0.01...50

    /// Nil when every spacing is measurable, else the reason, naming the attribute.
    public static func spacingProblem(_ spacing: [Double]) -> String? {
        guard spacing.allSatisfy(measurableSpacingMillimeters.contains) else {
            return "Pixel Spacing (0028,0030) \(spacing.map { "\($0)" }.joined(separator: "\\")) mm is outside the measurable "
                + "\(measurableSpacingMillimeters.lowerBound)–\(measurableSpacingMillimeters.upperBound) mm"
        }
        return nil
    }
}

extension Int {
    /// `value` rounded to the nearest integer and clamped to `range` (NaN gives the lower bound), for
    /// pixel counts derived from header geometry, where `Int(_:)` would trap on a corrupt value.
    public init(rounding value: Double, clampedTo range: ClosedRange<Int>) {
        if !(value > Double(range.lowerBound)) {
            self = range.lowerBound
        } else if value >= Double(range.upperBound) {
            self = range.upperBound
        } else {
            self = Swift.min(range.upperBound, Swift.max(range.lowerBound, Int(value.rounded())))
        }
    }
}
