import Foundation
import GRDB
import GRDBSQLite

/// The default store: one SQLite file through GRDB, in WAL mode so readers never block the writer
/// and a killed process leaves the last committed transaction intact. A file store is a GRDB
/// DatabasePool: reads run on their own connections beside the one writer (a study being assembled
/// reads its files while another one's exam is written); `:memory:` is a single-connection queue.
public final class SQLiteDatabase: SQLDatabase, @unchecked Sendable {
    public let dialect = SQLDialect.sqlite
    private let queue: any DatabaseWriter

    /// Opens `path` (created when absent); `":memory:"` gives a private in-memory database.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(120)  // another process (a second scan) holding the write lock
        configuration.prepareDatabase { db in
            if !db.configuration.readonly, path != ":memory:" {
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")  // WAL + NORMAL: durable across a process kill
            }
        }
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if path != ":memory:", !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            queue = path == ":memory:" ? try DatabaseQueue(configuration: configuration)
                : try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError("cannot open SQLite store \(path): \(error)")
        }
    }

    public func transaction<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try queue.write { db in try body(GRDBSession(db: db)) }
    }

    public func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try queue.read { db in try body(GRDBSession(db: db)) }
    }

    public func withExclusiveSchemaLock<T>(_ body: () throws -> T) throws -> T {
        try body()  // migrations run inside one IMMEDIATE transaction: SQLite's own write lock serialises them
    }

    public func close() throws { try queue.close() }
}

private struct GRDBSession: SQLSession {
    let db: Database

    func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        if arguments.isEmpty {
            try db.execute(sql: SQLDialect.sqlite.translating(sql))  // schema and one-off statements: not cached
            return
        }
        try run(sql, arguments) { _ in }
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try run(sql, arguments) { handle in
            rows.append((0..<sqlite3_column_count(handle)).map { column in Self.value(of: handle, column: column) })
        }
        return rows
    }

    /// Runs GRDB's cached statement for `sql` with its values bound, and reads its rows, with SQLite's own
    /// functions. GRDB's path converted every value twice (to an optional existential, then to a
    /// DatabaseValue) and validated them, and made a Row of DatabaseValues of every result row: for the
    /// multi-row INSERTs of a header scan (64 rows of up to 8 values), 9 % of the committing thread's
    /// instructions, as much as SQLite's own work on them. The statement is reset and cleared before and
    /// after, so GRDB finds it as it left it.
    private func run(_ sql: String, _ values: [SQLValue], row: (OpaquePointer) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: SQLDialect.sqlite.translating(sql))
        let handle = statement.sqliteStatement
        let failure = { (code: Int32) in DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql) }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        guard Int(sqlite3_bind_parameter_count(handle)) == values.count else {
            throw StoreError("statement expects \(sqlite3_bind_parameter_count(handle)) values, got \(values.count): \(statement.sql)")
        }
        // SQLITE_TRANSIENT: SQLite copies text and blobs before the bind returns. Text and blobs are bound
        // as GRDB binds them (NUL-terminated text; an empty blob's null address).
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let integer): code = sqlite3_bind_int64(handle, index, integer)
            case .real(let real): code = sqlite3_bind_double(handle, index, real)
            case .text(let text): code = sqlite3_bind_text(handle, index, text, -1, transient)
            case .blob(let data): code = data.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), transient)
                }
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code) }
            try row(handle)
        }
    }

    /// One column of the current result row, read as GRDB reads it (text up to its first NUL).
    private static func value(of handle: OpaquePointer, column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT: return .text(sqlite3_column_text(handle, column).map { String(cString: $0) } ?? "")
        case SQLITE_BLOB:
            guard let bytes = sqlite3_column_blob(handle, column) else { return .blob(Data()) }
            return .blob(Data(bytes: bytes, count: Int(sqlite3_column_bytes(handle, column))))
        default: return .null
        }
    }
}
