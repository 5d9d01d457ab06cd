/// A row-major binary image with the morphology ctdose needs: connected components (4-connected,
/// on runs), hole filling from the border (scanline fill), and square erosion / dilation in O(N)
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

    /// Labels the 4-connected components, in raster order of their first pixel; label 0 is background.
    /// Works on runs of set pixels: a run joins the runs of the row above whose columns overlap it
    /// (union–find, the earliest run the root), so the cost follows the number of runs, not of pixels.
    public func components() -> (labels: [Int32], components: [Component]) {
        let columns = self.columns, rows = self.rows
        guard rows > 0, columns > 0 else { return ([Int32](repeating: 0, count: pixels.count), []) }
        var runs = MaskRuns()
        withBytes { mask in
            var previousFirst = 0, previousEnd = 0  // runs of the row above: previousFirst..<previousEnd
            for r in 0..<rows {
                let first = runs.count
                let row = mask.baseAddress! + r * columns
                var c = 0
                while c < columns {
                    // Skip unset stretches eight bytes at a time.
                    if c &+ 8 <= columns, UnsafeRawPointer(row + c).loadUnaligned(as: UInt64.self) == 0 { c &+= 8; continue }
                    guard row[c] != 0 else { c &+= 1; continue }
                    var end = c &+ 1
                    while end < columns, row[end] != 0 { end &+= 1 }
                    let run = runs.append(row: r, start: c, end: end)
                    // Runs above overlapping [c, end); both rows' runs are sorted, so skip the passed ones.
                    while previousFirst < previousEnd, runs.end[previousFirst] <= c { previousFirst &+= 1 }
                    var above = previousFirst
                    while above < previousEnd, runs.start[above] < end {
                        runs.join(run, above)
                        above &+= 1
                    }
                    // The last overlapping run may overlap the next run of this row too.
                    if above > previousFirst { previousFirst = above &- 1 }
                    c = end
                }
                previousFirst = first
                previousEnd = runs.count
            }
        }
        var found: [Component] = []
        var labelOfRun = [Int32](repeating: 0, count: runs.count)
        for i in 0..<runs.count {
            let root = runs.root(i)
            let r = Int(runs.row[i]), start = Int(runs.start[i]), last = Int(runs.end[i]) - 1
            if root == i {
                found.append(Component(label: Int32(found.count + 1), area: 0, rows: r...r, columns: start...last))
                labelOfRun[i] = Int32(found.count)
            } else {
                labelOfRun[i] = labelOfRun[root]
            }
            let k = Int(labelOfRun[i]) - 1
            found[k].area += last + 1 - start
            found[k].rows = Swift.min(found[k].rows.lowerBound, r)...Swift.max(found[k].rows.upperBound, r)
            found[k].columns = Swift.min(found[k].columns.lowerBound, start)...Swift.max(found[k].columns.upperBound, last)
        }
        let labels = [Int32](unsafeUninitializedCapacity: rows * columns) { out, count in
            out.initialize(repeating: 0)
            for i in 0..<runs.count {
                let base = Int(runs.row[i]) * columns
                let label = labelOfRun[i]
                for p in (base + Int(runs.start[i]))..<(base + Int(runs.end[i])) { out[p] = label }
            }
            count = rows * columns
        }
        return (labels, found)
    }

    /// The pixels of the given component labels.
    public static func selecting(_ labels: Set<Int32>, from map: [Int32], rows: Int, columns: Int) -> BinaryMask {
        guard !labels.isEmpty else { return BinaryMask(rows: rows, columns: columns, pixels: [Bool](repeating: false, count: map.count)) }
        // A table up to the highest wanted label and one unset entry for every label beyond it.
        let highest = Int(labels.max() ?? 0)
        var wanted = [Bool](repeating: false, count: max(0, highest) + 2)
        for label in labels where label > 0 { wanted[Int(label)] = true }
        let last = UInt32(wanted.count - 1)
        let pixels = map.withUnsafeBufferPointer { labelMap in
            wanted.withUnsafeBufferPointer { wanted in
                [Bool](unsafeUninitializedCapacity: labelMap.count) { out, count in
                    for p in 0..<labelMap.count { out[p] = wanted[Int(min(UInt32(bitPattern: labelMap[p]), last))] }
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

/// Runs of set pixels (row, start..<end) in raster order, with a union–find forest over them whose
/// roots are each component's earliest run.
private struct MaskRuns {
    var row: [Int32] = [], start: [Int32] = [], end: [Int32] = []
    private var parent: [Int32] = []
    var count: Int { row.count }

    mutating func append(row r: Int, start s: Int, end e: Int) -> Int {
        row.append(Int32(r)); start.append(Int32(s)); end.append(Int32(e)); parent.append(Int32(row.count - 1))
        return row.count - 1
    }

    /// The root of run i's component (path halving on the way).
    mutating func root(_ i: Int) -> Int {
        var i = i
        while Int(parent[i]) != i {
            parent[i] = parent[Int(parent[i])]
            i = Int(parent[i])
        }
        return i
    }

    mutating func join(_ a: Int, _ b: Int) {
        let ra = root(a), rb = root(b)
        if ra < rb { parent[rb] = Int32(ra) } else if rb < ra { parent[ra] = Int32(rb) }
    }
}
