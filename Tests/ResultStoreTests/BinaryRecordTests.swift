import Foundation
import ResultStore
import Testing

/// Values of every shape synthesized Codable produces: optionals (nil and not), nested structs, lists of
/// optionals and lists, dictionaries, enums with and without associated values, every number type.
private struct Everything: Codable, Equatable {
    enum Kind: String, Codable { case axial, helical }
    enum Outcome: Codable, Equatable {
        case measured(value: Double, unit: String)
        case skipped(String)
        case none
    }
    struct Inner: Codable, Equatable {
        var name: String
        var values: [Double]?
    }

    var text = "Ünïcode ☢ CT"
    var empty = ""
    var flag = true
    var integer = Int.min
    var bytes: [UInt8] = [0, 255, 7]
    var small: Int8 = -128
    var wide: UInt64 = .max
    var float: Float = -1.5e-30
    var doubles: [Double] = [0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1 + 0.2, -.infinity]
    var missing: Double?
    var present: Double? = 42.5
    var missingText: String?
    var optionals: [Int?] = [1, nil, 3]
    var grid: [[String]] = [["a", "b"], [], ["c"]]
    var inner = Inner(name: "in", values: [1, 2])
    var inners: [Inner] = [Inner(name: "x", values: nil), Inner(name: "", values: [])]
    var missingInner: Inner?
    var kind = Kind.helical
    var kinds: [Kind?] = [.axial, nil]
    var outcomes: [Outcome] = [.measured(value: 3.25, unit: "mGy"), .skipped("no pixels"), .none]
    var table: [String: Int] = ["one": 1, "two": 2]
    var numbered: [Int: String] = [7: "seven"]
}

/// An older and a newer version of the same record.
private struct VersionOne: Codable { var name: String; var dose: Double }
private struct VersionTwo: Codable, Equatable { var name: String; var site: String?; var dose: Double }

/// Reads its keys in another order than it writes them, and writes through a nested container.
private struct OutOfOrder: Codable, Equatable {
    var a: Int
    var b: String
    var c: [Double]
    enum CodingKeys: String, CodingKey { case a, b, c, nested }
    enum NestedKeys: String, CodingKey { case c }

    init(a: Int, b: String, c: [Double]) { (self.a, self.b, self.c) = (a, b, c) }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        c = try container.nestedContainer(keyedBy: NestedKeys.self, forKey: .nested).decode([Double].self, forKey: .c)
        b = try container.decode(String.self, forKey: .b)
        a = try container.decode(Int.self, forKey: .a)
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(a, forKey: .a)
        var nested = container.nestedContainer(keyedBy: NestedKeys.self, forKey: .nested)
        try nested.encode(c, forKey: .c)
        try container.encode(b, forKey: .b)
    }
}

/// A list written and read element by element through an unkeyed container, as `Array`'s own Codable
/// conformance does (the encoder and decoder take lists of Doubles and Strings by a shorter path).
private struct ElementByElement<Element: Codable & Equatable>: Codable, Equatable {
    var values: [Element]
    init(_ values: [Element]) { self.values = values }

    init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        values = []
        while !container.isAtEnd { values.append(try container.decode(Element.self)) }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        for value in values { try container.encode(value) }
    }
}

struct BinaryRecordTests {
    let encoder = BinaryRecordEncoder()
    let decoder = BinaryRecordDecoder()

    @Test func everyShapeComesBackEqual() throws {
        let value = Everything()
        let data = try encoder.encode(value)
        #expect(BinaryRecordFormat.isBinaryRecord(data))
        let back = try decoder.decode(Everything.self, from: data)
        #expect(back == value)
        // Bit patterns, not just ==: -0.0 stays negative, the smallest subnormal survives.
        #expect(back.doubles.map(\.bitPattern) == value.doubles.map(\.bitPattern))
        #expect(back.float.bitPattern == value.float.bitPattern)
    }

    @Test func topLevelValuesOfEveryKind() throws {
        #expect(try decoder.decode([String].self, from: encoder.encode(["a", "", "b"])) == ["a", "", "b"])
        #expect(try decoder.decode(Double?.self, from: encoder.encode(Double?.none)) == nil)
        #expect(try decoder.decode(String.self, from: encoder.encode("plain")) == "plain")
        #expect(try decoder.decode([Everything].self, from: encoder.encode([Everything](repeating: Everything(), count: 3))).count == 3)
    }

    @Test func listsOfDoublesAndStringsTakeTheBytesOfAnyList() throws {
        // Records stored before the short path existed must read the same, and the other way round.
        let doubles: [Double] = [1.5, -0.0, .leastNonzeroMagnitude, .infinity]
        let strings = ["ORIGINAL", "", "Ünïcode", String(repeating: "x", count: 200)]
        #expect(try encoder.encode(doubles) == encoder.encode(ElementByElement(doubles)))
        #expect(try encoder.encode(strings) == encoder.encode(ElementByElement(strings)))
        #expect(try encoder.encode([[1.0], []] as [[Double]]) == encoder.encode([ElementByElement([1.0]), ElementByElement([Double]())]))
        let decodedDoubles = try decoder.decode([Double].self, from: encoder.encode(ElementByElement(doubles)))
        #expect(decodedDoubles.map(\.bitPattern) == doubles.map(\.bitPattern))
        #expect(try decoder.decode([String].self, from: encoder.encode(ElementByElement(strings))) == strings)
        #expect(try decoder.decode(ElementByElement<String>.self, from: encoder.encode(strings)).values == strings)
        // A nil element is an error either way; a String where a Double belongs too.
        #expect(throws: DecodingError.self) { try decoder.decode([Double].self, from: encoder.encode([1.0, nil] as [Double?])) }
        #expect(throws: DecodingError.self) { try decoder.decode([Double].self, from: encoder.encode(["1.0"])) }
    }

    @Test func slotsOfEveryHeaderWidth() throws {
        // Headers of 1, 2 and 3 bytes: contents of up to 126 bytes, up to 16,382, and more; nested, so that
        // widening an inner slot moves bytes inside an outer one still open.
        for length in [0, 126, 127, 128, 16_382, 16_383, 70_000] {
            let text = String(repeating: "x", count: length)
            let value = [Everything.Inner(name: text, values: [Double](repeating: 1.5, count: length / 8))]
            #expect(try decoder.decode([Everything.Inner].self, from: encoder.encode(value)) == value, "\(length)")
        }
        #expect(try encoder.encode("").count == 3)  // magic, version, header
    }

    @Test func recordsOutliveAddedAndRemovedFields() throws {
        let old = try encoder.encode(VersionOne(name: "head", dose: 12.5))
        #expect(try decoder.decode(VersionTwo.self, from: old) == VersionTwo(name: "head", site: nil, dose: 12.5))
        let new = try encoder.encode(VersionTwo(name: "chest", site: "A", dose: 3))
        let read = try decoder.decode(VersionOne.self, from: new)
        #expect(read.name == "chest" && read.dose == 3)
    }

    @Test func keysReadInAnyOrderAndNestedContainers() throws {
        let value = OutOfOrder(a: -3, b: "bee", c: [1.5, 2.5])
        #expect(try decoder.decode(OutOfOrder.self, from: encoder.encode(value)) == value)
    }

    @Test func missingRequiredKeyAndWrongTypeAreErrors() throws {
        let data = try encoder.encode(VersionOne(name: "x", dose: 1))
        #expect(throws: DecodingError.self) { try decoder.decode(OutOfOrder.self, from: data) }
        #expect(throws: DecodingError.self) { try decoder.decode(Int.self, from: encoder.encode("text")) }
        #expect(throws: DecodingError.self) { try decoder.decode(Double.self, from: encoder.encode(Double?.none)) }
    }

    @Test func damagedBytesThrowAndNeverCrash() throws {
        let data = try encoder.encode(Everything())
        #expect(throws: DecodingError.self) { try decoder.decode(Everything.self, from: Data("{\"text\":1}".utf8)) }
        var wrongVersion = data
        wrongVersion[1] = 99
        #expect(throws: DecodingError.self) { try decoder.decode(Everything.self, from: wrongVersion) }
        // Every truncation is an error (the root slot's count no longer fits).
        for length in 0..<data.count {
            #expect(throws: (any Error).self) { try decoder.decode(Everything.self, from: data.prefix(length)) }
        }
        // Every single-byte change either still decodes or throws; none may crash or read out of bounds.
        var decodedAnyway = 0
        for position in 2..<data.count {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = data
                damaged[position] ^= flip
                if (try? decoder.decode(Everything.self, from: damaged)) != nil { decodedAnyway += 1 }
            }
        }
        #expect(decodedAnyway < (data.count - 2) * 3)
    }

    @Test func containerWrittenAfterItsSlotClosedIsRefused() throws {
        struct Interleaved: Encodable {
            enum Keys: String, CodingKey { case first, second, late }
            func encode(to encoder: Encoder) throws {
                var outer = encoder.container(keyedBy: Keys.self)
                var first = outer.nestedContainer(keyedBy: Keys.self, forKey: .first)
                try outer.encode(1, forKey: .second)
                try first.encode(2, forKey: .late)
            }
        }
        #expect(throws: EncodingError.self) { try encoder.encode(Interleaved()) }
    }
}
