/// Bitwise AND (all) or OR (any) of byte maps over windows of `span` bytes spaced `unit` apart: the
/// one-dimensional pass of square erosion and dilation (unit 1 along rows, the row length down
/// columns). Each sixteen output bytes are folded in a register from `span` loads, one pass.
enum ByteWindows {
    /// out[i] = source[i] op source[i + unit] op … op source[i + (span − 1)·unit] for i < count; the
    /// source must hold count + (span − 1)·unit bytes. `out` may not overlap `source`.
    @inline(__always)
    static func fold(_ source: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>, count: Int, span: Int, unit: Int, all: Bool) {
        if all {
            fold(source, into: out, count: count, span: span, unit: unit) { $0 & $1 } scalar: { $0 & $1 }
        } else {
            fold(source, into: out, count: count, span: span, unit: unit) { $0 | $1 } scalar: { $0 | $1 }
        }
    }

    @inline(__always)
    private static func fold(
        _ source: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>, count: Int, span: Int, unit: Int,
        _ combine: (SIMD16<UInt8>, SIMD16<UInt8>) -> SIMD16<UInt8>, scalar: (UInt8, UInt8) -> UInt8
    ) {
        var i = 0
        while i &+ 16 <= count {
            var p = UnsafeRawPointer(source + i)
            var folded = p.loadUnaligned(as: SIMD16<UInt8>.self)
            for _ in 1..<max(1, span) {
                p += unit
                folded = combine(folded, p.loadUnaligned(as: SIMD16<UInt8>.self))
            }
            UnsafeMutableRawPointer(out + i).storeBytes(of: folded, as: SIMD16<UInt8>.self)
            i &+= 16
        }
        while i < count {
            var folded = source[i]
            for k in 1..<max(1, span) { folded = scalar(folded, source[i &+ k &* unit]) }
            out[i] = folded
            i &+= 1
        }
    }
}

/// Counting the set bytes (0 or 1) of byte maps sixteen at a time: byte lanes, widened every 255 blocks.
struct ByteTally {
    private var lanes = SIMD16<UInt8>(repeating: 0)
    private var blocks = 0
    private(set) var total = 0

    /// Adds sixteen 0/1 bytes.
    @inline(__always)
    mutating func add(_ flags: SIMD16<UInt8>) {
        lanes &+= flags
        blocks &+= 1
        if blocks == 255 { flush() }
    }

    /// Adds one 0/1 byte.
    @inline(__always)
    mutating func add(_ flag: UInt8) { total &+= Int(flag) }

    /// The count so far, lanes included.
    @inline(__always)
    mutating func flush() {
        total &+= Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        lanes = SIMD16<UInt8>(repeating: 0)
        blocks = 0
    }

    /// Sixteen bytes at `p`.
    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>) -> SIMD16<UInt8> { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<UInt8>.self) }
}
