/// A row-major binary image with the morphology ctdose needs: connected components (4-connected,
/// iterative), hole filling from the border, and square erosion / dilation in O(N) via box sums.
public struct BinaryMask: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public var pixels: [Bool]

    public init(rows: Int, columns: Int, pixels: [Bool]) {
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
    }

    public var count: Int { pixels.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// A 4-connected component: its pixel count and bounding box (rows, columns).
    public struct Component: Sendable, Equatable {
        public var label: Int32
        public var area: Int
        public var rows: ClosedRange<Int>
        public var columns: ClosedRange<Int>
    }

    /// Labels the 4-connected components (iterative flood fill); label 0 is background.
    public func components() -> (labels: [Int32], components: [Component]) {
        var label = [Int32](repeating: 0, count: pixels.count)
        var found: [Component] = []
        var queue = [Int]()
        queue.reserveCapacity(pixels.count / 4)
        for start in pixels.indices where pixels[start] && label[start] == 0 {
            let next = Int32(found.count + 1)
            label[start] = next
            queue.removeAll(keepingCapacity: true)
            queue.append(start)
            var head = 0
            var minRow = Int.max, maxRow = 0, minColumn = Int.max, maxColumn = 0
            while head < queue.count {
                let p = queue[head]
                head += 1
                let r = p / columns, c = p % columns
                minRow = Swift.min(minRow, r); maxRow = Swift.max(maxRow, r)
                minColumn = Swift.min(minColumn, c); maxColumn = Swift.max(maxColumn, c)
                if c > 0, pixels[p - 1], label[p - 1] == 0 { label[p - 1] = next; queue.append(p - 1) }
                if c < columns - 1, pixels[p + 1], label[p + 1] == 0 { label[p + 1] = next; queue.append(p + 1) }
                if r > 0, pixels[p - columns], label[p - columns] == 0 { label[p - columns] = next; queue.append(p - columns) }
                if r < rows - 1, pixels[p + columns], label[p + columns] == 0 {
                    label[p + columns] = next
                    queue.append(p + columns)
                }
            }
            found.append(Component(label: next, area: queue.count, rows: minRow...maxRow, columns: minColumn...maxColumn))
        }
        return (label, found)
    }

    /// The pixels of the given component labels.
    public static func selecting(_ labels: Set<Int32>, from map: [Int32], rows: Int, columns: Int) -> BinaryMask {
        let highest = Int(map.max() ?? 0)
        var wanted = [Bool](repeating: false, count: highest + 1)
        for label in labels where label > 0 && Int(label) <= highest { wanted[Int(label)] = true }
        return BinaryMask(rows: rows, columns: columns, pixels: map.map { wanted[Int($0)] })
    }

    /// The largest 4-connected component (empty mask when there is none).
    public func largestComponent() -> BinaryMask {
        let (labels, found) = components()
        guard let best = found.max(by: { $0.area < $1.area }) else {
            return BinaryMask(rows: rows, columns: columns, pixels: [Bool](repeating: false, count: pixels.count))
        }
        return Self.selecting([best.label], from: labels, rows: rows, columns: columns)
    }

    public static prefix func ! (mask: BinaryMask) -> BinaryMask {
        BinaryMask(rows: mask.rows, columns: mask.columns, pixels: mask.pixels.map { !$0 })
    }

    /// Fills holes: every background pixel not 4-connected to the image border becomes foreground.
    public func fillingHoles() -> BinaryMask {
        let n = pixels.count
        let columns = self.columns, rows = self.rows
        var outside = [Bool](repeating: false, count: n)
        // Each pixel is pushed at most once, so a stack of n entries never overflows.
        var stack = [Int32](repeating: 0, count: n)
        pixels.withUnsafeBufferPointer { mask in
            outside.withUnsafeMutableBufferPointer { out in
                stack.withUnsafeMutableBufferPointer { pending in
                    var top = 0
                    var border: [Int] = []
                    border.reserveCapacity(2 * (rows + columns))
                    for c in 0..<columns { border.append(c); border.append((rows - 1) * columns + c) }
                    for r in 0..<rows { border.append(r * columns); border.append(r * columns + columns - 1) }
                    for p in border where !mask[p] && !out[p] { out[p] = true; pending[top] = Int32(p); top += 1 }
                    while top > 0 {
                        top -= 1
                        let p = Int(pending[top])
                        let c = p % columns
                        if c > 0, !mask[p - 1], !out[p - 1] { out[p - 1] = true; pending[top] = Int32(p - 1); top += 1 }
                        if c < columns - 1, !mask[p + 1], !out[p + 1] { out[p + 1] = true; pending[top] = Int32(p + 1); top += 1 }
                        if p >= columns, !mask[p - columns], !out[p - columns] {
                            out[p - columns] = true; pending[top] = Int32(p - columns); top += 1
                        }
                        if p < n - columns, !mask[p + columns], !out[p + columns] {
                            out[p + columns] = true; pending[top] = Int32(p + columns); top += 1
                        }
                    }
                    for i in 0..<n { out[i] = !out[i] }
                }
            }
        }
        return BinaryMask(rows: rows, columns: columns, pixels: outside)
    }

    /// Erosion with a (2r+1)² square: a pixel stays when its whole window is foreground (outside the
    /// image counts as background). Separable: a row pass, then a column pass, with running counts.
    public func eroded(radius: Int) -> BinaryMask {
        guard radius > 0 else { return self }
        return BinaryMask(rows: rows, columns: columns, pixels: windowTest(radius: radius) { count, full in count == full })
    }

    /// Dilation with a (2r+1)² square.
    public func dilated(radius: Int) -> BinaryMask {
        guard radius > 0 else { return self }
        return BinaryMask(rows: rows, columns: columns, pixels: windowTest(radius: radius) { count, _ in count > 0 })
    }

    /// For every pixel, counts the foreground pixels in its (2r+1)² window (clipped to the image; the
    /// full count is always (2r+1)²) and applies `keep`. Row pass then column pass, O(N) for any r.
    private func windowTest(radius: Int, keep: (Int32, Int32) -> Bool) -> [Bool] {
        let n = rows * columns
        var rowCounts = [Int32](repeating: 0, count: n)
        pixels.withUnsafeBufferPointer { source in
            rowCounts.withUnsafeMutableBufferPointer { counts in
                for r in 0..<rows {
                    let base = r * columns
                    var running: Int32 = 0
                    // Window [c − radius, c + radius] over the row; prime with the first radius pixels.
                    for c in 0..<min(radius, columns) where source[base + c] { running += 1 }
                    for c in 0..<columns {
                        let entering = c + radius, leaving = c - radius - 1
                        if entering < columns, source[base + entering] { running += 1 }
                        if leaving >= 0, source[base + leaving] { running -= 1 }
                        counts[base + c] = running
                    }
                }
            }
        }
        let full = Int32((2 * radius + 1) * (2 * radius + 1))
        var result = [Bool](repeating: false, count: n)
        rowCounts.withUnsafeBufferPointer { counts in
            result.withUnsafeMutableBufferPointer { out in
                var running = [Int32](repeating: 0, count: columns)
                for r in 0..<min(radius, rows) { for c in 0..<columns { running[c] += counts[r * columns + c] } }
                for r in 0..<rows {
                    let entering = r + radius, leaving = r - radius - 1
                    if entering < rows { let base = entering * columns; for c in 0..<columns { running[c] += counts[base + c] } }
                    if leaving >= 0 { let base = leaving * columns; for c in 0..<columns { running[c] -= counts[base + c] } }
                    let base = r * columns
                    for c in 0..<columns { out[base + c] = keep(running[c], full) }
                }
            }
        }
        return result
    }

    public static func && (a: BinaryMask, b: BinaryMask) -> BinaryMask {
        var result = a.pixels
        b.pixels.withUnsafeBufferPointer { other in
            result.withUnsafeMutableBufferPointer { out in for i in out.indices where !other[i] { out[i] = false } }
        }
        return BinaryMask(rows: a.rows, columns: a.columns, pixels: result)
    }

    public static func || (a: BinaryMask, b: BinaryMask) -> BinaryMask {
        var result = a.pixels
        b.pixels.withUnsafeBufferPointer { other in
            result.withUnsafeMutableBufferPointer { out in for i in out.indices where other[i] { out[i] = true } }
        }
        return BinaryMask(rows: a.rows, columns: a.columns, pixels: result)
    }
}

/// Summed-area table: the sum of any axis-aligned window in O(1).
struct BoxSum {
    let rows: Int
    let columns: Int
    private var table: [Double]

    init(rows: Int, columns: Int, value: (Int) -> Double) {
        self.rows = rows
        self.columns = columns
        let width = columns + 1
        var table = [Double](repeating: 0, count: (rows + 1) * width)
        for r in 0..<rows {
            var rowSum = 0.0
            for c in 0..<columns {
                rowSum += value(r * columns + c)
                table[(r + 1) * width + c + 1] = table[r * width + c + 1] + rowSum
            }
        }
        self.table = table
    }

    /// Sum over the window of half-size `radius` around (row, column), clipped to the image.
    func sum(row: Int, column: Int, radius: Int) -> Double {
        let r0 = max(0, row - radius), r1 = min(rows, row + radius + 1)
        let c0 = max(0, column - radius), c1 = min(columns, column + radius + 1)
        let width = columns + 1
        return table[r1 * width + c1] - table[r0 * width + c1] - table[r1 * width + c0] + table[r0 * width + c0]
    }
}

extension BinaryMask {
    /// Half the resolution in each direction: a pixel is set when all of its 2 × 2 block is (so
    /// separate structures never merge; a block cut by the image edge counts its missing pixels as unset).
    public func downsampledByTwo() -> BinaryMask {
        let halfRows = (rows + 1) / 2, halfColumns = (columns + 1) / 2
        var counts = [UInt8](repeating: 0, count: halfRows * halfColumns)
        pixels.withUnsafeBufferPointer { source in
            counts.withUnsafeMutableBufferPointer { out in
                for r in 0..<rows {
                    let base = r * columns, halfBase = (r / 2) * halfColumns
                    for c in 0..<columns where source[base + c] { out[halfBase + c / 2] += 1 }
                }
            }
        }
        return BinaryMask(rows: halfRows, columns: halfColumns, pixels: counts.map { $0 == 4 })
    }

    /// Back to full resolution (`rows` × `columns`): each pixel copies its 2 × 2 block's value.
    public func upsampledByTwo(rows fullRows: Int, columns fullColumns: Int) -> BinaryMask {
        var result = [Bool](repeating: false, count: fullRows * fullColumns)
        pixels.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { out in
                for r in 0..<fullRows {
                    let halfBase = (r / 2) * columns, base = r * fullColumns
                    for c in 0..<fullColumns { out[base + c] = source[halfBase + c / 2] }
                }
            }
        }
        return BinaryMask(rows: fullRows, columns: fullColumns, pixels: result)
    }
}
