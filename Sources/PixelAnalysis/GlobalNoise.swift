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
        let raw = Int(rounding: kernelMillimeters / spacingMillimeters, clampedTo: 3...1_001)
        return raw % 2 == 0 ? raw + 1 : raw
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
        measure(slice, body: body, inField: slice.fieldMask(), settings: settings)
    }

    /// As above, with the slice's field mask already computed (the segmentation has it).
    public static func measure(_ slice: AxialSlice, outline: PatientOutline, settings: GlobalNoiseSettings = GlobalNoiseSettings()) -> SliceNoise {
        measure(slice, body: outline.body, inField: outline.inField, settings: settings)
    }

    static func measure(_ slice: AxialSlice, body: BinaryMask, inField: [Bool], settings: GlobalNoiseSettings) -> SliceNoise {
        let spacing = min(slice.rowSpacingMillimeters, slice.columnSpacingMillimeters)
        let kernel = settings.kernelPixels(spacingMillimeters: spacing)
        let radius = kernel / 2
        let columns = slice.columns, rows = slice.rows
        var tissue = Histogram(bin: settings.binHounsfield, maximum: settings.maximumStandardDeviationHounsfield)
        var outside = Histogram(bin: settings.binHounsfield, maximum: settings.maximumStandardDeviationHounsfield)
        guard rows > kernel, columns > kernel else {
            return SliceNoise(tissueHounsfield: nil, airHounsfield: nil, tissuePixels: 0, airPixels: 0, kernelPixels: kernel)
        }
        // Region of each pixel: 1 patient, 2 air outside the patient (in the field, below the air
        // threshold), 0 neither. A window counts only when all its pixels share the centre's region.
        let count = rows * columns
        var region = [UInt8](repeating: 0, count: count)
        let airBelow = settings.airBelowHounsfield
        body.withBytes { inBody in
            inField.withUnsafeBufferPointer { fieldBools in
                fieldBools.withMemoryRebound(to: UInt8.self) { field in
                    slice.hounsfieldUnits.withUnsafeBufferPointer { values in
                        region.withUnsafeMutableBufferPointer { out in
                            // Branch-free on 0/1 bytes: 1 in the body, else 2 for field air.
                            for p in 0..<count {
                                let air = field[p] & (values[p] < airBelow ? 1 : 0) & ~inBody[p]
                                out[p] = inBody[p] | air << 1
                            }
                        }
                    }
                }
            }
        }
        let summedInIntegers = IntegerWindowSums.forEachInteriorWindow(
            rows: rows, columns: columns, radius: radius, values: slice.hounsfieldUnits, region: region,
            tissueWindow: settings.tissueWindowHounsfield, tissue: &tissue, air: &outside)
        if !summedInIntegers {
            LocalWindowSums.forEachInteriorWindow(
                rows: rows, columns: columns, radius: radius, values: slice.hounsfieldUnits, region: region,
                tissueWindow: settings.tissueWindowHounsfield, tissue: &tissue, air: &outside)
        }
        return SliceNoise(
            tissueHounsfield: tissue.count >= minimumPixels ? tissue.mode() : nil,
            airHounsfield: outside.count >= minimumPixels ? outside.mode() : nil,
            tissuePixels: tissue.count, airPixels: outside.count, kernelPixels: kernel)
    }
}

/// Sums of HU, HU² and the region counts over every interior (2r+1)² window, in one sweep down the
/// image: per column, running sums over the window's rows (one row added, one removed per step), then
/// along the row, prefix sums of those column sums (a window is a difference of two prefixes).
enum LocalWindowSums {
    /// Adds the local SD of every qualifying interior pixel to `tissue` (region 1, value in the window)
    /// or `air` (region 2), when its whole window lies in the centre's region.
    static func forEachInteriorWindow(
        rows: Int, columns: Int, radius: Int, values: [Float], region: [UInt8], tissueWindow: ClosedRange<Float>,
        tissue: inout Histogram, air: inout Histogram
    ) {
        let kernel = 2 * radius + 1
        let full = Double(kernel * kernel)
        // Region counts packed in one integer: patient pixels + (air pixels << 32).
        let patientFull = Int64(kernel * kernel), airFull = Int64(kernel * kernel) << 32
        let sum = Scratch<Double>(columns), square = Scratch<Double>(columns), counts = Scratch<Int64>(columns)
        let prefixSum = Scratch<Double>(columns + 1), prefixSquare = Scratch<Double>(columns + 1)
        let prefixCount = Scratch<Int64>(columns + 1), qualifyingColumns = Scratch<Int>(columns)
        let tissueBins = Scratch<Int>(tissue.counts.count), airBins = Scratch<Int>(air.counts.count)
        defer { for s in [sum, square, prefixSum, prefixSquare] { s.free() }; counts.free(); prefixCount.free(); qualifyingColumns.free(); tissueBins.free(); airBins.free() }
        let low = tissueWindow.lowerBound, high = tissueWindow.upperBound
        let binCount = tissue.counts.count
        let sdBins = StandardDeviationBins(windowPixels: kernel * kernel, bin: tissue.bin, binCount: binCount)
        var tissueAdded = 0, airAdded = 0
        // Region 1 → 1, region 2 → 1 << 32 (branch-free, so the column updates vectorize).
        @inline(__always) func regionCount(_ k: UInt8) -> Int64 { Int64(k & 1) | (Int64(k >> 1) << 32) }
        @inline(__always) func finite(_ v: Float) -> Double { v.isNaN ? 0 : Double(v) }
        values.withUnsafeBufferPointer { huBuffer in
            region.withUnsafeBufferPointer { kindBuffer in
                let hu = huBuffer.baseAddress!, kind = kindBuffer.baseAddress!
                let sum = sum.base, square = square.base, counts = counts.base
                let pSum = prefixSum.base, pSquare = prefixSquare.base, pCount = prefixCount.base
                let tissueBins = tissueBins.base, airBins = airBins.base, qualifying = qualifyingColumns.base
                for r in 0..<kernel {
                    let values = hu + r * columns, kinds = kind + r * columns
                    for c in 0..<columns {
                        let v = finite(values[c])
                        sum[c] += v
                        square[c] += v * v
                    }
                    for c in 0..<columns { counts[c] &+= regionCount(kinds[c]) }
                }
                for r in radius..<(rows - radius) {
                    if r > radius {
                        let entering = hu + (r + radius) * columns, leaving = hu + (r - radius - 1) * columns
                        for c in 0..<columns {
                            let a = finite(entering[c]), b = finite(leaving[c])
                            sum[c] += a - b
                            square[c] += a * a - b * b
                        }
                        let kindsIn = kind + (r + radius) * columns, kindsOut = kind + (r - radius - 1) * columns
                        for c in 0..<columns { counts[c] &+= regionCount(kindsIn[c]) &- regionCount(kindsOut[c]) }
                    }
                    var s = 0.0, s2 = 0.0, n: Int64 = 0
                    for c in 0..<columns {
                        s += sum[c]; s2 += square[c]; n &+= counts[c]
                        pSum[c + 1] = s; pSquare[c + 1] = s2; pCount[c + 1] = n
                    }
                    // First the pixels that qualify (branch-free: their region fills the window and,
                    // for tissue, the value is in the window), then their SDs in a straight loop.
                    let base = r * columns
                    var found = 0
                    for c in radius..<(columns - radius) {
                        let k = kind[base + c], value = hu[base + c]
                        let inWindow = pCount[c + radius + 1] &- pCount[c - radius]
                        let needed = k == 1 ? patientFull : (k == 2 ? airFull : -1)
                        let valueFits = k != 1 || (value >= low && value <= high)
                        qualifying[found] = c
                        found &+= inWindow == needed && valueFits ? 1 : 0
                    }
                    for i in 0..<found {
                        let c = qualifying[i]
                        let ws = pSum[c + radius + 1] - pSum[c - radius]
                        let ws2 = pSquare[c + radius + 1] - pSquare[c - radius]
                        let index = sdBins.index(spread: full * ws2 - ws * ws)
                        guard index < binCount else { continue }
                        if kind[base + c] == 1 { tissueBins[index] += 1; tissueAdded += 1 } else { airBins[index] += 1; airAdded += 1 }
                    }
                }
            }
        }
        for i in 0..<binCount { tissue.counts[i] += tissueBins.base[i]; air.counts[i] += airBins.base[i] }
        tissue.count += tissueAdded
        air.count += airAdded
    }
}

/// A zeroed, manually freed buffer for hot loops (no bounds or uniqueness checks).
struct Scratch<Element: Numeric> {
    let base: UnsafeMutablePointer<Element>
    init(_ count: Int) {
        base = .allocate(capacity: max(1, count))
        base.initialize(repeating: 0, count: max(1, count))
    }
    func free() { base.deallocate() }
}

/// Fixed-width histogram from 0 to `maximum`; the mode is the centre of the fullest bin.
struct Histogram {
    let bin: Double
    var counts: [Int]
    var count = 0

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
