import Foundation

/// A compact binary form of a Codable value, for store rows that only ctdose reads back (what was read
/// from each file). Compared with JSON it prints and parses no numbers (a Double is its 8 bytes), builds
/// no intermediate tree and sorts no keys.
///
/// Layout: `magic`, `version`, then the root value in a slot. A slot is a UInt32 little-endian byte count
/// (`nilCount` for nil) followed by that many bytes. What the bytes hold is what the type asked for:
/// - a keyed container: entries up to the slot's end, each [key length, varint][key UTF-8][slot];
/// - an unkeyed container: slots up to the slot's end;
/// - a single value: Bool 1 byte, integers little-endian in their own width, Float and Double their
///   IEEE bits, String its UTF-8.
/// Keys are written by name, so a record stays readable after a field is added (absent: nil) or removed
/// (ignored). Optionals are written as nil entries, so a decoder asking for keys in the order they were
/// written finds each one where it looks first.
public enum BinaryRecordFormat {
    static let magic: UInt8 = 0xC7
    static let version: UInt8 = 1
    static let nilCount: UInt32 = .max

    /// Whether `data` was written by `BinaryRecordEncoder` (and not, say, a JSON text of an older store).
    public static func isBinaryRecord(_ data: Data) -> Bool { data.count >= 2 && data.first == magic }
}

/// Writes values in `BinaryRecordFormat`.
public struct BinaryRecordEncoder: Sendable {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> Data {
        let state = BinaryEncodingState()
        state.bytes.reserveCapacity(1024)
        state.bytes.append(BinaryRecordFormat.magic)
        state.bytes.append(BinaryRecordFormat.version)
        try state.encodeSlot(value)
        if let failure = state.failure { throw failure }
        return Data(state.bytes)
    }
}

/// The bytes written so far and the slots still open (their count fields' positions), innermost last.
/// Containers write to the same bytes in order; a container's slot closes when a container outside it
/// writes again, so nested containers must be finished before their parent goes on (as synthesized
/// Codable does). A container used after its slot closed makes `encode` throw.
final class BinaryEncodingState: Encoder {
    // Unchecked: one encoder runs on one thread, and no access to these overlaps another; the dynamic
    // exclusivity checks were a fifth of the encoding time.
    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) private var openSlots: [Int] = []
    private var nilSlot = -1
    var failure: EncodingError?

    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The position that identifies the innermost open slot (its count field), for `resume`.
    private var place: (depth: Int, token: Int) { (openSlots.count, openSlots.last ?? -1) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let (depth, token) = place
        return KeyedEncodingContainer(BinaryKeyedWriter<Key>(state: self, depth: depth, token: token))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        let (depth, token) = place
        return BinaryUnkeyedWriter(state: self, depth: depth, token: token)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        let (depth, token) = place
        return BinarySingleValueWriter(state: self, depth: depth, token: token)
    }

    /// Closes the slots opened inside the container at `depth` and checks that its own is still open.
    func resume(depth: Int, token: Int) {
        while openSlots.count > depth { closeSlot() }
        if openSlots.count != depth || (openSlots.last ?? -1) != token {
            failure = failure ?? EncodingError.invalidValue(
                token, .init(codingPath: [], debugDescription: "a container was written to after a later one at its level"))
        }
    }

    func openSlot() {
        openSlots.append(bytes.count)
        bytes.append(contentsOf: [0, 0, 0, 0] as [UInt8])
    }

    private func closeSlot() {
        let position = openSlots.removeLast()
        let count: UInt32
        if position == nilSlot {
            count = BinaryRecordFormat.nilCount
            nilSlot = -1
        } else if bytes.count - position - 4 < Int(BinaryRecordFormat.nilCount) {
            count = UInt32(bytes.count - position - 4)
        } else {
            count = 0
            failure = failure ?? EncodingError.invalidValue(position, .init(codingPath: [], debugDescription: "a value of 4 GB or more"))
        }
        withUnsafeBytes(of: count.littleEndian) { raw in
            for i in 0..<4 { bytes[position + i] = raw[i] }
        }
    }

    /// Marks the innermost open slot as nil.
    func markNil() { nilSlot = openSlots.last ?? -1 }

    /// `value` in a slot of its own.
    func encodeSlot<T: Encodable>(_ value: T) throws {
        if appendPrimitiveSlot(value) { return }
        let depth = openSlots.count
        openSlot()
        try value.encode(to: self)
        while openSlots.count > depth { closeSlot() }
    }

    func appendNilSlot() { appendCount(BinaryRecordFormat.nilCount) }

    func appendKey(_ key: some CodingKey) {
        var name = key.stringValue
        name.withUTF8 { utf8 in
            var length = utf8.count
            while length >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            bytes.append(UInt8(length))
            bytes.append(contentsOf: utf8)
        }
    }

    private func appendCount(_ count: UInt32) {
        withUnsafeBytes(of: count.littleEndian) { bytes.append(contentsOf: $0) }
    }

    // MARK: single values

    func append(_ value: Bool) { bytes.append(value ? 1 : 0) }
    func append(_ value: String) {
        var text = value
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }
    func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    func append(_ value: Double) { append(value.bitPattern) }
    func append(_ value: Float) { append(value.bitPattern) }

    func appendSlot(_ value: Bool) { appendCount(1); append(value) }
    func appendSlot(_ value: String) {
        var text = value
        text.withUTF8 { utf8 in
            appendCount(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
    func appendSlot<T: FixedWidthInteger>(_ value: T) { appendCount(UInt32(MemoryLayout<T>.size)); append(value) }
    func appendSlot(_ value: Double) { appendSlot(value.bitPattern) }
    func appendSlot(_ value: Float) { appendSlot(value.bitPattern) }

    /// Writes `value` in a slot without going through Codable when it is a String, a number or a Bool
    /// (arrays of them reach containers only through the generic `encode`).
    private func appendPrimitiveSlot<T>(_ value: T) -> Bool {
        if T.self == String.self { appendSlot(unsafeBitCast(value, to: String.self)) }
        else if T.self == Double.self { appendSlot(unsafeBitCast(value, to: Double.self)) }
        else if T.self == Int.self { appendSlot(unsafeBitCast(value, to: Int.self)) }
        else if T.self == Bool.self { appendSlot(unsafeBitCast(value, to: Bool.self)) }
        else if T.self == Int64.self { appendSlot(unsafeBitCast(value, to: Int64.self)) }
        else if T.self == Float.self { appendSlot(unsafeBitCast(value, to: Float.self)) }
        else { return false }
        return true
    }
}
