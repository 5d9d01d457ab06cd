import Foundation

/// The two SQL dialects ctdose writes. The schema and every statement are written once, with `?`
/// placeholders and `{BLOB}` for the binary column type; each backend translates those two.
public enum SQLDialect: String, Sendable {
    case sqlite, postgres

    public func translating(_ sql: String) -> String {
        switch self {
        case .sqlite:
            // Runs for every statement: only schema statements hold a type placeholder.
            guard sql.utf8.contains(UInt8(ascii: "{")) else { return sql }
            return sql.replacingOccurrences(of: "{BLOB}", with: "BLOB")
        case .postgres:
            var out = ""
            var number = 0
            var inString = false
            for character in sql.replacingOccurrences(of: "{BLOB}", with: "BYTEA") {
                if character == "'" { inString.toggle() }
                if character == "?" && !inString {
                    number += 1
                    out += "$\(number)"
                } else {
                    out.append(character)
                }
            }
            return out
        }
    }
}

/// Statements inside one transaction (or one read).
public protocol SQLSession {
    /// A statement without results. It may run later (PostgreSQL sends it without waiting), but always
    /// before the session's next `rows` and before the transaction ends; its error is thrown then at the latest.
    func execute(_ sql: String, _ arguments: [SQLValue]) throws
    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
}

extension SQLSession {
    public func execute(_ sql: String) throws { try execute(sql, []) }
    public func rows(_ sql: String) throws -> [SQLRow] { try rows(sql, []) }
}

/// A results database: SQLite through GRDB (one file, the default) or PostgreSQL through
/// postgres-nio (one server shared by many machines).
public protocol SQLDatabase: AnyObject, Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` in one transaction: all of its statements are committed together, or none is
    /// (an error or a killed process rolls everything back).
    func transaction<T>(_ body: (any SQLSession) throws -> T) throws -> T
    /// Runs `body` on a consistent snapshot (no writes).
    func read<T>(_ body: (any SQLSession) throws -> T) throws -> T
    /// Serialises schema changes between processes that open the same store at once.
    func withExclusiveSchemaLock<T>(_ body: () throws -> T) throws -> T
    func close() throws
}

/// A storage failure, with what was being done.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
