/// Scanline flood fill over a byte map of one image: `open` pixels can be filled, `filled` ones have
/// been, any other value blocks. Filling from a seed turns the 4-connected open region holding it
/// into `filled`, one row run at a time (a stack of run seeds, not of pixels).
enum ScanlineFill {
    static let open: UInt8 = 1
    static let filled: UInt8 = 2

    /// Fills every open region that touches the image border.
    static func fillFromBorder(_ map: UnsafeMutablePointer<UInt8>, rows: Int, columns: Int) {
        guard rows > 0, columns > 0 else { return }
        var stack: [Int] = []
        for c in 0..<columns {
            fill(map, rows: rows, columns: columns, from: c, stack: &stack)
            fill(map, rows: rows, columns: columns, from: (rows - 1) * columns + c, stack: &stack)
        }
        for r in 0..<rows {
            fill(map, rows: rows, columns: columns, from: r * columns, stack: &stack)
            fill(map, rows: rows, columns: columns, from: r * columns + columns - 1, stack: &stack)
        }
    }

    /// Fills the open region holding `seed` (nothing when `seed` is not open). `stack` is scratch space.
    static func fill(_ map: UnsafeMutablePointer<UInt8>, rows: Int, columns: Int, from seed: Int, stack: inout [Int]) {
        guard map[seed] == open else { return }
        stack.append(seed)
        while let p = stack.popLast() {
            guard map[p] == open else { continue }
            let r = p / columns
            let rowStart = r * columns, rowLast = rowStart + columns - 1
            var left = p, right = p
            while left > rowStart, map[left - 1] == open { left -= 1 }
            while right < rowLast, map[right + 1] == open { right += 1 }
            for q in left...right { map[q] = filled }
            if r > 0 { pushRuns(map, from: left - columns, through: right - columns, stack: &stack) }
            if r < rows - 1 { pushRuns(map, from: left + columns, through: right + columns, stack: &stack) }
        }
    }

    /// Pushes the first pixel of every open run within [first, last] of one row.
    @inline(__always)
    private static func pushRuns(_ map: UnsafeMutablePointer<UInt8>, from first: Int, through last: Int, stack: inout [Int]) {
        var q = first
        while q <= last {
            if map[q] == open {
                stack.append(q)
                q += 1
                while q <= last, map[q] == open { q += 1 }
            } else {
                q += 1
            }
        }
    }
}
