/// LocalWindowSums for slices whose HU values are all whole numbers (the usual case: integer stored
/// values, slope 1), in 32-bit integer arithmetic on 16-bit values. There the Double sums of
/// LocalWindowSums are exact too (integers far below 2^53), so both give the same window sums, and the
/// SD bins, computed from them by the same formula (`StandardDeviationBins`), are identical. Integer
/// lanes are twice as many per vector as Double ones and need no NaN test per update. Which windows
/// qualify comes first, from the region map eroded by the kernel on bytes (`RegionWindows`); only along
/// the runs of qualifying centres are window sums formed, by sliding along the run.
enum IntegerWindowSums {
    /// As `LocalWindowSums.forEachInteriorWindow`; returns false (and adds nothing) when a value is not
    /// a whole number or is so large that a window's sum of squares could overflow Int32.
    static func forEachInteriorWindow(
        rows: Int, columns: Int, radius: Int, values: [Float], region: [UInt8], tissueWindow: ClosedRange<Float>,
        tissue: inout Histogram, air: inout Histogram
    ) -> Bool {
        let kernel = 2 * radius + 1, area = kernel * kernel
        let n = rows * columns
        guard rows >= kernel, columns >= kernel else { return true }
        // |v| ≤ limit keeps area · v² below 2^31: every window sum of squares fits in Int32, and every
        // value in Int16 (area ≥ 9 gives limit ≤ 15,447).
        let limit = Float(Swift.min(32_767, (Double(Int32.max) / Double(area)).squareRoot().rounded(.down)))
        let value = UnsafeMutablePointer<Int16>.allocate(capacity: max(1, n))
        defer { value.deallocate() }
        let exact = values.withUnsafeBufferPointer { hu in
            var mismatch: Int32 = 0
            for p in 0..<n {
                let raw = hu[p]
                let v = raw == raw ? raw : 0
                // Beyond ±limit (infinities too) `whole` is meaningless, but the slice is rejected.
                let whole = WholeNumber.nearest(v)
                mismatch |= Float(whole) == v && abs(v) <= limit ? 0 : 1
                value[p] = Int16(truncatingIfNeeded: whole)
            }
            return mismatch == 0
        }
        guard exact else { return false }
        // A window qualifies when all its pixels share the centre's region: the region map eroded by
        // the kernel (bitwise AND over the window; regions are the bits 1 and 2). `uniform[i]` is the
        // AND over the window whose top-left pixel is i.
        let uniform = region.withUnsafeBufferPointer { RegionWindows.uniform($0.baseAddress!, rows: rows, columns: columns, span: kernel) }
        defer { uniform.deallocate() }
        // Whole-number HU v lies in [low, high] exactly when it lies in [⌈low⌉, ⌊high⌋]; in Int16, with
        // `tissueBit` 0 when that range holds no Int16 value.
        let lowBound = tissueWindow.lowerBound.rounded(.up), highBound = tissueWindow.upperBound.rounded(.down)
        let tissueBit: UInt8 = lowBound <= 32_767 && highBound >= -32_768 && lowBound <= highBound ? 1 : 0
        let low = Int16(Swift.max(-32_768, Swift.min(32_767, lowBound))), high = Int16(Swift.max(-32_768, Swift.min(32_767, highBound)))
        let interior = columns &- 2 &* radius
        let sum = Scratch<Int32>(columns), squares = Scratch<Int32>(columns)
        let windowSum = Scratch<Int32>(columns), windowSquares = Scratch<Int32>(columns)
        let slot = Scratch<Int>(columns), qualifyingKinds = Scratch<UInt8>(columns)
        // Tissue bins, one overflow slot, air bins, one overflow slot.
        let binCount = tissue.counts.count, bins = Scratch<Int>(2 * (binCount + 1))
        defer {
            for s in [sum, squares, windowSum, windowSquares] { s.free() }
            slot.free(); bins.free(); qualifyingKinds.free()
        }
        let sdBins = StandardDeviationBins(windowPixels: area, bin: tissue.bin, binCount: binCount)
        let airBase = binCount &+ 1
        do {
            let sum = sum.base, squares = squares.base, slot = slot.base, bins = bins.base
            let dSum = windowSum.base, dSquare = windowSquares.base, kinds = qualifyingKinds.base
            for r in 0..<(kernel &- 1) {
                let v = value + r * columns
                for c in 0..<columns {
                    let a = Int32(v[c])
                    sum[c] &+= a
                    squares[c] &+= a &* a
                }
            }
            for r in radius..<(rows - radius) {
                // Column sums over rows r − radius ... r + radius: add the entering row, drop the leaving one.
                let vIn = value + (r + radius) * columns
                if r > radius {
                    let vOut = value + (r - radius - 1) * columns
                    for c in 0..<columns {
                        let a = Int32(vIn[c]), b = Int32(vOut[c])
                        sum[c] &+= a &- b
                        squares[c] &+= a &* a &- b &* b
                    }
                } else {
                    for c in 0..<columns {
                        let a = Int32(vIn[c])
                        sum[c] &+= a
                        squares[c] &+= a &* a
                    }
                }
                // Qualifying interior column j (centre column radius + j): its window is uniform, and a
                // tissue centre's value lies in the tissue window. `kinds[j]`: 1 tissue, 2 air, 0 neither.
                let windows = uniform + (r - radius) * columns, centre = value + r * columns + radius
                for j in 0..<interior {
                    let v = centre[j]
                    let inTissueWindow: UInt8 = v >= low && v <= high ? tissueBit : 0
                    kinds[j] = windows[j] & (2 | inTissueWindow)
                }
                // Runs of qualifying columns of one kind (with a kernel of 3 or more a tissue and an air
                // window never lie side by side: they would overlap), found eight bytes at a time.
                var j = 0
                while j < interior {
                    if j &+ 8 <= interior, UnsafeRawPointer(kinds + j).loadUnaligned(as: UInt64.self) == 0 { j &+= 8; continue }
                    let k = kinds[j]
                    guard k != 0 else { j &+= 1; continue }
                    let start = j
                    let same = UInt64(k) &* 0x0101_0101_0101_0101
                    j &+= 1
                    while j &+ 8 <= interior, UnsafeRawPointer(kinds + j).loadUnaligned(as: UInt64.self) == same { j &+= 8 }
                    while j < interior, kinds[j] == k { j &+= 1 }
                    // Window sums along the run: the first from its columns, then one column in, one out.
                    let length = j &- start
                    var ws: Int32 = 0, wq: Int32 = 0
                    for c in start..<(start &+ kernel) { ws &+= sum[c]; wq &+= squares[c] }
                    dSum[0] = ws; dSquare[0] = wq
                    let entering = start &+ kernel
                    for i in 1..<length {
                        ws &+= sum[entering &+ i &- 1] &- sum[start &+ i &- 1]
                        wq &+= squares[entering &+ i &- 1] &- squares[start &+ i &- 1]
                        dSum[i] = ws; dSquare[i] = wq
                    }
                    // Tissue counts from slot 0, air from slot binCount + 1. n·Σv² and (Σv)² are below 2^46: exact in Double.
                    let base = (0 &- Int(k >> 1)) & airBase
                    let full = Double(area)
                    for i in 0..<length {
                        let ws = Double(dSum[i])
                        slot[i] = base &+ sdBins.index(spread: full * Double(dSquare[i]) - ws * ws)
                    }
                    for i in 0..<length { bins[slot[i]] &+= 1 }
                }
            }
        }
        var tissueAdded = 0, airAdded = 0
        for i in 0..<binCount {
            tissue.counts[i] += bins.base[i]; tissueAdded += bins.base[i]
            air.counts[i] += bins.base[airBase + i]; airAdded += bins.base[airBase + i]
        }
        tissue.count += tissueAdded
        air.count += airAdded
        return true
    }
}

/// Which square windows of a region map lie in one region.
enum RegionWindows {
    /// For every pixel i, the bitwise AND of `region` over the `span` × `span` window whose top-left
    /// pixel is i (valid where the window lies in the image; 0 in the last span − 1 rows, elsewhere
    /// unspecified): ANDs along rows, then down columns. The caller deallocates the result.
    static func uniform(_ region: UnsafePointer<UInt8>, rows: Int, columns: Int, span: Int) -> UnsafeMutablePointer<UInt8> {
        let n = rows * columns
        let result = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, n))
        guard rows >= span, columns >= span else { result.initialize(repeating: 0, count: n); return result }
        let alongRows = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, n))
        defer { alongRows.deallocate() }
        // Along rows on the image as one line (windows running into the next row are never read).
        let rowWindows = n - (span - 1)
        ByteWindows.fold(region, into: alongRows, count: rowWindows, span: span, unit: 1, all: true)
        (alongRows + rowWindows).initialize(repeating: 0, count: span - 1)
        let windows = (rows - span + 1) * columns
        ByteWindows.fold(alongRows, into: result, count: windows, span: span, unit: columns, all: true)
        (result + windows).initialize(repeating: 0, count: n - windows)
        return result
    }
}

/// Float-to-integer conversions without the trap checks of `Int32(_:)` / `Int(_:)`, so loops using
/// them vectorize: adding 1.5 · 2^23 (2^52 for Double) rounds to the nearest integer in the low bits.
enum WholeNumber {
    /// The nearest integer to `v` (ties to even), for |v| < 2^22 (beyond, an unspecified value).
    @inline(__always)
    static func nearest(_ v: Float) -> Int32 {
        let magic: Float = 12_582_912  // 1.5 · 2^23
        return Int32(bitPattern: (v + magic).bitPattern &- magic.bitPattern)
    }

    /// `Int(d)` for 0 ≤ d < 2^51: round to nearest, then one down where that rounded up.
    @inline(__always)
    static func truncated(_ d: Double) -> Int {
        let magic = 4_503_599_627_370_496.0  // 2^52
        let shifted = d + magic
        let nearest = Int(bitPattern: UInt(shifted.bitPattern &- magic.bitPattern))
        return nearest &- (shifted - magic > d ? 1 : 0)
    }
}

/// The histogram bin of a window's sample SD, floor(SD / bin), from its spread n·Σv² − (Σv)², which
/// is n(n − 1)·SD² (exact for whole-number HU). One multiplication and one square root, no division;
/// the same formula for both window-sum paths. `binCount` is the overflow slot (SDs beyond the histogram).
struct StandardDeviationBins {
    private let scale: Double
    private let overflow: Double

    init(windowPixels n: Int, bin: Double, binCount: Int) {
        scale = 1 / (Double(n) * Double(n - 1) * bin * bin)
        overflow = Double(binCount)
    }

    @inline(__always)
    func index(spread: Double) -> Int {
        // + 1e-9 bins puts an SD that lies exactly on a bin edge (k·bin) in bin k, whatever the last
        // bit of the product's rounding; distinct whole-number spreads lie at least ~1e-5 bins apart.
        let bins = Swift.max(0, spread * scale).squareRoot() + 1e-9
        return WholeNumber.truncated(Swift.min(bins, overflow))
    }
}
