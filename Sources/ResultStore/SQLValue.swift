import Foundation

/// One SQL value as both backends store it. Booleans are integers 0 / 1; text is UTF-8.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    public init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    public init(_ value: Int64?) { self = value.map(SQLValue.integer) ?? .null }
    public init(_ value: Double?) { self = value.map(SQLValue.real) ?? .null }
    public init(_ value: Bool?) { self = value.map { .integer($0 ? 1 : 0) } ?? .null }
    public init(_ value: Data?) { self = value.map(SQLValue.blob) ?? .null }

    public var string: String? {
        switch self {
        case .text(let s): return s
        case .blob(let d): return String(decoding: d, as: UTF8.self)
        case .integer(let i): return String(i)
        case .real(let r): return String(r)
        case .null: return nil
        }
    }

    public var int64: Int64? {
        switch self {
        case .integer(let i): return i
        case .real(let r): return Int64(exactly: r.rounded(.towardZero))
        case .text(let s): return Int64(s)
        default: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .real(let r): return r
        case .integer(let i): return Double(i)
        case .text(let s): return Double(s)
        default: return nil
        }
    }

    public var data: Data? {
        switch self {
        case .blob(let d): return d
        case .text(let s): return Data(s.utf8)
        default: return nil
        }
    }
}

/// A result row: values in the order of the SELECT list.
public typealias SQLRow = [SQLValue]
