import Foundation

/// A compact binary form of a Codable value, for store rows that only ctdose reads back (what was read
/// from each file). Compared with JSON it prints and parses no numbers (a Double is its 8 bytes), builds
/// no intermediate tree and sorts no keys.
///
/// Layout: `magic`, `version`, then the root value in a slot. A slot is a varint (LEB128) header, 0 for
/// nil or the byte count + 1, followed by that many bytes. What the bytes hold is what the type asked for:
/// - a keyed container: entries up to the slot's end, each [key length, varint][key UTF-8][slot];
/// - an unkeyed container: slots up to the slot's end;
/// - a single value: Bool 1 byte, integers little-endian in their own width, Float and Double their
///   IEEE bits, String its UTF-8.
/// Keys are written by name, so a record stays readable after a field is added (absent: nil) or removed
/// (ignored). Absent optionals are left out, as in JSON. A decoder asking for keys in the order they were
/// written finds each present one where it looks first; any other key is looked up in an index of the
/// container's entries, built at the first such question. A CT image header takes fewer bytes than its
/// JSON; it encodes about 4–5 times and decodes about 2.5–3.5 times faster (Foundation's binary property list, the other
/// Codable format at hand, is no faster than JSON to encode and slower to decode).
public enum BinaryRecordFormat {
    static let magic: UInt8 = 0xC7
    static let version: UInt8 = 2
    /// The largest value a slot may hold.
    static let maximumCount = Int(UInt32.max - 1)

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

/// The bytes written so far and the slots still open (their headers' positions), innermost last.
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

    /// The position that identifies the innermost open slot (its header), for `resume`.
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

    /// Reserves one byte for the slot's header; `closeSlot` widens it when the content needs more.
    func openSlot() {
        openSlots.append(bytes.count)
        bytes.append(0)
    }

    func closeSlot() {
        let position = openSlots.removeLast()
        let count = bytes.count - position - 1
        var header: UInt64 = 0
        if position == nilSlot {
            nilSlot = -1
        } else if count <= BinaryRecordFormat.maximumCount {
            header = UInt64(count) + 1
        } else {
            failure = failure ?? EncodingError.invalidValue(position, .init(codingPath: [], debugDescription: "a value of 4 GB or more"))
        }
        bytes[position] = UInt8(truncatingIfNeeded: header) | (header >= 0x80 ? 0x80 : 0)
        header >>= 7
        var wider: [UInt8] = []
        while header > 0 {
            wider.append(UInt8(truncatingIfNeeded: header) | (header >= 0x80 ? 0x80 : 0))
            header >>= 7
        }
        // Only slots of 127 bytes or more move their content, once per level.
        if !wider.isEmpty { bytes.insert(contentsOf: wider, at: position + 1) }
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

    func appendNilSlot() { bytes.append(0) }

    func appendKey(_ key: some CodingKey) {
        var name = key.stringValue
        name.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// The header of a slot of `count` bytes.
    private func appendCount(_ count: Int) { appendVarint(UInt64(count) + 1) }

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
            appendCount(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }
    func appendSlot<T: FixedWidthInteger>(_ value: T) { appendCount(MemoryLayout<T>.size); append(value) }
    func appendSlot(_ value: Double) { appendSlot(value.bitPattern) }
    func appendSlot(_ value: Float) { appendSlot(value.bitPattern) }

    /// Writes `value` in a slot without going through Codable when it is a String, a number, a Bool or
    /// a list of Doubles or Strings (the same bytes as an unkeyed container of them).
    private func appendPrimitiveSlot<T>(_ value: T) -> Bool {
        if T.self == String.self { appendSlot(unsafeBitCast(value, to: String.self)) }
        else if T.self == [Double].self { appendListSlot(unsafeBitCast(value, to: [Double].self), appendSlot) }
        else if T.self == [String].self { appendListSlot(unsafeBitCast(value, to: [String].self), appendSlot) }
        else if T.self == Double.self { appendSlot(unsafeBitCast(value, to: Double.self)) }
        else if T.self == Int.self { appendSlot(unsafeBitCast(value, to: Int.self)) }
        else if T.self == Bool.self { appendSlot(unsafeBitCast(value, to: Bool.self)) }
        else if T.self == Int64.self { appendSlot(unsafeBitCast(value, to: Int64.self)) }
        else if T.self == Float.self { appendSlot(unsafeBitCast(value, to: Float.self)) }
        else { return false }
        return true
    }

    private func appendListSlot<Element>(_ list: [Element], _ appendElement: (Element) -> Void) {
        openSlot()
        for element in list { appendElement(element) }
        closeSlot()
    }
}
