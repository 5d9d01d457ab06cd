import Foundation

/// Writes a record in `BinaryRecordFormat` field by field, for a type whose Codable conformance costs too
/// much on a hot path (about a thousand instructions a field). It must write exactly what the type's
/// `Encodable` conformance writes through `BinaryRecordEncoder` (the same keys in the same order, absent
/// optionals left out), so that either side reads the other's records; a test per type compares the bytes.
public final class BinaryRecordFieldWriter {
    private let state = BinaryEncodingState()

    public init() {
        state.bytes.reserveCapacity(1024)
        state.bytes.append(BinaryRecordFormat.magic)
        state.bytes.append(BinaryRecordFormat.version)
    }

    public var data: Data { Data(state.bytes) }

    /// A slot holding what `body` writes: a list's elements, or a keyed value's fields.
    public func slot(_ body: () -> Void) {
        state.openSlot()
        body()
        state.closeSlot()
    }

    /// A field holding a keyed value (a nested struct) whose fields `body` writes.
    public func field(_ key: StaticString, _ body: () -> Void) {
        append(key)
        slot(body)
    }

    public func field(_ key: StaticString, _ value: String?) { field(key, value, state.appendSlot) }
    public func field(_ key: StaticString, _ value: Double?) { field(key, value, state.appendSlot) }
    public func field(_ key: StaticString, _ value: Int?) { field(key, value, state.appendSlot) }
    public func field(_ key: StaticString, _ value: Bool?) { field(key, value, state.appendSlot) }

    public func field(_ key: StaticString, _ value: [String]?) {
        field(key, value) { list in slot { for element in list { state.appendSlot(element) } } }
    }

    public func field(_ key: StaticString, _ value: [Double]?) {
        field(key, value) { list in slot { for element in list { state.appendSlot(element) } } }
    }

    /// A present value under its key; an absent one is left out, as Codable's `encodeIfPresent` does.
    private func field<T>(_ key: StaticString, _ value: T?, _ write: (T) -> Void) {
        guard let value else { return }
        append(key)
        write(value)
    }

    private func append(_ key: StaticString) {
        state.appendVarint(UInt64(key.utf8CodeUnitCount))
        state.bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }
}

/// One value of a record being read field by field (see `BinaryRecordFieldWriter`); valid only inside
/// `BinaryRecordFieldReader.read`.
public struct BinaryRecordValue {
    let state: BinaryDecodingState
    let slot: BinarySlot

    public var isNil: Bool { slot.isNil }
    public func string() throws -> String { try state.string(slot) }
    public func double() throws -> Double { try state.double(slot) }
    public func int() throws -> Int { try state.integer(Int.self, slot) }
    public func bool() throws -> Bool { try state.bool(slot) }
    public func strings() throws -> [String] { try state.list(slot, state.string) }
    public func doubles() throws -> [Double] { try state.list(slot, state.double) }

    /// The elements of a list.
    public func elements() throws -> [BinaryRecordValue] {
        try state.list(slot) { BinaryRecordValue(state: state, slot: $0) }
    }

    /// Calls `body` with each field of a keyed value whose key is one of `keys`, as its index in `keys`;
    /// fields of other names are skipped (a record written by a newer ctdose). Records hold their fields
    /// in the order their type declares them, so `keys` in that order finds each at the first look.
    public func fields(_ keys: [StaticString], _ body: (Int, BinaryRecordValue) throws -> Void) throws {
        guard !slot.isNil else { throw BinaryDecodingState.damaged("nil where a keyed value was expected") }
        var position = slot.start
        var expected = 0
        while position < slot.end {
            let (length, keyStart) = try state.varint(at: position, within: slot.end)
            guard keyStart + length <= slot.end else { throw BinaryDecodingState.damaged("a key runs past its container") }
            let (value, next) = try state.slot(at: keyStart + length, within: slot.end)
            let key = UnsafeRawBufferPointer(rebasing: state.bytes[keyStart..<(keyStart + length)])
            if let index = Self.index(of: key, in: keys, from: expected) {
                try body(index, BinaryRecordValue(state: state, slot: value))
                expected = index + 1
            }
            position = next
        }
    }

    /// As `fields`, but refusing a value without a field at one of the `required` indices, as a synthesized
    /// Decodable refuses a missing non-optional property; an optional field's nil slot (an explicit nil)
    /// is not passed to `body`.
    public func fields(_ keys: [StaticString], required: Set<Int>, _ body: (Int, BinaryRecordValue) throws -> Void) throws {
        precondition(keys.count <= 64, "a record type of more than 64 fields")
        let requiredMask = required.reduce(UInt64(0)) { $0 | 1 << UInt64($1) }  // no set copied per record
        var missing = requiredMask
        try fields(keys) { index, value in
            let bit = UInt64(1) << UInt64(index)
            missing &= ~bit
            if value.isNil && requiredMask & bit == 0 { return }
            try body(index, value)
        }
        if missing != 0 {
            let first = missing.trailingZeroBitCount
            throw DecodingError.keyNotFound(RecordKey("\(keys[first])"), .init(codingPath: [], debugDescription: "no \(keys[first]) in the record"))
        }
    }

    /// A raw-valued enum case stored as its raw text.
    public func value<T: RawRepresentable<String>>(_ type: T.Type) throws -> T {
        let raw = try string()
        guard let value = T(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(T.self) cannot be '\(raw)'"))
        }
        return value
    }

    private struct RecordKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static func index(of key: UnsafeRawBufferPointer, in keys: [StaticString], from expected: Int) -> Int? {
        func matches(_ name: StaticString) -> Bool {
            name.utf8CodeUnitCount == key.count && (key.isEmpty || memcmp(name.utf8Start, key.baseAddress!, key.count) == 0)
        }
        if expected < keys.count, matches(keys[expected]) { return expected }
        return keys.indices.first { matches(keys[$0]) }
    }
}

/// Reads records field by field (see `BinaryRecordFieldWriter`).
public enum BinaryRecordFieldReader {
    public static func read<T>(_ data: Data, _ body: (BinaryRecordValue) throws -> T) throws -> T {
        try data.withUnsafeBytes { raw in
            guard raw.count >= 2, raw[0] == BinaryRecordFormat.magic else { throw BinaryDecodingState.damaged("not a binary record") }
            guard raw[1] == BinaryRecordFormat.version else {
                throw BinaryDecodingState.damaged("binary record version \(raw[1]); this ctdose reads version \(BinaryRecordFormat.version)")
            }
            let state = BinaryDecodingState(raw)
            let (root, end) = try state.slot(at: 2, within: raw.count)
            guard end == raw.count else { throw BinaryDecodingState.damaged("\(raw.count - end) bytes after the value") }
            return try body(BinaryRecordValue(state: state, slot: root))
        }
    }
}
