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
        BinaryMask(rows: rows, columns: columns, pixels: map.map { $0 != 0 && labels.contains($0) })
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
        var outside = [Bool](repeating: false, count: pixels.count)
        var stack = [Int]()
        func seed(_ p: Int) {
            if !pixels[p] && !outside[p] { outside[p] = true; stack.append(p) }
        }
        for c in 0..<columns { seed(c); seed((rows - 1) * columns + c) }
        for r in 0..<rows { seed(r * columns); seed(r * columns + columns - 1) }
        while let p = stack.popLast() {
            let r = p / columns, c = p % columns
            if c > 0 { seed(p - 1) }
            if c < columns - 1 { seed(p + 1) }
            if r > 0 { seed(p - columns) }
            if r < rows - 1 { seed(p + columns) }
        }
        return BinaryMask(rows: rows, columns: columns, pixels: outside.map { !$0 })
    }

    /// Erosion with a (2r+1)² square: a pixel stays when its whole window is foreground (outside the image counts as background).
    public func eroded(radius: Int) -> BinaryMask {
        guard radius > 0 else { return self }
        let sums = BoxSum(rows: rows, columns: columns) { pixels[$0] ? 1 : 0 }
        let full = Double((2 * radius + 1) * (2 * radius + 1))
        return BinaryMask(rows: rows, columns: columns, pixels: (0..<pixels.count).map { p in
            pixels[p] && sums.sum(row: p / columns, column: p % columns, radius: radius) == full
        })
    }

    /// Dilation with a (2r+1)² square.
    public func dilated(radius: Int) -> BinaryMask {
        guard radius > 0 else { return self }
        let sums = BoxSum(rows: rows, columns: columns) { pixels[$0] ? 1 : 0 }
        return BinaryMask(rows: rows, columns: columns, pixels: (0..<pixels.count).map { p in
            sums.sum(row: p / columns, column: p % columns, radius: radius) > 0
        })
    }

    public static func && (a: BinaryMask, b: BinaryMask) -> BinaryMask {
        BinaryMask(rows: a.rows, columns: a.columns, pixels: zip(a.pixels, b.pixels).map { $0 && $1 })
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
