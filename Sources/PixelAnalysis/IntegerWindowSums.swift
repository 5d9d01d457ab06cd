/// LocalWindowSums for slices whose HU values are all whole numbers (the usual case: integer stored
/// values, slope 1), in 32-bit integer arithmetic. There the Double sums of LocalWindowSums are exact
/// too (integers far below 2^53), so both give the same window sums, and the local SDs, computed from
/// them by the same Double formula (`LocalStandardDeviation`), are bit-identical. Integer lanes are
/// twice as many per vector as Double ones and need no NaN test per update.
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
        let value = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, n))
        let square = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, n))
        let code = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, n))
        let needed = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, n))
        defer { value.deallocate(); square.deallocate(); code.deallocate(); needed.deallocate() }
        // |v| ≤ limit keeps area · v² below 2^31: every window sum of squares fits in Int32.
        let limit = Float((Double(Int32.max) / Double(area)).squareRoot().rounded(.down))
        let exact = values.withUnsafeBufferPointer { hu in
            region.withUnsafeBufferPointer { kind in
                var mismatch: Int32 = 0
                for p in 0..<n {
                    let raw = hu[p]
                    let v = raw == raw ? raw : 0
                    // Beyond ±limit (infinities too) `whole` is meaningless, but the slice is rejected.
                    let whole = WholeNumber.nearest(v)
                    mismatch |= Float(whole) == v && abs(v) <= limit ? 0 : 1
                    value[p] = whole
                    square[p] = whole &* whole
                    // Region 1 → 1, region 2 → 1 << 16; and the count a qualifying window has
                    // (tissue: the value in the window too), −1 (never matched) when none qualifies.
                    let patient = Int32(kind[p] & 1), air = Int32(kind[p] >> 1)
                    let tissue = patient & (raw >= low && raw <= high ? 1 : 0)
                    code[p] = patient | air << 16
                    needed[p] = (0 &- tissue) & patientFull | (0 &- air) & airFull | ((tissue | air) &- 1)
                }
                return mismatch == 0
            }
        }
        guard exact else { return false }
        let full = Double(area)
        let sum = Scratch<Int32>(columns), squares = Scratch<Int32>(columns), counts = Scratch<Int32>(columns)
        let prefixSum = Scratch<Int32>(columns + 1), prefixSquare = Scratch<Int32>(columns + 1)
        let prefixCount = Scratch<Int32>(columns + 1), qualifyingColumns = Scratch<Int>(columns)
        let slot = Scratch<Int>(columns)
        let differenceSum = Scratch<Int32>(columns), differenceSquare = Scratch<Int32>(columns), kindOf = Scratch<UInt8>(columns)
        let qualifyingFlags = Scratch<UInt8>(columns)
        // Tissue bins, one overflow slot, air bins, one overflow slot.
        let binCount = tissue.counts.count, bins = Scratch<Int>(2 * (binCount + 1))
        defer {
            for s in [sum, squares, counts, prefixSum, prefixSquare, prefixCount] { s.free() }
            for s in [qualifyingColumns, slot, bins] { s.free() }
            differenceSum.free(); differenceSquare.free(); kindOf.free(); qualifyingFlags.free()
        }
        let bin = tissue.bin
        region.withUnsafeBufferPointer { kindBuffer in
            let kind = kindBuffer.baseAddress!
            let sum = sum.base, squares = squares.base, counts = counts.base
            let pSum = prefixSum.base, pSquare = prefixSquare.base, pCount = prefixCount.base
            let qualifying = qualifyingColumns.base, slot = slot.base, bins = bins.base
            let dSum = differenceSum.base, dSquare = differenceSquare.base, kindOf = kindOf.base, flags = qualifyingFlags.base
            for r in 0..<kernel {
                let v = value + r * columns, s = square + r * columns, k = code + r * columns
                for c in 0..<columns {
                    sum[c] &+= v[c]
                    squares[c] &+= s[c]
                    counts[c] &+= k[c]
                }
            }
            for r in radius..<(rows - radius) {
                if r > radius {
                    let entering = (r + radius) * columns, leaving = (r - radius - 1) * columns
                    let vIn = value + entering, vOut = value + leaving, sIn = square + entering, sOut = square + leaving
                    let kIn = code + entering, kOut = code + leaving
                    for c in 0..<columns {
                        sum[c] &+= vIn[c] &- vOut[c]
                        squares[c] &+= sIn[c] &- sOut[c]
                        counts[c] &+= kIn[c] &- kOut[c]
                    }
                }
                // Prefix sums may wrap; a window is a difference of two, exact modulo 2^32 and in range.
                var k: Int32 = 0
                for c in 0..<columns { k &+= counts[c]; pCount[c &+ 1] = k }
                // Window of interior column radius + j: prefixes j + 2·radius + 1 and j.
                let span = 2 &* radius &+ 1, interior = columns &- 2 &* radius
                let row = needed + r * columns + radius, countHigh = pCount + span
                // Flags first (vectorizes), then the list of flagged columns, skipping empty eight-byte words.
                for j in 0..<interior { flags[j] = countHigh[j] &- pCount[j] == row[j] ? 1 : 0 }
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
                let sumHigh = pSum + span, squareHigh = pSquare + span, kinds = kind + r * columns + radius
                for i in 0..<found {
                    let j = qualifying[i]
                    dSum[i] = sumHigh[j] &- pSum[j]
                    dSquare[i] = squareHigh[j] &- pSquare[j]
                    kindOf[i] = kinds[j]
                }
                // Tissue (region 1) counts from slot 0, air (region 2) from slot binCount + 1.
                for i in 0..<found {
                    let sd = LocalStandardDeviation.of(sum: Double(dSum[i]), sumOfSquares: Double(dSquare[i]), count: full)
                    slot[i] = (Int(kindOf[i]) &- 1) &* (binCount &+ 1) &+ WholeNumber.truncated(Swift.min(sd / bin, Double(binCount)))
                }
                for i in 0..<found { bins[slot[i]] &+= 1 }
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

/// The sample SD of a window from its sum and sum of squares, in one formula for both window-sum paths.
enum LocalStandardDeviation {
    @inline(__always)
    static func of(sum ws: Double, sumOfSquares ws2: Double, count full: Double) -> Double {
        max(0, (ws2 - ws * ws / full) / (full - 1)).squareRoot()
    }
}
