import Testing
@testable import PixelAnalysis

/// The crop to content against its definition: the bounding box of the pixels above the threshold
/// (NaN is not), widened by the margin and clipped to the image.
@Suite struct CropTests {
    private func slice(rows: Int, columns: Int, content: [(Int, Int)], nanAt: [(Int, Int)] = []) -> AxialSlice {
        var values = [Float](repeating: -1000, count: rows * columns)
        for (r, c) in content { values[r * columns + c] = 40 }
        for (r, c) in nanAt { values[r * columns + c] = .nan }
        return AxialSlice(rows: rows, columns: columns, hounsfieldUnits: values, rowSpacingMillimeters: 1, columnSpacingMillimeters: 1,
                          fieldOfViewCircle: (Double(columns) / 2, Double(rows) / 2, Double(columns)))
    }

    private func expectCropFollowsDefinition(_ s: AxialSlice, margin: Int) {
        let cropped = s.croppedToContent(thresholdHounsfield: -500, marginPixels: margin)
        let content = s.hounsfieldUnits.indices.filter { s.hounsfieldUnits[$0] > -500 }
        guard !content.isEmpty else {
            #expect(cropped.rows == s.rows && cropped.columns == s.columns)
            return
        }
        let r0 = max(0, content.map { $0 / s.columns }.min()! - margin), r1 = min(s.rows - 1, content.map { $0 / s.columns }.max()! + margin)
        let c0 = max(0, content.map { $0 % s.columns }.min()! - margin), c1 = min(s.columns - 1, content.map { $0 % s.columns }.max()! + margin)
        #expect(cropped.rows == r1 - r0 + 1 && cropped.columns == c1 - c0 + 1)
        var same = true
        for r in 0..<cropped.rows {
            for c in 0..<cropped.columns {
                let a = cropped.hounsfieldUnits[r * cropped.columns + c], b = s.hounsfieldUnits[(r0 + r) * s.columns + c0 + c]
                if !(a == b || (a.isNaN && b.isNaN)) { same = false }
            }
        }
        #expect(same)
        #expect(cropped.fieldOfViewCircle?.centerColumn == s.fieldOfViewCircle!.centerColumn - Double(c0))
        #expect(cropped.fieldOfViewCircle?.centerRow == s.fieldOfViewCircle!.centerRow - Double(r0))
    }

    @Test(arguments: [0, 3, 25]) func cropIsTheMarginedBoundingBox(margin: Int) {
        let rows = 60, columns = 70
        // Content whose extremes lie in different rows: a block, a pixel far left low, one far right high.
        let block = (20..<30).flatMap { r in (30..<45).map { (r, $0) } }
        expectCropFollowsDefinition(slice(rows: rows, columns: columns, content: block + [(35, 4), (12, 66)], nanAt: [(0, 0), (59, 69)]), margin: margin)
        // Content on the first and last rows and columns; a single pixel; none at all.
        expectCropFollowsDefinition(slice(rows: rows, columns: columns, content: [(0, 33), (59, 40), (30, 0), (31, 69)]), margin: margin)
        expectCropFollowsDefinition(slice(rows: rows, columns: columns, content: [(41, 17)]), margin: margin)
        expectCropFollowsDefinition(slice(rows: rows, columns: columns, content: [], nanAt: [(5, 5)]), margin: margin)
        // Rows narrower than the sixteen values compared at once.
        expectCropFollowsDefinition(slice(rows: 9, columns: 7, content: [(4, 3), (6, 1)]), margin: margin)
    }
}

/// The truncation counts against their definition: an outline pixel is a body pixel with a 4-neighbour
/// outside the body (beyond the image counts as outside); it touches the field's edge when it or such a
/// neighbour is outside the field, or the neighbour is beyond the image.
@Suite struct TruncationTests {
    @Test(arguments: [(40, 70), (33, 300), (12, 17)]) func outlineAndTouchingFollowTheirDefinition(rows: Int, columns: Int) {
        var state: UInt64 = UInt64(rows * 1_000 + columns)
        func random() -> UInt64 { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return state >> 33 }
        // A body of mostly set pixels with holes and specks, a field with a gap and a padded column band.
        let body = (0..<(rows * columns)).map { p in
            let r = p / columns, c = p % columns
            let inBlock = r > 1 && r < rows - 3 && c > 0 && c < columns - 4
            return inBlock ? random() % 13 != 0 : random() % 29 == 0
        }
        let field = (0..<(rows * columns)).map { p in !(p % columns > columns - 7 || (p / columns == rows / 2 && random() % 3 == 0)) }
        var outline = 0, touching = 0
        for r in 0..<rows {
            for c in 0..<columns where body[r * columns + c] {
                var isOutline = false, open = !field[r * columns + c]
                for (dr, dc) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                    let rr = r + dr, cc = c + dc
                    guard rr >= 0, rr < rows, cc >= 0, cc < columns else { isOutline = true; open = true; continue }
                    if !body[rr * columns + cc] {
                        isOutline = true
                        if !field[rr * columns + cc] { open = true }
                    }
                }
                if isOutline { outline += 1; if open { touching += 1 } }
            }
        }
        let (truncated, fraction) = PatientSegmentation.truncation(of: BinaryMask(rows: rows, columns: columns, pixels: body), inField: field)
        #expect(outline > 0 && touching > 0 && touching < outline)
        #expect(truncated)
        #expect(fraction == Double(touching) / Double(outline))
    }

    @Test func tallyCountsPastItsByteLanes() {
        var tally = ByteTally()
        for _ in 0..<1_000 { tally.add(SIMD16<UInt8>(repeating: 1)) }
        tally.add(1)
        tally.flush()
        #expect(tally.total == 16_001)
    }
}
