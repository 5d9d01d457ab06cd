/// A row-major binary image with the morphology ctdose needs: connected components (4-connected,
/// breadth-first), hole filling from the border (scanline fill), and square erosion / dilation in O(N)
/// via separable running counts (MaskMorphology.swift).
public struct BinaryMask: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public var pixels: [Bool]

    public init(rows: Int, columns: Int, pixels: [Bool]) {
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
    }

    /// A mask from a byte map: pixel p is set when `isSet(map[p])`.
    @inline(__always)
    init(rows: Int, columns: Int, bytes: [UInt8], isSet: (UInt8) -> Bool) {
        let pixels = bytes.withUnsafeBufferPointer { map in [Bool](unsafeUninitializedCapacity: map.count) { out, count in
            for p in 0..<map.count { out[p] = isSet(map[p]) }
            count = map.count
        } }
        self.init(rows: rows, columns: columns, pixels: pixels)
    }

    /// The pixels as bytes (0 or 1: Bool's storage), for loops that add or combine them.
    @inline(__always)
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        pixels.withUnsafeBufferPointer { $0.withMemoryRebound(to: UInt8.self, body) }
    }

    public var count: Int {
        withBytes { bytes in
            var total = 0
            for p in 0..<bytes.count { total &+= Int(bytes[p]) }
            return total
        }
    }

    /// A 4-connected component: its pixel count and bounding box (rows, columns).
    public struct Component: Sendable, Equatable {
        public var label: Int32
        public var area: Int
        public var rows: ClosedRange<Int>
        public var columns: ClosedRange<Int>
    }

    /// Labels the 4-connected components (breadth-first, in raster order of their first pixel); label 0 is background.
    public func components() -> (labels: [Int32], components: [Component]) {
        let n = pixels.count, columns = self.columns, rows = self.rows
        var label = [Int32](repeating: 0, count: n)
        var found: [Component] = []
        // Each pixel is queued at most once, so n entries never overflow.
        let queue = UnsafeMutablePointer<Int>.allocate(capacity: max(1, n))
        defer { queue.deallocate() }
        withBytes { mask in
            label.withUnsafeMutableBufferPointer { labels in
                for start in 0..<n where mask[start] != 0 && labels[start] == 0 {
                    let next = Int32(found.count + 1)
                    labels[start] = next
                    queue[0] = start
                    var head = 0, tail = 1
                    var minRow = Int.max, maxRow = 0, minColumn = Int.max, maxColumn = 0
                    @inline(__always) func visit(_ q: Int) {
                        if mask[q] != 0, labels[q] == 0 { labels[q] = next; queue[tail] = q; tail += 1 }
                    }
                    while head < tail {
                        let p = queue[head]
                        head += 1
                        let r = p / columns, c = p - r * columns
                        minRow = Swift.min(minRow, r); maxRow = Swift.max(maxRow, r)
                        minColumn = Swift.min(minColumn, c); maxColumn = Swift.max(maxColumn, c)
                        if c > 0 { visit(p - 1) }
                        if c < columns - 1 { visit(p + 1) }
                        if r > 0 { visit(p - columns) }
                        if r < rows - 1 { visit(p + columns) }
                    }
                    found.append(Component(label: next, area: tail, rows: minRow...maxRow, columns: minColumn...maxColumn))
                }
            }
        }
        return (label, found)
    }

    /// The pixels of the given component labels.
    public static func selecting(_ labels: Set<Int32>, from map: [Int32], rows: Int, columns: Int) -> BinaryMask {
        let highest = Int(map.max() ?? 0)
        var wanted = [Bool](repeating: false, count: highest + 1)
        for label in labels where label > 0 && Int(label) <= highest { wanted[Int(label)] = true }
        let pixels = map.withUnsafeBufferPointer { labelMap in
            wanted.withUnsafeBufferPointer { wanted in
                [Bool](unsafeUninitializedCapacity: labelMap.count) { out, count in
                    for p in 0..<labelMap.count { out[p] = wanted[Int(labelMap[p])] }
                    count = labelMap.count
                }
            }
        }
        return BinaryMask(rows: rows, columns: columns, pixels: pixels)
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
        var map = withBytes { mask in [UInt8](unsafeUninitializedCapacity: mask.count) { out, count in
            for p in 0..<mask.count { out[p] = mask[p] ^ 1 }  // background is open to the fill
            count = mask.count
        } }
        map.withUnsafeMutableBufferPointer { ScanlineFill.fillFromBorder($0.baseAddress!, rows: rows, columns: columns) }
        return BinaryMask(rows: rows, columns: columns, bytes: map) { $0 != ScanlineFill.filled }
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
