import Foundation

/// Reads values written by `BinaryRecordEncoder`. Damaged or foreign bytes throw a DecodingError; every
/// read is bounds-checked.
public struct BinaryRecordDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try BinaryRecordFieldReader.read(data) { root in try root.state.decode(T.self, in: root.slot) }
    }
}

/// A slot's bytes: `start..<end`, or nil.
struct BinarySlot {
    var start: Int
    var end: Int
    var isNil: Bool { start < 0 }
    static let null = BinarySlot(start: -1, end: -1)
}

final class BinaryDecodingState: Decoder {
    let bytes: UnsafeRawBufferPointer
    /// The slot the value being decoded was written in.
    @exclusivity(unchecked) var current = BinarySlot.null

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func damaged(_ reason: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: "damaged binary record: \(reason)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard !current.isNil else { throw DecodingError.valueNotFound(type, .init(codingPath: [], debugDescription: "nil where a keyed value was expected")) }
        return KeyedDecodingContainer(BinaryKeyedReader<Key>(state: self, slot: current))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard !current.isNil else { throw DecodingError.valueNotFound([Any].self, .init(codingPath: [], debugDescription: "nil where a list was expected")) }
        return BinaryUnkeyedReader(state: self, slot: current)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { BinarySingleValueReader(state: self, slot: current) }

    /// A varint at `position`, below `limit`, of at most 5 bytes; and where it ends.
    func varint(at position: Int, within limit: Int) throws -> (value: Int, next: Int) {
        var p = position
        var value = 0
        var shift = 0
        while true {
            guard p < limit, shift < 35 else { throw Self.damaged("a length runs past its end") }
            let byte = bytes[p]
            p += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return (value, p) }
            shift += 7
        }
    }

    /// The slot whose header is at `position`, and where the next thing starts; within `limit`.
    func slot(at position: Int, within limit: Int) throws -> (BinarySlot, next: Int) {
        let (header, start) = try varint(at: position, within: limit)
        if header == 0 { return (.null, start) }
        let end = start + header - 1
        guard end <= limit else { throw Self.damaged("a value runs past its end") }
        return (BinarySlot(start: start, end: end), end)
    }

    func decode<T: Decodable>(_ type: T.Type, in slot: BinarySlot) throws -> T {
        if let value = try primitive(T.self, in: slot) { return value }
        let saved = current
        current = slot
        defer { current = saved }
        return try T(from: self)
    }

    /// Strings, numbers, Bools and lists of Doubles or Strings without going through Codable.
    private func primitive<T>(_ type: T.Type, in slot: BinarySlot) throws -> T? {
        if T.self == String.self { return unsafeBitCast(try string(slot), to: T.self) }
        if T.self == [Double].self { return unsafeBitCast(try list(slot, double), to: T.self) }
        if T.self == [String].self { return unsafeBitCast(try list(slot, string), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try double(slot), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(Int.self, slot), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try bool(slot), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try integer(Int64.self, slot), to: T.self) }
        if T.self == Float.self { return unsafeBitCast(try float(slot), to: T.self) }
        return nil
    }

    /// The values of an unkeyed container's slots, as `Array.init(from:)` would decode them.
    func list<Element>(_ slot: BinarySlot, _ element: (BinarySlot) throws -> Element) throws -> [Element] {
        guard !slot.isNil else { throw DecodingError.valueNotFound([Element].self, .init(codingPath: [], debugDescription: "nil where a list was expected")) }
        var values: [Element] = []
        var position = slot.start
        while position < slot.end {
            let (item, next) = try self.slot(at: position, within: slot.end)
            values.append(try element(item))
            position = next
        }
        return values
    }

    // MARK: single values

    private func present(_ slot: BinarySlot, _ type: Any.Type) throws -> BinarySlot {
        guard !slot.isNil else { throw DecodingError.valueNotFound(type, .init(codingPath: [], debugDescription: "nil where \(type) was expected")) }
        return slot
    }

    func string(_ slot: BinarySlot) throws -> String {
        let s = try present(slot, String.self)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[s.start..<s.end]), as: UTF8.self)
    }

    func bool(_ slot: BinarySlot) throws -> Bool {
        let s = try present(slot, Bool.self)
        guard s.end - s.start == 1, bytes[s.start] <= 1 else { throw Self.damaged("a Bool of \(s.end - s.start) bytes") }
        return bytes[s.start] == 1
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type, _ slot: BinarySlot) throws -> T {
        let s = try present(slot, type)
        guard s.end - s.start == MemoryLayout<T>.size else { throw Self.damaged("\(type) in \(s.end - s.start) bytes") }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: s.start, as: T.self))
    }

    func double(_ slot: BinarySlot) throws -> Double { Double(bitPattern: try integer(UInt64.self, slot)) }
    func float(_ slot: BinarySlot) throws -> Float { Float(bitPattern: try integer(UInt32.self, slot)) }
}

/// An entry of a keyed container: its key's bytes, its value, and where the entry after it starts.
/// (Outside the generic reader, so that using it needs no generic metadata look-up.)
struct BinaryKeyedEntry {
    var key: Range<Int>
    var value: BinarySlot
    var next: Int
}

/// Where a keyed reader looks first, and its index of entries once built.
final class BinaryKeyedCursor {
    @exclusivity(unchecked) var position: Int
    @exclusivity(unchecked) var index: [BinaryKeyedEntry]?
    init(_ position: Int) { self.position = position }
}

/// One keyed container's entries. `next.position` is where the entry after the last one found starts: a
/// decoder asking in the order the encoder wrote finds each present key there, without a search. A key
/// not there (absent, or asked out of order) is looked up in an index of the entries, built once.
struct BinaryKeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    typealias Entry = BinaryKeyedEntry
    let state: BinaryDecodingState
    let slot: BinarySlot
    private let next: BinaryKeyedCursor

    init(state: BinaryDecodingState, slot: BinarySlot) {
        self.state = state
        self.slot = slot
        next = BinaryKeyedCursor(slot.start)
    }

    var codingPath: [CodingKey] { [] }

    private func entry(at position: Int) throws -> Entry {
        let (length, p) = try state.varint(at: position, within: slot.end)
        guard p + length <= slot.end else { throw BinaryDecodingState.damaged("a key runs past its container") }
        let (value, after) = try state.slot(at: p + length, within: slot.end)
        return Entry(key: p..<(p + length), value: value, next: after)
    }

    private func entries() throws -> [Entry] {
        if let index = next.index { return index }
        var index: [Entry] = []
        var p = slot.start
        while p < slot.end {
            let e = try entry(at: p)
            index.append(e)
            p = e.next
        }
        next.index = index
        return index
    }

    private func matches(_ name: UnsafeBufferPointer<UInt8>, _ bytes: Range<Int>) -> Bool {
        name.count == bytes.count && (name.isEmpty || memcmp(name.baseAddress!, state.bytes.baseAddress! + bytes.lowerBound, bytes.count) == 0)
    }

    /// The value written for `key`, or nil when the record has no such key.
    private func find(_ key: Key) throws -> BinarySlot? {
        var name = key.stringValue
        return try name.withUTF8 { name in
            if next.position < slot.end {
                let e = try entry(at: next.position)
                if matches(name, e.key) {
                    next.position = e.next
                    return e.value
                }
            }
            guard let e = try entries().first(where: { matches(name, $0.key) }) else { return nil }
            next.position = e.next
            return e.value
        }
    }

    private func required(_ key: Key) throws -> BinarySlot {
        guard let found = try find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no value for \(key.stringValue)"))
        }
        return found
    }

    private func optional(_ key: Key) throws -> BinarySlot? {
        guard let found = try find(key), !found.isNil else { return nil }
        return found
    }

    var allKeys: [Key] {
        ((try? entries()) ?? []).compactMap { Key(stringValue: String(decoding: UnsafeRawBufferPointer(rebasing: state.bytes[$0.key]), as: UTF8.self)) }
    }

    func contains(_ key: Key) -> Bool { (try? find(key)) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { try required(key).isNil }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try state.bool(required(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try state.string(required(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try state.double(required(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try state.float(required(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try state.integer(type, required(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try state.integer(type, required(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try state.integer(type, required(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try state.integer(type, required(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try state.integer(type, required(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try state.integer(type, required(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try state.integer(type, required(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try state.integer(type, required(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try state.integer(type, required(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try state.integer(type, required(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try state.decode(type, in: required(key)) }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(key).map(state.bool) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(key).map(state.string) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(key).map(state.double) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try optional(key).map(state.float) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(key).map { try state.integer(type, $0) } }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try optional(key).map { try state.integer(type, $0) } }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try optional(key).map { try state.integer(type, $0) } }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optional(key).map { try state.integer(type, $0) } }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(key).map { try state.integer(type, $0) } }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try optional(key).map { try state.integer(type, $0) } }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try optional(key).map { try state.integer(type, $0) } }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try optional(key).map { try state.integer(type, $0) } }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try optional(key).map { try state.integer(type, $0) } }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try optional(key).map { try state.integer(type, $0) } }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try optional(key).map { try state.decode(type, in: $0) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let found = try required(key)
        guard !found.isNil else { throw DecodingError.valueNotFound(type, .init(codingPath: [], debugDescription: "nil for \(key.stringValue)")) }
        return KeyedDecodingContainer(BinaryKeyedReader<NestedKey>(state: state, slot: found))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        let found = try required(key)
        guard !found.isNil else { throw DecodingError.valueNotFound([Any].self, .init(codingPath: [], debugDescription: "nil for \(key.stringValue)")) }
        return BinaryUnkeyedReader(state: state, slot: found)
    }

    func superDecoder() throws -> Decoder { try superDecoder(named: "super") }
    func superDecoder(forKey key: Key) throws -> Decoder { try superDecoder(named: key.stringValue) }

    private func superDecoder(named name: String) throws -> Decoder {
        if let e = try entries().first(where: { String(decoding: UnsafeRawBufferPointer(rebasing: state.bytes[$0.key]), as: UTF8.self) == name }) {
            let decoder = BinaryDecodingState(state.bytes)
            decoder.current = e.value
            return decoder
        }
        throw DecodingError.keyNotFound(BinaryRecordKey(name), .init(codingPath: [], debugDescription: "no value for \(name)"))
    }
}
