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
        var region = [UInt8](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                let p = r * columns + c
                if body.pixels[p] { region[p] = 1 }
                else if inField[p] && slice.hounsfieldUnits[p] < settings.airBelowHounsfield { region[p] = 2 }
            }
        }
        let sums = WindowSums(rows: rows, columns: columns, radius: radius, values: slice.hounsfieldUnits, region: region)
        let full = Double(kernel * kernel)
        let window = settings.tissueWindowHounsfield
        for r in radius..<(rows - radius) {
            for c in radius..<(columns - radius) {
                let p = r * columns + c
                let kind = region[p]
                guard kind != 0 else { continue }
                let value = slice.hounsfieldUnits[p]
                guard kind == 2 || window.contains(value) else { continue }
                let (s, s2, patient, air) = sums.window(row: r, column: c)
                guard (kind == 1 ? patient : air) == Int32(kernel * kernel) else { continue }
                let sd = max(0, (s2 - s * s / full) / (full - 1)).squareRoot()
                if kind == 1 { tissue.add(sd) } else { outside.add(sd) }
            }
        }
        return SliceNoise(
            tissueHounsfield: tissue.count >= minimumPixels ? tissue.mode() : nil,
            airHounsfield: outside.count >= minimumPixels ? outside.mode() : nil,
            tissuePixels: tissue.count, airPixels: outside.count, kernelPixels: kernel)
    }
}

/// Summed-area tables of HU, HU² and the two region indicators, for O(1) interior-window sums.
struct WindowSums {
    let width: Int
    let radius: Int
    private var value: [Double]
    private var square: [Double]
    private var patient: [Int32]
    private var air: [Int32]

    init(rows: Int, columns: Int, radius: Int, values: [Float], region: [UInt8]) {
        width = columns + 1
        self.radius = radius
        let count = (rows + 1) * (columns + 1)
        var value = [Double](repeating: 0, count: count), square = [Double](repeating: 0, count: count)
        var patient = [Int32](repeating: 0, count: count), air = [Int32](repeating: 0, count: count)
        for r in 0..<rows {
            var v = 0.0, v2 = 0.0
            var inPatient: Int32 = 0, inAir: Int32 = 0
            for c in 0..<columns {
                let p = r * columns + c
                let hu = values[p].isNaN ? 0 : Double(values[p])
                v += hu
                v2 += hu * hu
                if region[p] == 1 { inPatient += 1 } else if region[p] == 2 { inAir += 1 }
                let above = r * width + c + 1, here = (r + 1) * width + c + 1
                value[here] = value[above] + v
                square[here] = square[above] + v2
                patient[here] = patient[above] + inPatient
                air[here] = air[above] + inAir
            }
        }
        self.value = value
        self.square = square
        self.patient = patient
        self.air = air
    }

    /// Sums over the window centred at (row, column); the window must lie inside the image.
    @inline(__always)
    func window(row: Int, column: Int) -> (Double, Double, Int32, Int32) {
        let a = (row - radius) * width + column - radius
        let b = a + 2 * radius + 1
        let c = (row + radius + 1) * width + column - radius
        let d = c + 2 * radius + 1
        return (value[d] - value[b] - value[c] + value[a], square[d] - square[b] - square[c] + square[a],
                patient[d] - patient[b] - patient[c] + patient[a], air[d] - air[b] - air[c] + air[a])
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
