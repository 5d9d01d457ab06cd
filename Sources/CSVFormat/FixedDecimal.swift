import Foundation

/// Numbers as printf's "%.Nf" writes them (correctly rounded from the binary value), through C's
/// vsnprintf into a stack buffer: Foundation's String(format:) parses the format through CoreFoundation
/// on every call, a few microseconds each, and the measure files write several per exam.
public enum FixedDecimal {
    private static let formats = (0...9).map { "%.\($0)f" }

    /// `value` with `places` (0 to 9) decimals; the same text as `String(format: "%.{places}f", value)`.
    public static func text(_ value: Double, places: Int) -> String {
        precondition((0...9).contains(places), "0 to 9 decimal places")
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 48) { buffer -> String in
            let written = formats[places].withCString { format in
                withVaList([value]) { vsnprintf(buffer.baseAddress!, 48, format, $0) }
            }
            guard written >= 0, written < 48 else { return String(format: formats[places], value) }  // beyond 1e37: rare
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(written)), as: UTF8.self)
        }
    }

    /// `value` zero-padded to `width` characters, sign included: `String(format: "%0{width}d", value)`.
    public static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        let zeros = max(0, width - sign.count - digits.count)
        return sign + String(repeating: "0", count: zeros) + digits
    }
}
