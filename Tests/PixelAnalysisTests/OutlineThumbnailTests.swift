import Testing
@testable import PixelAnalysis

@Suite struct OutlineThumbnailTests {
    @Test func outlineIsDrawnAndSizeIsReduced() {
        // 512² slice → step 2 → 256²; the water ellipse's edge is orange, its inside grey (0 HU in a
        // 40/400 window: (0 − (−160)) / 400 × 255 = 102), air black.
        let slice = SyntheticPhantom(lateralCentimeters: 30, apCentimeters: 20).slice()
        let outline = PatientSegmentation.segment(slice)
        let thumbnail = OutlineThumbnail(slice: slice, body: outline.body)
        #expect(thumbnail.width == 256 && thumbnail.height == 256)
        let pixel = { (x: Int, y: Int) in Array(thumbnail.rgb[((y * 256 + x) * 3)..<((y * 256 + x) * 3 + 3)]) }
        #expect(pixel(128, 128) == [102, 102, 102])
        #expect(pixel(5, 5) == [0, 0, 0])
        let orange = (0..<256).filter { pixel($0, 128) == [0xE6, 0x9F, 0x00] }
        #expect(orange.count == 2)  // the outline crossed twice along the middle row
    }

    /// Every thumbnail pixel against the definition: orange where its block holds an outline pixel (a
    /// body pixel on the image edge or with a 4-neighbour outside the body), else the grey of the block's
    /// first pixel; reductions by 1, 2 and 3.
    @Test(arguments: [64, 32, 22]) func pixelsFollowTheDefinition(maximumSide: Int) {
        let rows = 61, columns = 64
        var state: UInt64 = 99
        let body = BinaryMask(rows: rows, columns: columns, pixels: (0..<(rows * columns)).map { p in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let r = p / columns, c = p % columns
            return (r - 30) * (r - 30) + (c - 25) * (c - 25) < 400 ? state >> 60 != 0 : state >> 59 == 0 || c == 63
        })
        let values = (0..<(rows * columns)).map { p in p % 17 == 0 ? Float.nan : Float(p % 400 - 200) }
        let slice = AxialSlice(rows: rows, columns: columns, hounsfieldUnits: values, rowSpacingMillimeters: 1, columnSpacingMillimeters: 1)
        let thumbnail = OutlineThumbnail(slice: slice, body: body, maximumSide: maximumSide)
        let step = (64 + maximumSide - 1) / maximumSide
        #expect(thumbnail.width == (columns + step - 1) / step && thumbnail.height == (rows + step - 1) / step)
        func isOutline(_ r: Int, _ c: Int) -> Bool {
            guard body.pixels[r * columns + c] else { return false }
            if r == 0 || c == 0 || r == rows - 1 || c == columns - 1 { return true }
            return !body.pixels[(r - 1) * columns + c] || !body.pixels[(r + 1) * columns + c]
                || !body.pixels[r * columns + c - 1] || !body.pixels[r * columns + c + 1]
        }
        var mismatches = 0, orange = 0
        for y in 0..<thumbnail.height {
            for x in 0..<thumbnail.width {
                let r = y * step, c = x * step
                let outlined = (r..<min(r + step, rows)).contains { rr in (c..<min(c + step, columns)).contains { isOutline(rr, $0) } }
                let hu = values[r * columns + c]
                let grey: UInt8 = hu.isNaN ? 0 : UInt8(max(0, min(255, (Double(hu) + 160) / 400 * 255)))
                let expected: [UInt8] = outlined ? [0xE6, 0x9F, 0x00] : [grey, grey, grey]
                let o = (y * thumbnail.width + x) * 3
                if Array(thumbnail.rgb[o..<(o + 3)]) != expected { mismatches += 1 }
                if outlined { orange += 1 }
            }
        }
        #expect(mismatches == 0)
        #expect(orange > 0 && orange < thumbnail.width * thumbnail.height / 2)
    }
}
