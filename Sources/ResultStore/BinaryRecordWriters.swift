/// The containers of `BinaryRecordEncoder`: each knows the slot it writes into (`depth`, `token`) and
/// resumes it before writing, which closes whatever nested container was written before.
struct BinaryKeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: BinaryEncodingState
    let depth: Int
    let token: Int

    var codingPath: [CodingKey] { [] }

    private func begin(_ key: Key) {
        state.resume(depth: depth, token: token)
        state.appendKey(key)
    }

    mutating func encodeNil(forKey key: Key) throws { begin(key); state.appendNilSlot() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { begin(key); state.appendSlot(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { begin(key); try state.encodeSlot(value) }

    // Absent optionals are not written (as in JSON): a record holds only what is there. (Written out per
    // type: through the generic `put`, every call looked up Optional<T>'s metadata at run time.)
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { if let value { begin(key); state.appendSlot(value) } else { skip() } }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try put(value, key, state.encodeSlot) }

    private func put<T>(_ value: T?, _ key: Key, _ write: (T) throws -> Void) throws {
        guard let value else { return skip() }
        begin(key)
        try write(value)
    }

    /// An absent optional: nothing is written, but a nested container before it is closed.
    private func skip() { state.resume(depth: depth, token: token) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        begin(key)
        state.openSlot()
        return state.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        begin(key)
        state.openSlot()
        return state.unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named name: String) -> Encoder {
        state.resume(depth: depth, token: token)
        state.appendKey(BinaryRecordKey(name))
        state.openSlot()
        return state
    }
}

struct BinaryUnkeyedWriter: UnkeyedEncodingContainer {
    let state: BinaryEncodingState
    let depth: Int
    let token: Int
    private(set) var count = 0

    init(state: BinaryEncodingState, depth: Int, token: Int) {
        self.state = state
        self.depth = depth
        self.token = token
    }

    var codingPath: [CodingKey] { [] }

    private mutating func begin() {
        state.resume(depth: depth, token: token)
        count += 1
    }

    mutating func encodeNil() throws { begin(); state.appendNilSlot() }
    mutating func encode(_ value: Bool) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: String) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: Double) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: Float) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: Int) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: Int8) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: Int16) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: Int32) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: Int64) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: UInt) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: UInt8) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: UInt16) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: UInt32) throws { begin(); state.appendSlot(value) }
    mutating func encode(_ value: UInt64) throws { begin(); state.appendSlot(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { begin(); try state.encodeSlot(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        begin()
        state.openSlot()
        return state.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        begin()
        state.openSlot()
        return state.unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        begin()
        state.openSlot()
        return state
    }
}

/// Writes one value into the slot it was made for.
struct BinarySingleValueWriter: SingleValueEncodingContainer {
    let state: BinaryEncodingState
    let depth: Int
    let token: Int

    var codingPath: [CodingKey] { [] }

    private func begin() { state.resume(depth: depth, token: token) }

    mutating func encodeNil() throws { begin(); state.markNil() }
    mutating func encode(_ value: Bool) throws { begin(); state.append(value) }
    mutating func encode(_ value: String) throws { begin(); state.append(value) }
    mutating func encode(_ value: Double) throws { begin(); state.append(value) }
    mutating func encode(_ value: Float) throws { begin(); state.append(value) }
    mutating func encode(_ value: Int) throws { begin(); state.append(value) }
    mutating func encode(_ value: Int8) throws { begin(); state.append(value) }
    mutating func encode(_ value: Int16) throws { begin(); state.append(value) }
    mutating func encode(_ value: Int32) throws { begin(); state.append(value) }
    mutating func encode(_ value: Int64) throws { begin(); state.append(value) }
    mutating func encode(_ value: UInt) throws { begin(); state.append(value) }
    mutating func encode(_ value: UInt8) throws { begin(); state.append(value) }
    mutating func encode(_ value: UInt16) throws { begin(); state.append(value) }
    mutating func encode(_ value: UInt32) throws { begin(); state.append(value) }
    mutating func encode(_ value: UInt64) throws { begin(); state.append(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        begin()
        try value.encode(to: state)
    }
}

/// A key named at run time (super encoders, and keys read back for `allKeys`).
struct BinaryRecordKey: CodingKey {
    var stringValue: String
    var intValue: Int? { Int(stringValue) }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue) }
}
