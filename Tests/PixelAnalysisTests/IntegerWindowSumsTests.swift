import Foundation
import Testing
@testable import PixelAnalysis

/// The integer window sums must give exactly the histograms of the Double ones (same bins, same
/// counts), including SDs that fall exactly on a bin edge.
@Suite struct IntegerWindowSumsTests {
    private func histograms(_ values: [Float], region: [UInt8], rows: Int, columns: Int, radius: Int, integer: Bool,
                            tissueWindow: ClosedRange<Float> = 0...100) -> (tissue: Histogram, air: Histogram, usedIntegers: Bool)
    {
        var tissue = Histogram(bin: 0.1, maximum: 250), air = Histogram(bin: 0.1, maximum: 250)
        var used = false
        if integer {
            used = IntegerWindowSums.forEachInteriorWindow(
                rows: rows, columns: columns, radius: radius, values: values, region: region, tissueWindow: tissueWindow,
                tissue: &tissue, air: &air)
        } else {
            LocalWindowSums.forEachInteriorWindow(
                rows: rows, columns: columns, radius: radius, values: values, region: region, tissueWindow: tissueWindow,
                tissue: &tissue, air: &air)
        }
        return (tissue, air, used)
    }

    /// Rounded Gaussian noise on a water disc in air, some padding, region from a synthetic body mask.
    private func noisySlice(rows: Int, columns: Int, sigma: Double, seed: UInt64) -> (values: [Float], region: [UInt8]) {
        var noise = GaussianNoise(seed: seed)
        var values = [Float](repeating: 0, count: rows * columns), region = [UInt8](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                let dx = Double(c) - Double(columns) / 2, dy = Double(r) - Double(rows) / 2
                let inside = dx * dx + dy * dy < Double(rows * rows) / 9
                let p = r * columns + c
                if c < 3 { values[p] = .nan; continue }  // padding: in no region
                values[p] = Float(((inside ? 40 : -1000) + noise.next(sigma: sigma)).rounded())
                region[p] = inside ? 1 : (values[p] < -900 ? 2 : 0)
            }
        }
        return (values, region)
    }

    @Test(arguments: [(1.0, 3), (3.0, 3), (12.0, 4), (30.0, 2)])
    func sameHistogramsAsDoubleSums(sigma: Double, radius: Int) {
        let rows = 120, columns = 97
        let (values, region) = noisySlice(rows: rows, columns: columns, sigma: sigma, seed: UInt64(sigma * 10) + UInt64(radius))
        let exact = histograms(values, region: region, rows: rows, columns: columns, radius: radius, integer: false)
        let fast = histograms(values, region: region, rows: rows, columns: columns, radius: radius, integer: true)
        #expect(fast.usedIntegers)
        #expect(fast.tissue.counts == exact.tissue.counts)
        #expect(fast.air.counts == exact.air.counts)
        #expect(fast.tissue.count == exact.tissue.count && fast.air.count == exact.air.count)
        #expect(exact.tissue.count > 0 && exact.air.count > 0)
    }

    /// Tissue windows with fractional bounds, with no whole number inside, and beyond Int16.
    @Test(arguments: [(Float(-0.5), Float(99.5)), (39.5, 40.5), (40.2, 40.7), (-40_000, 41), (40_000, 50_000)])
    func sameHistogramsForAnyTissueWindow(low: Float, high: Float) {
        let rows = 90, columns = 80
        let (values, region) = noisySlice(rows: rows, columns: columns, sigma: 2, seed: 7)
        let exact = histograms(values, region: region, rows: rows, columns: columns, radius: 2, integer: false, tissueWindow: low...high)
        let fast = histograms(values, region: region, rows: rows, columns: columns, radius: 2, integer: true, tissueWindow: low...high)
        #expect(fast.usedIntegers)
        #expect(fast.tissue.counts == exact.tissue.counts && fast.air.counts == exact.air.counts)
        #expect(fast.tissue.count == exact.tissue.count)
        // The disc holds 40 ± 2 HU: windows holding 40 find tissue, the others none.
        #expect((exact.tissue.count > 0) == (low <= 40 && high >= 40))
    }

    /// The eroded region map against the AND over each window, written out.
    @Test(arguments: [1, 2, 3, 5, 9, 16])
    func regionWindowsAreTheANDOverEachWindow(span: Int) {
        let rows = 37, columns = 41
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(span)
        // Air left, patient right, neither along the top, with scattered specks of all three.
        let region = (0..<(rows * columns)).map { p -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if state >> 56 < 3 { return UInt8(state >> 40 % 3) }
            return p / columns < 4 ? 0 : (p % columns < 19 ? 2 : 1)
        }
        let uniform = region.withUnsafeBufferPointer { RegionWindows.uniform($0.baseAddress!, rows: rows, columns: columns, span: span) }
        defer { uniform.deallocate() }
        var mismatches = 0, uniformWindows = 0
        for r in 0...(rows - span) {
            for c in 0...(columns - span) {
                var expected: UInt8 = 0xFF
                for dr in 0..<span { for dc in 0..<span { expected &= region[(r + dr) * columns + c + dc] } }
                if uniform[r * columns + c] != expected { mismatches += 1 }
                if expected != 0 { uniformWindows += 1 }
            }
        }
        #expect(mismatches == 0)
        #expect(uniformWindows > 0)
    }

    /// Images barely larger than the kernel: one or two interior rows and columns.
    @Test(arguments: [1, 2, 3])
    func smallestImagesGiveTheDoubleSumsHistograms(radius: Int) {
        let kernel = 2 * radius + 1
        for (rows, columns) in [(kernel, kernel), (kernel + 1, kernel), (kernel, kernel + 1), (kernel + 1, kernel + 2)] {
            let region = [UInt8](repeating: 2, count: rows * columns)
            let values = (0..<(rows * columns)).map { Float(-1000 + ($0 * 7919) % 13) }
            let exact = histograms(values, region: region, rows: rows, columns: columns, radius: radius, integer: false)
            let fast = histograms(values, region: region, rows: rows, columns: columns, radius: radius, integer: true)
            #expect(fast.usedIntegers)
            #expect(fast.air.counts == exact.air.counts)
            #expect(exact.air.count == (rows - 2 * radius) * (columns - 2 * radius))
        }
    }

    /// Many small random images (sizes from the kernel up, blobs of each region, NaN padding, random
    /// tissue windows): the integer path gives exactly the Double path's histograms every time.
    @Test func randomImagesGiveTheDoubleSumsHistograms() {
        var state: UInt64 = 20_261_130
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        var compared = 0, withTissue = 0, withAir = 0
        for _ in 0..<300 {
            let radius = 1 + random(3), kernel = 2 * radius + 1
            let rows = kernel + random(30), columns = kernel + random(40)
            // Blobs: a disc of patient (value around 40) and a band of air (around −1000), the rest neither.
            let cr = random(rows), cc = random(columns), reach = 2 + random(12)
            var values = [Float](repeating: 0, count: rows * columns), region = [UInt8](repeating: 0, count: rows * columns)
            for p in 0..<(rows * columns) {
                let r = p / columns, c = p % columns
                if random(40) == 0 { values[p] = .nan; continue }
                if (r - cr) * (r - cr) + (c - cc) * (c - cc) < reach * reach {
                    values[p] = Float(40 + random(21) - 10); region[p] = 1
                } else if r < rows / 2 {
                    values[p] = Float(-1000 + random(7) - 3); region[p] = 2
                } else {
                    values[p] = Float(random(200) - 100)
                }
            }
            let low = Float(random(60)) - 0.5, high = low + Float(random(80))
            let exact = histograms(values, region: region, rows: rows, columns: columns, radius: radius, integer: false, tissueWindow: low...high)
            let fast = histograms(values, region: region, rows: rows, columns: columns, radius: radius, integer: true, tissueWindow: low...high)
            #expect(fast.usedIntegers)
            if fast.tissue.counts != exact.tissue.counts || fast.air.counts != exact.air.counts || fast.tissue.count != exact.tissue.count
                || fast.air.count != exact.air.count {
                Issue.record("differs: \(rows) × \(columns), radius \(radius), tissue window \(low)...\(high)")
            }
            compared += 1
            if exact.tissue.count > 0 { withTissue += 1 }
            if exact.air.count > 0 { withAir += 1 }
        }
        #expect(compared == 300 && withTissue > 30 && withAir > 30)
    }

    @Test func standardDeviationOnABinEdge() {
        // Isolated spikes of 3k HU in 0 HU, 3 × 3 windows: a window holding a spike has sample variance
        // (9·9k² − 9k²) / (9·8) = k², an SD of exactly k HU, on the edge of bin 10k. Each of the 4 spikes
        // lies in 9 windows; the other 18² − 36 windows have SD 0.
        for k: Float in [1, 2, 7, 25] {
            let rows = 20, columns = 20
            var values = [Float](repeating: 0, count: rows * columns)
            for (r, c) in [(4, 4), (4, 12), (12, 4), (12, 12)] { values[r * columns + c] = 3 * k }
            let region = [UInt8](repeating: 1, count: rows * columns)
            let exact = histograms(values, region: region, rows: rows, columns: columns, radius: 1, integer: false)
            let fast = histograms(values, region: region, rows: rows, columns: columns, radius: 1, integer: true)
            #expect(fast.usedIntegers)
            #expect(fast.tissue.counts == exact.tissue.counts)
            #expect(fast.tissue.counts[0] == 18 * 18 - 36)
            // floor(SD / bin): an SD of exactly k HU is in bin 10k, not in the one below.
            #expect(fast.tissue.counts[Int(10 * k)] == 36)
            #expect(fast.tissue.count == 18 * 18)
        }
    }

    @Test func fractionalOrHugeValuesFallBackToDoubleSums() {
        let rows = 20, columns = 20
        let region = [UInt8](repeating: 2, count: rows * columns)
        var values = [Float](repeating: -1000, count: rows * columns)
        values[150] = -999.5
        #expect(!histograms(values, region: region, rows: rows, columns: columns, radius: 1, integer: true).usedIntegers)
        values[150] = 40_000  // 9 · 40000² overflows Int32
        #expect(!histograms(values, region: region, rows: rows, columns: columns, radius: 1, integer: true).usedIntegers)
        values[150] = .infinity
        #expect(!histograms(values, region: region, rows: rows, columns: columns, radius: 1, integer: true).usedIntegers)
        values[150] = .nan  // padding counts as 0, as in the Double sums
        #expect(histograms(values, region: region, rows: rows, columns: columns, radius: 1, integer: true).usedIntegers)
    }
}
