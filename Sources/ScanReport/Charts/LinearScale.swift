import Foundation

/// Maps a data interval onto a pixel interval, with "nice" tick values (1, 2, 2.5 or 5 × 10ⁿ steps).
public struct LinearScale: Sendable, Equatable {
    public var domainLow: Double
    public var domainHigh: Double
    public var rangeLow: Double
    public var rangeHigh: Double

    public init(domain: ClosedRange<Double>, range: (Double, Double)) {
        domainLow = domain.lowerBound
        domainHigh = domain.upperBound > domain.lowerBound ? domain.upperBound : domain.lowerBound + 1
        rangeLow = range.0
        rangeHigh = range.1
    }

    /// A scale whose domain covers the values (and `including`, e.g. a threshold) widened to nice ticks.
    public static func fitting(_ values: [Double], including extra: [Double] = [], range: (Double, Double), zeroBased: Bool = false) -> LinearScale {
        // Within ±1e300, so that differences stay finite (a header number may be ±1.8e308).
        let all = (values + extra).filter(\.isFinite).map { Swift.min(Swift.max($0, -1e300), 1e300) }
        var low = all.min() ?? 0
        var high = all.max() ?? 1
        if zeroBased { low = min(0, low) }
        if high - low < 1e-9 {
            let pad = max(abs(high) * 0.1, 1)
            low -= pad
            high += pad
        }
        let step = niceStep((high - low) / 5)
        low = (low / step).rounded(.down) * step
        high = (high / step).rounded(.up) * step
        return LinearScale(domain: low...high, range: range)
    }

    public func callAsFunction(_ value: Double) -> Double {
        rangeLow + (value - domainLow) / (domainHigh - domainLow) * (rangeHigh - rangeLow)
    }

    /// Tick values inside the domain, about `count` of them.
    public func ticks(count: Int = 5) -> [Double] {
        let step = Self.niceStep((domainHigh - domainLow) / Double(max(count, 1)))
        var value = (domainLow / step).rounded(.up) * step
        var ticks: [Double] = []
        // Bounded: a step too small to move a value as large as the domain's would never end the loop.
        while value <= domainHigh + step * 1e-9, ticks.count <= 4 * max(count, 1) {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            let next = value + step
            if next == value { break }
            value = next
        }
        return ticks
    }

    /// The smallest of 1, 2, 2.5, 5, 10 × 10ⁿ at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        for factor in [1, 2, 2.5, 5, 10] where factor * magnitude >= rough * (1 - 1e-12) { return factor * magnitude }
        return 10 * magnitude
    }

    /// Tick label: no more decimals than the step needs.
    public static func label(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e12 { return String(Int64(value)) }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
