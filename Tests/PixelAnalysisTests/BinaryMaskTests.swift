import Testing
@testable import PixelAnalysis

/// Morphology on masks whose results follow from the geometry: rectangles shrink and grow by the
/// radius, rings fill, separate blocks stay separate.
@Suite struct BinaryMaskTests {
    /// A rows × columns mask with the given rectangles set (half-open ranges).
    private func mask(rows: Int = 40, columns: Int = 50, _ rectangles: [(Range<Int>, Range<Int>)]) -> BinaryMask {
        var pixels = [Bool](repeating: false, count: rows * columns)
        for (rowRange, columnRange) in rectangles { for r in rowRange { for c in columnRange { pixels[r * columns + c] = true } } }
        return BinaryMask(rows: rows, columns: columns, pixels: pixels)
    }

    @Test(arguments: [1, 3]) func erosionAndDilationMoveRectangleEdgesByTheRadius(radius: Int) {
        let rectangle = mask([(10..<30, 12..<40)])
        #expect(rectangle.eroded(radius: radius) == mask([((10 + radius)..<(30 - radius), (12 + radius)..<(40 - radius))]))
        #expect(rectangle.dilated(radius: radius) == mask([((10 - radius)..<(30 + radius), (12 - radius)..<(40 + radius))]))
    }

    @Test(arguments: [1, 2]) func outsideTheImageCountsAsBackground(radius: Int) {
        // A rectangle on the top-left corner erodes from the image border too; dilation is clipped.
        let corner = mask([(0..<10, 0..<20)])
        #expect(corner.eroded(radius: radius) == mask([(radius..<(10 - radius), radius..<(20 - radius))]))
        #expect(corner.dilated(radius: radius) == mask([(0..<(10 + radius), 0..<(20 + radius))]))
        let full = mask(rows: 6, columns: 7, [(0..<6, 0..<7)])
        #expect(full.eroded(radius: radius) == mask(rows: 6, columns: 7, [(radius..<(6 - radius), radius..<(7 - radius))]))
    }

    /// Erosion and dilation of a speckled mask against their definition, pixel by pixel (rows narrower
    /// and wider than the sixteen bytes folded at once).
    @Test(arguments: [1, 2, 4, 7]) func erosionAndDilationFollowTheirDefinition(radius: Int) {
        for columns in [9, 23, 61] {
            let rows = 29
            var state: UInt64 = UInt64(radius * 1_000 + columns)
            let speckled = BinaryMask(rows: rows, columns: columns, pixels: (0..<(rows * columns)).map { p in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                // Mostly set in a central block, sparsely set outside it.
                let inBlock = (4..<25).contains(p / columns) && (2..<(columns - 2)).contains(p % columns)
                return inBlock ? state >> 59 != 0 : state >> 60 == 0
            })
            func window(_ r: Int, _ c: Int) -> [Bool] {
                (-radius...radius).flatMap { dr in (-radius...radius).map { dc in
                    let rr = r + dr, cc = c + dc
                    return rr >= 0 && rr < rows && cc >= 0 && cc < columns && speckled.pixels[rr * columns + cc]
                } }
            }
            let eroded = speckled.eroded(radius: radius), dilated = speckled.dilated(radius: radius)
            var erosionErrors = 0, dilationErrors = 0
            for r in 0..<rows {
                for c in 0..<columns {
                    let w = window(r, c)
                    if eroded.pixels[r * columns + c] != w.allSatisfy({ $0 }) { erosionErrors += 1 }
                    if dilated.pixels[r * columns + c] != w.contains(true) { dilationErrors += 1 }
                }
            }
            #expect(erosionErrors == 0 && dilationErrors == 0, "columns \(columns)")
            #expect(eroded.count > 0 || radius > 1)
        }
    }

    @Test func thinLinesVanishUnderOpening() {
        // A 2-pixel-wide bar vanishes under erosion by 1 (3 × 3 needs 3 rows); a 3-pixel one survives as its centre line.
        #expect(mask([(5..<7, 5..<30)]).eroded(radius: 1).count == 0)
        #expect(mask([(5..<8, 5..<30)]).eroded(radius: 1) == mask([(6..<7, 6..<29)]))
    }

    @Test func holesAreFilledButBaysOpenToTheBorderAreNot() {
        // A ring (10 × 10 square minus its 6 × 6 inside) fills to the square; a U open to the top
        // border of the image is not closed; a 2 × 2 hole in a separate block fills too.
        let ring = mask([(5..<7, 5..<15), (13..<15, 5..<15), (7..<13, 5..<7), (7..<13, 13..<15)])
        #expect(ring.fillingHoles() == mask([(5..<15, 5..<15)]))
        let bay = mask([(0..<10, 20..<22), (0..<10, 28..<30), (8..<10, 22..<28)])
        #expect(bay.fillingHoles() == bay)
        let block = mask([(20..<30, 30..<40)])
        var holed = block
        for r in 24..<26 { for c in 34..<36 { holed.pixels[r * 50 + c] = false } }
        #expect(holed.fillingHoles() == block)
        #expect(mask([]).fillingHoles() == mask([]))
    }

    @Test func componentsHaveTheirAreasAndBoxes() {
        // Two blocks and an L: the L's arms touch along an edge (one component); blocks touching only
        // at a corner are separate under 4-connectivity.
        let m = mask([(2..<5, 2..<6), (5..<8, 6..<9), (20..<30, 10..<12), (28..<30, 12..<20)])
        let (labels, parts) = m.components()
        #expect(parts.map(\.area) == [12, 9, 20 + 16])
        #expect(parts.map(\.rows) == [2...4, 5...7, 20...29])
        #expect(parts.map(\.columns) == [2...5, 6...8, 10...19])
        #expect(labels[3 * 50 + 3] == 1 && labels[6 * 50 + 7] == 2 && labels[29 * 50 + 19] == 3 && labels[0] == 0)
        #expect(BinaryMask.selecting([3], from: labels, rows: 40, columns: 50) == mask([(20..<30, 10..<12), (28..<30, 12..<20)]))
        #expect(m.largestComponent() == mask([(20..<30, 10..<12), (28..<30, 12..<20)]))
    }

    /// Labels by the definition: flood fill (4-neighbours) from each unlabelled set pixel in raster order.
    private func referenceLabels(_ m: BinaryMask) -> [Int32] {
        var labels = [Int32](repeating: 0, count: m.pixels.count)
        var next: Int32 = 0
        for start in m.pixels.indices where m.pixels[start] && labels[start] == 0 {
            next += 1
            labels[start] = next
            var stack = [start]
            while let p = stack.popLast() {
                let r = p / m.columns, c = p % m.columns
                for (rr, cc) in [(r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)]
                where rr >= 0 && rr < m.rows && cc >= 0 && cc < m.columns && m.pixels[rr * m.columns + cc] && labels[rr * m.columns + cc] == 0 {
                    labels[rr * m.columns + cc] = next
                    stack.append(rr * m.columns + cc)
                }
            }
        }
        return labels
    }

    @Test(arguments: [0.3, 0.5, 0.6, 0.8]) func componentsMatchAFloodFillOnRandomMasks(density: Double) {
        // Random masks near the percolation threshold have many components of every shape: U-shapes
        // whose arms meet rows later, runs bridging several runs above, touching image edges.
        var state: UInt64 = UInt64(density * 1000)
        for (rows, columns) in [(0, 5), (4, 0), (1, 1), (1, 37), (29, 1), (23, 31), (64, 70)] {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let pixels = (0..<(rows * columns)).map { _ -> Bool in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(state >> 11) / Double(1 << 53) < density
            }
            let m = BinaryMask(rows: rows, columns: columns, pixels: pixels)
            let (labels, parts) = m.components()
            let expected = referenceLabels(m)
            #expect(labels == expected)
            #expect(parts.count == Int(expected.max() ?? 0))
            for part in parts {
                let members = expected.indices.filter { expected[$0] == part.label }
                #expect(part.area == members.count)
                #expect(part.rows == members.map { $0 / columns }.min()!...members.map { $0 / columns }.max()!)
                #expect(part.columns == members.map { $0 % columns }.min()!...members.map { $0 % columns }.max()!)
            }
        }
    }

    @Test func halvingKeepsOnlyCompleteBlocks() {
        // Rows 3..<9 × columns 4..<11 hold complete 2 × 2 blocks at half rows 2..<4 (rows 4–7) and half
        // columns 2..<5 (columns 4–9); an odd-sized image's last half row / column is cut and unset.
        let m = mask(rows: 11, columns: 13, [(3..<9, 4..<11), (10..<11, 0..<13)])
        let half = m.downsampledByTwo()
        #expect(half.rows == 6 && half.columns == 7)
        #expect(half == mask(rows: 6, columns: 7, [(2..<4, 2..<5)]))
        #expect(half.upsampledByTwo(rows: 11, columns: 13) == mask(rows: 11, columns: 13, [(4..<8, 4..<10)]))
    }
}
