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
