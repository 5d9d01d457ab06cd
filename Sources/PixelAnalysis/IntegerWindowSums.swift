/// LocalWindowSums for slices whose HU values are all whole numbers (the usual case: integer stored
/// values, slope 1), in 32-bit integer arithmetic on 16-bit values. There the Double sums of
/// LocalWindowSums are exact too (integers far below 2^53), so both give the same window sums, and the
/// SD bins, computed from them by the same formula (`StandardDeviationBins`), are identical. Integer
/// lanes are twice as many per vector as Double ones and need no NaN test per update.
enum IntegerWindowSums {
    /// As `LocalWindowSums.forEachInteriorWindow`; returns false (and adds nothing) when a value is not
    /// a whole number or is so large that a window's sum of squares could overflow Int32.
    static func forEachInteriorWindow(
        rows: Int, columns: Int, radius: Int, values: [Float], region: [UInt8], tissueWindow: ClosedRange<Float>,
        tissue: inout Histogram, air: inout Histogram
    ) -> Bool {
        let kernel = 2 * radius + 1, area = kernel * kernel
        // Region counts packed as patient pixels + (air pixels << 16).
        guard area < 1 << 15 else { return false }
        let n = rows * columns
        let low = tissueWindow.lowerBound, high = tissueWindow.upperBound
        let patientFull = Int32(area), airFull = Int32(area) << 16
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
        let sum = Scratch<Int32>(columns), squares = Scratch<Int32>(columns), counts = Scratch<Int32>(columns)
        let prefixSum = Scratch<Int32>(columns + 1), prefixSquare = Scratch<Int32>(columns + 1)
        let prefixCount = Scratch<Int32>(columns + 1), qualifyingColumns = Scratch<Int>(columns)
        let slot = Scratch<Int>(columns), neededCount = Scratch<Int32>(columns)
        let differenceSum = Scratch<Int32>(columns), differenceSquare = Scratch<Int32>(columns), kindOf = Scratch<UInt8>(columns)
        let qualifyingFlags = Scratch<UInt8>(columns)
        // Tissue bins, one overflow slot, air bins, one overflow slot.
        let binCount = tissue.counts.count, bins = Scratch<Int>(2 * (binCount + 1))
        defer {
            for s in [sum, squares, counts, prefixSum, prefixSquare, prefixCount, neededCount, differenceSum, differenceSquare] { s.free() }
            for s in [qualifyingColumns, slot, bins] { s.free() }
            kindOf.free(); qualifyingFlags.free()
        }
        let sdBins = StandardDeviationBins(windowPixels: area, bin: tissue.bin, binCount: binCount)
        // Region 1 → 1, region 2 → 1 << 16 (branch-free, so the column updates vectorize).
        @inline(__always) func regionCount(_ k: UInt8) -> Int32 { Int32(k & 1) | Int32(k >> 1) << 16 }
        values.withUnsafeBufferPointer { huBuffer in
            region.withUnsafeBufferPointer { kindBuffer in
                let hu = huBuffer.baseAddress!, kind = kindBuffer.baseAddress!
                let sum = sum.base, squares = squares.base, counts = counts.base
                let pSum = prefixSum.base, pSquare = prefixSquare.base, pCount = prefixCount.base
                let qualifying = qualifyingColumns.base, slot = slot.base, bins = bins.base, needed = neededCount.base
                let dSum = differenceSum.base, dSquare = differenceSquare.base, kindOf = kindOf.base, flags = qualifyingFlags.base
                for r in 0..<kernel {
                    let v = value + r * columns, k = kind + r * columns
                    for c in 0..<columns {
                        let a = Int32(v[c])
                        sum[c] &+= a
                        squares[c] &+= a &* a
                        counts[c] &+= regionCount(k[c])
                    }
                }
                let span = 2 &* radius &+ 1, interior = columns &- 2 &* radius
                for r in radius..<(rows - radius) {
                    if r > radius {
                        let entering = (r + radius) * columns, leaving = (r - radius - 1) * columns
                        let vIn = value + entering, vOut = value + leaving, kIn = kind + entering, kOut = kind + leaving
                        for c in 0..<columns {
                            let a = Int32(vIn[c]), b = Int32(vOut[c])
                            sum[c] &+= a &- b
                            squares[c] &+= a &* a &- b &* b
                            counts[c] &+= regionCount(kIn[c]) &- regionCount(kOut[c])
                        }
                    }
                    // The count a qualifying window has (tissue: the centre value in the window too),
                    // −1 (never matched) when the centre is in neither region.
                    let kinds = kind + r * columns + radius, centre = hu + r * columns + radius
                    for j in 0..<interior {
                        let raw = centre[j], k = kinds[j]
                        let patient = Int32(k & 1), air = Int32(k >> 1)
                        let tissue = patient & (raw >= low && raw <= high ? 1 : 0)
                        needed[j] = (0 &- tissue) & patientFull | (0 &- air) & airFull | ((tissue | air) &- 1)
                    }
                    // Prefix sums may wrap; a window is a difference of two, exact modulo 2^32 and in range.
                    var k: Int32 = 0
                    for c in 0..<columns { k &+= counts[c]; pCount[c &+ 1] = k }
                    // Window of interior column radius + j: prefixes j + 2·radius + 1 and j.
                    let countHigh = pCount + span
                    // Flags first (vectorizes), then the list of flagged columns, skipping empty eight-byte words.
                    for j in 0..<interior { flags[j] = countHigh[j] &- pCount[j] == needed[j] ? 1 : 0 }
                    var found = 0, j = 0
                    while j < interior {
                        if j &+ 8 <= interior, UnsafeRawPointer(flags + j).loadUnaligned(as: UInt64.self) == 0 { j &+= 8; continue }
                        let end = Swift.min(j &+ 8, interior)
                        while j < end { qualifying[found] = j; found &+= Int(flags[j]); j &+= 1 }
                    }
                    guard found > 0 else { continue }
                    var s: Int32 = 0, s2: Int32 = 0
                    for c in 0..<columns {
                        s &+= sum[c]; s2 &+= squares[c]
                        pSum[c &+ 1] = s; pSquare[c &+ 1] = s2
                    }
                    let sumHigh = pSum + span, squareHigh = pSquare + span
                    for i in 0..<found {
                        let j = qualifying[i]
                        dSum[i] = sumHigh[j] &- pSum[j]
                        dSquare[i] = squareHigh[j] &- pSquare[j]
                        kindOf[i] = kinds[j]
                    }
                    // Tissue (region 1) counts from slot 0, air (region 2) from slot binCount + 1.
                    // n·Σv² and (Σv)² are below 2^46: exact in Double.
                    let full = Double(area)
                    for i in 0..<found {
                        let ws = Double(dSum[i])
                        let index = sdBins.index(spread: full * Double(dSquare[i]) - ws * ws)
                        slot[i] = (Int(kindOf[i]) &- 1) &* (binCount &+ 1) &+ index
                    }
                    for i in 0..<found { bins[slot[i]] &+= 1 }
                }
            }
        }
        var tissueAdded = 0, airAdded = 0
        for i in 0..<binCount {
            tissue.counts[i] += bins.base[i]; tissueAdded += bins.base[i]
            air.counts[i] += bins.base[binCount + 1 + i]; airAdded += bins.base[binCount + 1 + i]
        }
        tissue.count += tissueAdded
        air.count += airAdded
        return true
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
