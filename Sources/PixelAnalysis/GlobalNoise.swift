import Foundation

/// Parameters of the global-noise measurement, recorded with every result.
public struct GlobalNoiseSettings: Sendable, Equatable, Codable {
    /// Side of the square local-SD kernel (Christianson et al. 2015: ~6 mm).
    public var kernelMillimeters: Double = 6
    /// Soft-tissue window for the tissue method ([U] in the literature: 0–100, 0–150, −300–100 HU).
    public var tissueWindowHounsfield: ClosedRange<Float> = 0...100
    /// Air outside the patient for the Wisconsin-style air method.
    public var airBelowHounsfield: Float = -900
    /// Histogram bin width of the local SDs (HU).
    public var binHounsfield: Double = 0.1
    /// Local SDs above this are not histogrammed (edges).
    public var maximumStandardDeviationHounsfield: Double = 250

    public init() {}

    /// Odd kernel side in pixels nearest to `kernelMillimeters` (at least 3).
    public func kernelPixels(spacingMillimeters: Double) -> Int {
        let raw = Int((kernelMillimeters / spacingMillimeters).rounded())
        return max(3, raw % 2 == 0 ? raw + 1 : raw)
    }

    /// A one-line description for outputs, e.g. "tissue mode [0,100] HU, 7 px (6.0 mm) kernel, 0.1 HU bins".
    public func description(kernelPixels: Int, spacingMillimeters: Double) -> String {
        String(format: "local-SD mode (Christianson 2015): tissue [%g,%g] HU, air < %g HU, %d px (%.1f mm) kernel, %g HU bins",
               Double(tissueWindowHounsfield.lowerBound), Double(tissueWindowHounsfield.upperBound), Double(airBelowHounsfield),
               kernelPixels, Double(kernelPixels) * spacingMillimeters, binHounsfield)
    }
}

/// Noise of one slice: the mode of the local-SD histogram in soft tissue inside the patient and in
/// air outside it (nil when too few pixels qualify).
public struct SliceNoise: Sendable, Equatable, Codable {
    public var tissueHounsfield: Double?
    public var airHounsfield: Double?
    public var tissuePixels: Int
    public var airPixels: Int
    public var kernelPixels: Int
}

/// Global noise after Christianson et al. (AJR 2015): local standard deviation in a square kernel,
/// histogram of the local SDs, mode per image; the series value is the mean of the image modes.
/// Local sums come from summed-area tables, so the cost per slice is O(pixels) for any kernel.
public enum GlobalNoise {
    /// Fewer qualifying pixels than this give no value for a slice.
    static let minimumPixels = 50

    public static func measure(_ slice: AxialSlice, body: BinaryMask, settings: GlobalNoiseSettings = GlobalNoiseSettings()) -> SliceNoise {
        let spacing = min(slice.rowSpacingMillimeters, slice.columnSpacingMillimeters)
        let kernel = settings.kernelPixels(spacingMillimeters: spacing)
        let radius = kernel / 2
        let columns = slice.columns, rows = slice.rows
        let hu = slice.hounsfieldUnits
        let sum = BoxSum(rows: rows, columns: columns) { hu[$0].isNaN ? 0 : Double(hu[$0]) }
        let squares = BoxSum(rows: rows, columns: columns) { hu[$0].isNaN ? 0 : Double(hu[$0]) * Double(hu[$0]) }
        // Windows must lie wholly in one region: inside the patient (tissue) or in air outside it.
        let insideBody = BoxSum(rows: rows, columns: columns) { body.pixels[$0] ? 1 : 0 }
        let air = BoxSum(rows: rows, columns: columns) { p in
            !body.pixels[p] && slice.isInField(p / columns, p % columns) && hu[p] < settings.airBelowHounsfield ? 1 : 0
        }
        let full = Double(kernel * kernel)
        var tissue = Histogram(bin: settings.binHounsfield, maximum: settings.maximumStandardDeviationHounsfield)
        var outside = Histogram(bin: settings.binHounsfield, maximum: settings.maximumStandardDeviationHounsfield)
        for r in radius..<(rows - radius) {
            for c in radius..<(columns - radius) {
                let p = r * columns + c
                let value = hu[p]
                let isTissue = body.pixels[p] && settings.tissueWindowHounsfield.contains(value)
                let isAir = !body.pixels[p] && value < settings.airBelowHounsfield
                guard isTissue || isAir else { continue }
                let inRegion = isTissue ? insideBody.sum(row: r, column: c, radius: radius) : air.sum(row: r, column: c, radius: radius)
                guard inRegion == full else { continue }
                let s = sum.sum(row: r, column: c, radius: radius)
                let s2 = squares.sum(row: r, column: c, radius: radius)
                let variance = max(0, (s2 - s * s / full) / (full - 1))
                if isTissue { tissue.add(variance.squareRoot()) } else { outside.add(variance.squareRoot()) }
            }
        }
        return SliceNoise(
            tissueHounsfield: tissue.count >= minimumPixels ? tissue.mode() : nil,
            airHounsfield: outside.count >= minimumPixels ? outside.mode() : nil,
            tissuePixels: tissue.count, airPixels: outside.count, kernelPixels: kernel)
    }
}

/// Fixed-width histogram from 0 to `maximum`; the mode is the centre of the fullest bin.
struct Histogram {
    let bin: Double
    var counts: [Int]
    private(set) var count = 0

    init(bin: Double, maximum: Double) {
        self.bin = bin
        counts = [Int](repeating: 0, count: Int((maximum / bin).rounded(.up)) + 1)
    }

    mutating func add(_ value: Double) {
        let index = Int(value / bin)
        guard index >= 0, index < counts.count else { return }
        counts[index] += 1
        count += 1
    }

    /// Centre of the fullest bin after a ±`smoothingBins` moving average (the raw 0.1 HU histogram
    /// is too ragged for a stable mode; ../shared/reference/cms1074.md §9.1 recommends a smoothed mode).
    func mode(smoothingBins: Int = 2) -> Double? {
        guard count > 0 else { return nil }
        var best = 0
        var bestSum = -1
        var window = counts.prefix(smoothingBins).reduce(0, +)
        for i in counts.indices {
            if i + smoothingBins < counts.count { window += counts[i + smoothingBins] }
            if i - smoothingBins - 1 >= 0 { window -= counts[i - smoothingBins - 1] }
            if window > bestSum { bestSum = window; best = i }
        }
        return (Double(best) + 0.5) * bin
    }
}
