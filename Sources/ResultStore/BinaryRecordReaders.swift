/// The slots of an unkeyed container, read in order.
struct BinaryUnkeyedReader: UnkeyedDecodingContainer {
    let state: BinaryDecodingState
    let slot: BinarySlot
    private var position: Int
    private(set) var currentIndex = 0

    init(state: BinaryDecodingState, slot: BinarySlot) {
        self.state = state
        self.slot = slot
        position = slot.start
    }

    var codingPath: [CodingKey] { [] }
    var isAtEnd: Bool { position >= slot.end }

    var count: Int? {
        var n = 0
        var p = slot.start
        while p < slot.end {
            guard let (_, next) = try? state.slot(at: p, within: slot.end) else { return nil }
            p = next
            n += 1
        }
        return n
    }

    private mutating func nextSlot() throws -> BinarySlot {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: [], debugDescription: "the list has only \(currentIndex) values"))
        }
        let (value, next) = try state.slot(at: position, within: slot.end)
        position = next
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        let (value, next) = try state.slot(at: position, within: slot.end)
        guard value.isNil else { return false }
        position = next
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try state.bool(nextSlot()) }
    mutating func decode(_ type: String.Type) throws -> String { try state.string(nextSlot()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try state.double(nextSlot()) }
    mutating func decode(_ type: Float.Type) throws -> Float { try state.float(nextSlot()) }
    mutating func decode(_ type: Int.Type) throws -> Int { try state.integer(type, nextSlot()) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try state.integer(type, nextSlot()) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try state.integer(type, nextSlot()) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try state.integer(type, nextSlot()) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try state.integer(type, nextSlot()) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try state.integer(type, nextSlot()) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try state.integer(type, nextSlot()) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try state.integer(type, nextSlot()) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try state.integer(type, nextSlot()) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try state.integer(type, nextSlot()) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try state.decode(type, in: nextSlot()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let value = try nextSlot()
        guard !value.isNil else { throw DecodingError.valueNotFound(type, .init(codingPath: [], debugDescription: "nil in a list")) }
        return KeyedDecodingContainer(BinaryKeyedReader<NestedKey>(state: state, slot: value))
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        let value = try nextSlot()
        guard !value.isNil else { throw DecodingError.valueNotFound([Any].self, .init(codingPath: [], debugDescription: "nil in a list")) }
        return BinaryUnkeyedReader(state: state, slot: value)
    }

    mutating func superDecoder() throws -> Decoder {
        let decoder = BinaryDecodingState(state.bytes)
        decoder.current = try nextSlot()
        return decoder
    }
}

/// The one value written into a slot.
struct BinarySingleValueReader: SingleValueDecodingContainer {
    let state: BinaryDecodingState
    let slot: BinarySlot

    var codingPath: [CodingKey] { [] }

    func decodeNil() -> Bool { slot.isNil }
    func decode(_ type: Bool.Type) throws -> Bool { try state.bool(slot) }
    func decode(_ type: String.Type) throws -> String { try state.string(slot) }
    func decode(_ type: Double.Type) throws -> Double { try state.double(slot) }
    func decode(_ type: Float.Type) throws -> Float { try state.float(slot) }
    func decode(_ type: Int.Type) throws -> Int { try state.integer(type, slot) }
    func decode(_ type: Int8.Type) throws -> Int8 { try state.integer(type, slot) }
    func decode(_ type: Int16.Type) throws -> Int16 { try state.integer(type, slot) }
    func decode(_ type: Int32.Type) throws -> Int32 { try state.integer(type, slot) }
    func decode(_ type: Int64.Type) throws -> Int64 { try state.integer(type, slot) }
    func decode(_ type: UInt.Type) throws -> UInt { try state.integer(type, slot) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try state.integer(type, slot) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try state.integer(type, slot) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try state.integer(type, slot) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try state.integer(type, slot) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try state.decode(type, in: slot) }
}
