import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// A PostgreSQL store shared by many machines (`--store postgres://…`). Each transaction or read runs
/// on a connection of its own, opened when first needed, up to `maximumConnections` per process, so
/// the lanes assembling studies work side by side as SQLite's readers do.
/// Calls block the calling thread on the connection's event loop futures; never call from an event loop.
public final class PostgresDatabase: SQLDatabase, @unchecked Sendable {
    public let dialect = SQLDialect.postgres
    /// Connections one process opens at most (a scan uses about one per job).
    public static let maximumConnections = 4
    private let configuration: PostgresConnection.Configuration
    private let description: String
    private let logger = Logger(label: "ctdose.store.postgres")
    private let available = NSCondition()
    private var idle: [PostgresConnection] = []
    private var opened: [PostgresConnection] = []
    private var closed = false

    public init(address: StoreLocation.PostgresAddress) throws {
        if let folder = address.socketFolder {
            configuration = .init(unixSocketPath: folder + "/.s.PGSQL.\(address.port)", username: address.user,
                                  password: address.password, database: address.database)
        } else {
            configuration = .init(host: address.host, port: address.port, username: address.user,
                                  password: address.password, database: address.database, tls: .disable)
        }
        description = StoreLocation.postgres(address).description
        let first = try connect()  // a wrong address or password fails here, when the store is opened
        opened = [first]
        idle = [first]
    }

    private func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: opened.count + 1, logger: logger
            ).wait()
        } catch {
            throw StoreError("cannot connect to PostgreSQL store \(description): \(String(reflecting: error))")
        }
    }

    /// An idle connection, a new one while fewer than `maximumConnections` are open, or else the next one given back.
    private func borrow() throws -> PostgresConnection {
        available.lock()
        defer { available.unlock() }
        while true {
            guard !closed else { throw StoreError("PostgreSQL store \(description) is closed") }
            if let connection = idle.popLast() { return connection }
            if opened.count < Self.maximumConnections {
                let connection = try connect()
                opened.append(connection)
                return connection
            }
            available.wait()
        }
    }

    private func giveBack(_ connection: PostgresConnection) {
        available.lock()
        idle.append(connection)
        available.signal()
        available.unlock()
    }

    private func withSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let connection = try borrow()
        defer { giveBack(connection) }
        return try body(PostgresSession(connection: connection, logger: logger))
    }

    public func transaction<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try withSession { session in
            do {
                try session.execute("BEGIN")
                let value = try body(session)
                _ = try session.rows("COMMIT")
                return value
            } catch {
                session.discardPending()
                _ = try? session.rows("ROLLBACK")
                throw error
            }
        }
    }

    public func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try withSession { session in
            let value = try body(session)
            try session.finishPending()
            return value
        }
    }

    /// A session-level advisory lock, so that concurrent shards starting at once migrate one at a time.
    /// It holds one connection while `body` runs its transactions on others.
    public func withExclusiveSchemaLock<T>(_ body: () throws -> T) throws -> T {
        try withSession { session in
            _ = try session.rows("SELECT pg_advisory_lock(7418270001)")
            defer { _ = try? session.rows("SELECT pg_advisory_unlock(7418270001)") }
            return try body()
        }
    }

    public func close() throws {
        available.lock()
        defer { available.unlock() }
        guard !closed else { return }
        closed = true
        available.broadcast()
        var firstError: Error?
        for connection in opened {
            do { try connection.close().wait() } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }

    deinit { try? close() }  // postgres-nio requires a connection to be closed before it is released
}

/// Statements without results are sent without waiting for them (postgres-nio runs a connection's
/// queries in order): the calling thread waits once, at the next query with results (COMMIT at the
/// latest), instead of once per statement. The first failure, in statement order, is thrown then;
/// PostgreSQL has aborted the transaction from that statement on anyway.
private final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger
    private var pending: [(sql: Substring, result: EventLoopFuture<PostgresQueryResult>)] = []

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        pending.append((sql.prefix(80), connection.query(Self.query(sql, arguments), logger: logger)))
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        try finishPending()
        let result: PostgresQueryResult
        do {
            result = try connection.query(Self.query(sql, arguments), logger: logger).wait()
        } catch {
            throw StoreError("PostgreSQL: \(String(reflecting: error))")
        }
        do {
            return try Self.values(result)
        } catch {
            throw StoreError("PostgreSQL: cannot read the result of \(sql.prefix(80)): \(String(reflecting: error))")
        }
    }

    /// Waits for every statement sent so far; throws the first failure.
    func finishPending() throws {
        let statements = pending
        pending.removeAll()
        var firstError: Error?
        for statement in statements {
            do {
                _ = try statement.result.wait()
            } catch {
                if firstError == nil { firstError = StoreError("PostgreSQL: \(statement.sql): \(String(reflecting: error))") }
            }
        }
        if let firstError { throw firstError }
    }

    /// Waits for the statements sent so far, ignoring their outcome (the transaction is rolled back).
    func discardPending() { for statement in pending { _ = try? statement.result.wait() }; pending.removeAll() }

    private static func query(_ sql: String, _ arguments: [SQLValue]) -> PostgresQuery {
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
        return PostgresQuery(unsafeSQL: translated(sql), binds: bindings)
    }

    /// Translations of the store's statements, which are few and repeat for every file and study.
    private static let translations = Mutex<[String: String]>([:])

    private static func translated(_ sql: String) -> String {
        if let known = translations.withLock({ $0[sql] }) { return known }
        let translation = SQLDialect.postgres.translating(sql)
        translations.withLock { cache in
            if cache.count < 1_000 { cache[sql] = translation }
        }
        return translation
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
