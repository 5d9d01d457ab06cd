import Foundation
import ResultStore
import ScratchFolders
import Testing

struct StoreSchemaTests {
    @Test func migrationsAreRecordedAndIdempotent() throws {
        let path = ScratchFolder.path("schema", suffix: ".sqlite")
        let database = try StoreLocation.sqlite(path: path).open()
        try StoreSchema.migrate(database)  // a second time changes nothing
        let versions = try database.read { try $0.rows("SELECT version FROM schema_migration ORDER BY version") }.compactMap { $0[0].int64 }
        #expect(versions == StoreSchema.migrations.map { Int64($0.version) })
        let tables = try database.read {
            try $0.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { $0[0].string }
        }
        for table in ["dicom_file", "exam", "file_problem", "finding", "image_series", "irradiation_event", "measure_result",
                      "pending_study", "scan_run", "series_measurement", "slice", "store_fact", "study_problem", "thumbnail"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
    }

    /// A new store gets its schema from `newStoreStatements` (later column renames folded into the
    /// tables they rename); it must be the very schema that running every migration in turn gives,
    /// column for column and index for index.
    @Test func newStoreSchemaEqualsEveryMigrationInTurn() throws {
        let new = try SQLiteDatabase(path: ":memory:")
        try StoreSchema.migrate(new)
        let stepwise = try SQLiteDatabase(path: ":memory:")
        try stepwise.transaction { session in
            try session.execute("CREATE TABLE schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL)", [])
            for statement in StoreSchema.migrations.flatMap(\.statements) { try session.execute(statement, []) }
        }
        let newSchema = try Self.schema(of: new)
        #expect(newSchema == (try Self.schema(of: stepwise)))
        #expect(newSchema.count > 50)  // every table's columns and indexes were compared, not two empty lists
        #expect(!StoreSchema.newStoreStatements.contains { $0.contains("RENAME COLUMN") })
        #expect(!StoreSchema.newStoreStatements.contains { $0.contains("object_json") })
    }

    /// Each table's columns (name, type, NOT NULL, default, key position) and each index's columns.
    static func schema(of database: SQLiteDatabase) throws -> [[SQLValue]] {
        try database.read { session in
            var rows: [[SQLValue]] = []
            let objects = try session.rows("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name", [])
            for object in objects {
                guard let type = object[0].string, let name = object[1].string else { continue }
                let details = try session.rows(type == "table" ? "PRAGMA table_info(\(name))" : "PRAGMA index_info(\(name))", [])
                rows += details.map { object + $0 }
            }
            return rows
        }
    }

    @Test func storeFromANewerVersionIsRefused() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try StoreSchema.migrate(database)
        try database.transaction { try $0.execute("INSERT INTO schema_migration (version, name) VALUES (99, 'future')", []) }
        #expect(throws: StoreError.self) { try StoreSchema.migrate(database) }
    }

    @Test func failedTransactionLeavesNothing() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try StoreSchema.migrate(database)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try database.transaction { session in
                try session.execute("INSERT INTO store_fact (name, value) VALUES (?, ?)", [.text("a"), .text("b")])
                throw Stop()
            }
        }
        #expect(try database.read { try $0.rows("SELECT COUNT(*) FROM store_fact") }.first?.first == .integer(0))
    }
}

struct SQLiteBindingTests {
    /// Values are bound with SQLite's own functions: every kind of value must come back as it went in,
    /// from multi-row statements and single rows alike, and a failed statement must throw and leave its
    /// cached statement usable.
    @Test func manyValuesBindAsFewDo() throws {
        let database = try SQLiteDatabase(path: ":memory:")
        try database.transaction { try $0.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, a, b, c, d)", []) }
        let kinds: [SQLValue] = [.null, .integer(-7), .integer(Int64.max), .real(0.1), .real(-1e300), .text(""), .text("Müller^Anna 中"),
                                 .blob(Data([0, 1, 255])), .blob(Data(repeating: 7, count: 5000))]
        var rows: [[SQLValue]] = []
        for k in 0..<40 { rows.append([.integer(Int64(k))] + (0..<4).map { kinds[(k * 4 + $0) % kinds.count] }) }
        let insert = "INSERT INTO t (k, a, b, c, d) VALUES "
        try database.transaction { session in
            try session.execute(insert + Array(repeating: "(?, ?, ?, ?, ?)", count: 20).joined(separator: ", "), rows[0..<20].flatMap { $0 })  // 100 values
            for row in rows[20..<40] { try session.execute(insert + "(?, ?, ?, ?, ?)", row) }  // 5 values each
        }
        let stored = try database.read { try $0.rows("SELECT k, a, b, c, d FROM t ORDER BY k", []) }
        #expect(stored == rows)
        // A repeated key fails the many-value statement; the same statement then works with new keys.
        let statement = insert + Array(repeating: "(?, ?, ?, ?, ?)", count: 5).joined(separator: ", ")
        #expect(throws: (any Error).self) {
            try database.transaction { try $0.execute(statement, rows[0..<5].flatMap { $0 }) }
        }
        let fresh = (100..<105).map { k in [SQLValue.integer(Int64(k)), .text("x"), .null, .real(1), .blob(Data([1]))] }
        try database.transaction { try $0.execute(statement, fresh.flatMap { $0 }) }
        #expect(try database.read { try $0.rows("SELECT COUNT(*) FROM t", []) }.first?.first == .integer(45))
        #expect(throws: (any Error).self) {
            try database.transaction { try $0.execute(statement, Array(fresh.flatMap { $0 }.dropLast())) }  // one value short
        }
    }
}

struct StoreAddressTests {
    @Test func postgresPlaceholdersAreNumberedOutsideStrings() {
        #expect(SQLDialect.postgres.translating("SELECT ? , '?' , ? FROM t WHERE x = ?") == "SELECT $1 , '?' , $2 FROM t WHERE x = $3")
        #expect(SQLDialect.postgres.translating("CREATE TABLE t (b {BLOB})") == "CREATE TABLE t (b BYTEA)")
        #expect(SQLDialect.sqlite.translating("CREATE TABLE t (b {BLOB}) -- ?") == "CREATE TABLE t (b BLOB) -- ?")
    }

    @Test func addressesParse() throws {
        #expect(try StoreLocation(parsing: "results/ctdose.sqlite") == .sqlite(path: "results/ctdose.sqlite"))
        guard case .postgres(let a) = try StoreLocation(parsing: "postgres://dose:secret@db.example:6543/audit") else {
            Issue.record("not postgres")
            return
        }
        #expect(a.host == "db.example" && a.port == 6543 && a.user == "dose" && a.password == "secret" && a.database == "audit")
        #expect(StoreLocation.postgres(a).description == "postgres://dose@db.example:6543/audit")  // no password in logs
        guard case .postgres(let s) = try StoreLocation(parsing: "postgresql://ctdose@localhost/audit?host=/run/postgresql") else {
            Issue.record("not postgres")
            return
        }
        #expect(s.socketFolder == "/run/postgresql" && s.port == 5432)
        #expect(throws: StoreError.self) { try StoreLocation(parsing: "postgres://db.example/") }
    }
}
