import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// A PostgreSQL store shared by many machines (`--store postgres://…`), one connection per process.
/// Calls block the calling thread on the connection's event loop futures; never call from an event loop.
public final class PostgresDatabase: SQLDatabase, @unchecked Sendable {
    public let dialect = SQLDialect.postgres
    private let connection: PostgresConnection
    private let logger = Logger(label: "ctdose.store.postgres")
    private let lock = NSLock()

    public init(address: StoreLocation.PostgresAddress) throws {
        var configuration: PostgresConnection.Configuration
        if let folder = address.socketFolder {
            configuration = .init(unixSocketPath: folder + "/.s.PGSQL.\(address.port)", username: address.user,
                                  password: address.password, database: address.database)
        } else {
            configuration = .init(host: address.host, port: address.port, username: address.user,
                                  password: address.password, database: address.database, tls: .disable)
        }
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: logger
            ).wait()
        } catch {
            throw StoreError("cannot connect to PostgreSQL store \(StoreLocation.postgres(address).description): \(String(reflecting: error))")
        }
    }

    public func transaction<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let session = PostgresSession(connection: connection, logger: logger)
        try session.execute("BEGIN")
        do {
            let value = try body(session)
            try session.execute("COMMIT")
            return value
        } catch {
            try? session.execute("ROLLBACK")
            throw error
        }
    }

    public func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(PostgresSession(connection: connection, logger: logger))
    }

    /// A session-level advisory lock, so that concurrent shards starting at once migrate one at a time.
    public func withExclusiveSchemaLock<T>(_ body: () throws -> T) throws -> T {
        let session = PostgresSession(connection: connection, logger: logger)
        try session.execute("SELECT pg_advisory_lock(7418270001)")
        defer { try? session.execute("SELECT pg_advisory_unlock(7418270001)") }
        return try body()
    }

    public func close() throws {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        try connection.close().wait()
    }

    private var closed = false

    deinit { try? close() }  // postgres-nio requires a connection to be closed before it is released
}

private struct PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger

    func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        _ = try rows(sql, arguments)
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        var bindings = PostgresBindings()
        for value in arguments {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let i): bindings.append(i)
            case .real(let d): bindings.append(d)
            case .text(let s): bindings.append(s)
            case .blob(let b): bindings.append(ByteBuffer(bytes: b))
            }
        }
        let query = PostgresQuery(unsafeSQL: SQLDialect.postgres.translating(sql), binds: bindings)
        let result: PostgresQueryResult
        do {
            result = try connection.query(query, logger: logger).wait()
        } catch {
            throw StoreError("PostgreSQL: \(String(reflecting: error))")
        }
        do {
            return try Self.values(result)
        } catch {
            throw StoreError("PostgreSQL: cannot read the result of \(sql.prefix(80)): \(String(reflecting: error))")
        }
    }

    private static func values(_ result: PostgresQueryResult) throws -> [SQLRow] {
        try result.rows.map { row in
            try row.map { cell -> SQLValue in
                guard cell.bytes != nil else { return .null }
                switch cell.dataType {
                case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
                case .float4, .float8: return .real(try cell.decode(Double.self))
                case .numeric: return .text(try cell.decode(String.self))  // SUM over BIGINT; read as a number by the caller
                case .bytea: return .blob(Data(try cell.decode(ByteBuffer.self).readableBytesView))
                case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
                default: return .text(try cell.decode(String.self))
                }
            }
        }
    }
}
