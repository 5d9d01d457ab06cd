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
            while left &- 8 >= rowStart, word(map, at: left &- 8) == allOpen { left &-= 8 }
            while left > rowStart, map[left - 1] == open { left -= 1 }
            while right &+ 8 <= rowLast, word(map, at: right &+ 1) == allOpen { right &+= 8 }
            while right < rowLast, map[right + 1] == open { right += 1 }
            (map + left).update(repeating: filled, count: right - left + 1)
            if r > 0 { pushRuns(map, from: left - columns, through: right - columns, stack: &stack) }
            if r < rows - 1 { pushRuns(map, from: left + columns, through: right + columns, stack: &stack) }
        }
    }

    /// Eight `open` bytes.
    private static let allOpen: UInt64 = 0x0101_0101_0101_0101

    @inline(__always)
    private static func word(_ map: UnsafeMutablePointer<UInt8>, at offset: Int) -> UInt64 {
        UnsafeRawPointer(map + offset).loadUnaligned(as: UInt64.self)
    }

    /// Whether none of the eight bytes is `open` (the classic "has a zero byte" test on word ^ allOpen).
    @inline(__always)
    private static func noneOpen(_ w: UInt64) -> Bool {
        let x = w ^ allOpen
        return (x &- allOpen) & ~x & 0x8080_8080_8080_8080 == 0
    }

    /// Pushes the first pixel of every open run within [first, last] of one row; stretches that are
    /// all open (inside a run) or have no open byte (between runs) are skipped eight at a time.
    @inline(__always)
    private static func pushRuns(_ map: UnsafeMutablePointer<UInt8>, from first: Int, through last: Int, stack: inout [Int]) {
        var q = first
        while q <= last {
            if map[q] == open {
                stack.append(q)
                q += 1
                while q &+ 8 <= last &+ 1, word(map, at: q) == allOpen { q &+= 8 }
                while q <= last, map[q] == open { q += 1 }
            } else {
                q += 1
                while q &+ 8 <= last &+ 1, noneOpen(word(map, at: q)) { q &+= 8 }
            }
        }
    }
}
