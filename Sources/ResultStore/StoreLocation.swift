import Foundation

/// Where results are kept: `--db FILE` (SQLite) or `--store postgres://USER[:PASSWORD]@HOST[:PORT]/DB`
/// (PostgreSQL; `?host=/run/postgresql` selects a Unix socket folder instead of TCP).
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    public struct PostgresAddress: Sendable, Equatable {
        public var host: String
        public var port: Int
        /// Folder of the server's Unix socket (`?host=/path`), used instead of TCP when set.
        public var socketFolder: String?
        public var user: String
        public var password: String?
        public var database: String
    }

    /// Parses a store address: `postgres://…` / `postgresql://…` or a file path.
    public init(parsing text: String) throws {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            self = .sqlite(path: text)
            return
        }
        guard let url = URLComponents(string: text) else { throw StoreError("cannot parse store address \(Self.redacted(text))") }
        let query = url.queryItems ?? []
        let socketFolder = query.first { $0.name == "host" }?.value
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw StoreError("store address \(Self.redacted(text)) names no database (…/DBNAME)") }
        self = .postgres(PostgresAddress(
            host: url.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost", port: url.port ?? 5432, socketFolder: socketFolder,
            user: url.user ?? ProcessInfo.processInfo.environment["PGUSER"] ?? NSUserName(),
            password: url.password ?? ProcessInfo.processInfo.environment["PGPASSWORD"], database: database))
    }

    /// The address with any password replaced, for logs and the run table.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let a):
            let place = a.socketFolder.map { "?host=\($0)" } ?? ""
            return "postgres://\(a.user)@\(a.host):\(a.port)/\(a.database)\(place)"
        }
    }

    static func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression)
    }

    /// Opens (creating when needed) and migrates the store.
    public func open() throws -> any SQLDatabase {
        let database: any SQLDatabase
        switch self {
        case .sqlite(let path): database = try SQLiteDatabase(path: path)
        case .postgres(let address): database = try PostgresDatabase(address: address)
        }
        try StoreSchema.migrate(database)
        return database
    }
}
