/// Five-number summary of a sample: minimum, quartiles (linear interpolation between order
/// statistics, the "type 7" definition of R and NumPy), maximum.
public struct DistributionSummary: Sendable, Equatable {
    public var count: Int
    public var minimum: Double
    public var lowerQuartile: Double
    public var median: Double
    public var upperQuartile: Double
    public var maximum: Double

    public var interquartileRange: Double { upperQuartile - lowerQuartile }

    /// nil for an empty sample; non-finite values are ignored.
    public init?(_ values: [Double]) {
        let sorted = values.filter(\.isFinite).sorted()
        guard let first = sorted.first, let last = sorted.last else { return nil }
        count = sorted.count
        minimum = first
        maximum = last
        lowerQuartile = Self.quantile(sorted, 0.25)
        median = Self.quantile(sorted, 0.5)
        upperQuartile = Self.quantile(sorted, 0.75)
    }

    /// Quantile p of an ascending, non-empty sample: h = (n − 1)·p, interpolated between ⌊h⌋ and ⌈h⌉.
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let low = Int(h.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }
}
