import ArchiveScan
import Foundation
import ResultStore
import Synchronization
import Testing

/// Two shards scanning the same archive concurrently into one PostgreSQL store give, once
/// exported, exactly the files of a single-process SQLite scan. The server is Debian's PostgreSQL:
/// `.ci/run` starts it and sets CTDOSE_TEST_POSTGRES; otherwise the test starts
/// Scripts/postgres-test-server itself.
@Suite(.serialized)
struct ShardedPostgresTests {
    static let studies = 6

    static func serverAddress() throws -> String {
        if let address = ProcessInfo.processInfo.environment["CTDOSE_TEST_POSTGRES"], !address.isEmpty { return address }
        let script = StoreFixture.repository.appendingPathComponent("Scripts/postgres-test-server").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["start"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StoreError("Scripts/postgres-test-server could not start PostgreSQL (Scripts/setup installs it)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A new, empty database on the server; returns its store address.
    static func freshDatabase(_ name: String) throws -> String {
        let server = try serverAddress()
        guard case .postgres(let address) = try StoreLocation(parsing: server) else { throw StoreError("not a postgres address: \(server)") }
        let admin = try PostgresDatabase(address: address)
        defer { try? admin.close() }
        try admin.read { session in
            try session.execute("DROP DATABASE IF EXISTS \(name)")
            try session.execute("CREATE DATABASE \(name)")
        }
        return server.replacingOccurrences(of: "/\(address.database)?", with: "/\(name)?")
    }

    /// On PostgreSQL too, a new store's folded schema is the schema of every migration run in turn.
    @Test func newStoreSchemaEqualsEveryMigrationInTurn() throws {
        func database(_ store: String) throws -> PostgresDatabase {
            guard case .postgres(let address) = try StoreLocation(parsing: store) else { throw StoreError("not a postgres address: \(store)") }
            return try PostgresDatabase(address: address)
        }
        func schema(_ store: String) throws -> [[SQLValue]] {
            let opened = try database(store)
            defer { try? opened.close() }
            return try opened.read { session in
                try session.rows("""
                    SELECT table_name, column_name, ordinal_position, data_type, is_nullable, COALESCE(column_default, '')
                    FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position
                    """, []) + session.rows("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname", [])
            }
        }
        let new = try Self.freshDatabase("ctdose_schema_new")
        do {
            let opened = try database(new)
            defer { try? opened.close() }
            try StoreSchema.migrate(opened)
        }
        let stepwise = try Self.freshDatabase("ctdose_schema_stepwise")
        do {
            let opened = try database(stepwise)
            defer { try? opened.close() }
            try opened.transaction { session in
                try session.execute("CREATE TABLE schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL)", [])
                for statement in StoreSchema.migrations.flatMap(\.statements) { try session.execute(statement, []) }
            }
        }
        let newSchema = try schema(new)
        #expect(newSchema == (try schema(stepwise)))
        #expect(newSchema.count > 50)
    }

    @Test func twoConcurrentShardsEqualOneSQLiteScan() throws {
        let root = try StoreFixture.temporaryFolder("shards")
        let archive = root + "/archive"
        for index in 0..<Self.studies { try StoreFixture.writeStudyCopy(index, into: archive) }
        try Data("not DICOM".utf8).write(to: URL(fileURLWithPath: archive + "/notes.txt"))
        let truncated = try Data(contentsOf: URL(fileURLWithPath: archive + "/study0/axial/IM0001.dcm")).prefix(900)
        try truncated.write(to: URL(fileURLWithPath: archive + "/broken.dcm"))
        // A file of study 3 that is set aside (an MR image): recorded by the shard of study 3, which
        // alone reads it past its first attributes, though its path falls on the other shard.
        let study3Shard = StudyShard.key("2.25.9000003") % 2
        let setAside = (0...).lazy.map { archive + "/mr-of-study3-\($0).dcm" }.first { StudyShard.key($0) % 2 != study3Shard }!
        try FileManager.default.copyItem(atPath: archive + "/study3/axial/IM0002.dcm", toPath: setAside)
        #expect(StoreFixture.run("/usr/bin/dcmodify", ["-nb", "-m", "(0008,0016)=1.2.840.10008.5.1.4.1.1.4", "-m", "(0008,0060)=MR", setAside]).status == 0)
        // The fixture's studies fall on both shards (the split is a fixed hash of each Study Instance UID).
        let owners = Set((0..<Self.studies).map { StudyShard.key("2.25.\(9_000_000 + $0)") % 2 })
        #expect(owners == [0, 1])

        let store = try Self.freshDatabase("ctdose_shards_\(getpid())")
        let common = ["--jobs", "1", "--slices", "mid", "--batch-size", "16"]
        let logs = (0..<2).map { _ in Pipe() }
        let shards = (0..<2).map { index in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: StoreFixture.executable)
            process.arguments = ["scan", archive, "--store", store, "--shard", "\(index)/2"] + common
            process.environment = ProcessInfo.processInfo.environment.merging(["CTDOSE_PSEUDONYM_KEY": StoreFixture.key]) { $1 }
            process.standardError = logs[index]
            return process
        }
        for process in shards { try process.run() }  // both at once
        let summaries = logs.map { String(decoding: $0.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        for process in shards { process.waitUntilExit() }
        // Each shard's summary accounts for every file: read, left to the other shard, or already in the
        // shared store (recorded there by the other shard a moment before).
        let total = Self.studies * StoreFixture.sampleFiles.count + 3
        for summary in summaries {
            #expect(summary.contains("\(total) files: "), "\(summary)")
            let counts = summary.firstMatch(of: /(\d+) read, (\d+) of other shards, (\d+) unchanged/).map { Int($0.1)! + Int($0.2)! + Int($0.3)! }
            #expect(counts == total, "\(summary)")
        }
        // Exit status 2: the archive holds an unreadable file (broken.dcm), by design.
        #expect(shards.map(\.terminationStatus) == [2, 2])
        let export = StoreFixture.ctdose(["export", "--store", store, "--out", root + "/sharded"])
        #expect(export.status == 0, "\(export.stderr)")

        let single = StoreFixture.ctdose(["scan", archive, "--db", root + "/single.sqlite", "--out", root + "/single"] + common)
        #expect(single.status == 2, "\(single.stderr)")
        #expect(StoreFixture.differences(root + "/single", root + "/sharded").isEmpty)
        let exams = try String(contentsOfFile: root + "/sharded/exams.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(exams.count == Self.studies)

        // Each file was read and recorded by exactly one shard, and each shard assembled some studies.
        guard case .postgres(let address) = try StoreLocation(parsing: store) else { return }
        let database = try PostgresDatabase(address: address)
        defer { try? database.close() }
        let runs = try database.read {
            try $0.rows("SELECT shard, files_read, studies_updated FROM scan_run WHERE command = 'scan' ORDER BY shard")
                .map { ($0[0].string ?? "", $0[1].int64 ?? -1, $0[2].int64 ?? -1) }
        }
        #expect(runs.map(\.0) == ["0/2", "1/2"])
        #expect(runs.map(\.1).reduce(0, +) == Int64(Self.studies * StoreFixture.sampleFiles.count + 3))
        #expect(runs.allSatisfy { $0.2 > 0 })
        let recordedBy = try database.read {
            try $0.rows("SELECT r.shard FROM dicom_file f JOIN scan_run r ON r.run_id = f.run_id WHERE f.path = ?", [.text(setAside)])
                .map { $0[0].string ?? "" }
        }
        #expect(recordedBy == ["\(study3Shard)/2"])

        // As after an upgrade, every study is assembled again, by its own shard: the series' stored pixel
        // results are taken from PostgreSQL, none measured again, and the export is unchanged.
        try database.transaction { try $0.execute("UPDATE store_fact SET value = value || ' (older)' WHERE name = 'exam analysis'", []) }
        var taken = 0
        for index in 0..<2 {
            let again = StoreFixture.ctdose(["scan", archive, "--store", store, "--shard", "\(index)/2"] + common)
            #expect(again.status == 2, "\(again.stderr)")
            let counts = again.stderr.firstMatch(of: /\((\d+) series measured from their pixels, (\d+) taken from the store;/)
            #expect(counts.map { Int($0.1)! } == 0, "\(again.stderr)")
            taken += counts.map { Int($0.2)! } ?? 0
        }
        #expect(taken == Self.studies)
        let upgraded = StoreFixture.ctdose(["export", "--store", store, "--out", root + "/upgraded"])
        #expect(upgraded.status == 0, "\(upgraded.stderr)")
        #expect(StoreFixture.differences(root + "/single", root + "/upgraded").isEmpty)
    }

    /// PostgreSQL sessions send statements without results without waiting for them: a failing one must
    /// still fail its transaction, naming the statement, and roll back what came before it. Transactions
    /// on several threads each get a connection of their own and all commit.
    @Test func deferredStatementsFailTheirTransactionAndThreadsShareThePool() throws {
        let store = try Self.freshDatabase("ctdose_session_\(getpid())")
        guard case .postgres(let address) = try StoreLocation(parsing: store) else { throw StoreError("not a postgres address: \(store)") }
        let database = try PostgresDatabase(address: address)
        defer { try? database.close() }
        try StoreSchema.migrate(database)
        let insert = "INSERT INTO store_fact (name, value) VALUES (?, ?)"
        let failure = #expect(throws: StoreError.self) {
            try database.transaction { session in
                try session.execute(insert, [.text("a"), .text("1")])
                try session.execute(insert, [.text("a"), .text("2")])  // the same primary key again
            }
        }
        #expect(failure?.description.contains("INSERT INTO store_fact") == true, "\(String(describing: failure))")
        #expect(try database.read { try $0.rows("SELECT COUNT(*) FROM store_fact WHERE name = 'a'") }.first?.first == .integer(0))

        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            do {
                try database.transaction { session in
                    try session.execute(insert, [.text("thread \(index)"), .text("\(index)")])
                    _ = try session.rows("SELECT pg_sleep(0.05)")  // holds its connection while the others start
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        #expect(try database.read { try $0.rows("SELECT COUNT(*) FROM store_fact WHERE name LIKE 'thread %'") }.first?.first == .integer(8))
    }
}

/// The cluster examples work as written: the Slurm array script and the Kubernetes Indexed Job's
/// entry point, run with the variables those schedulers set, shard a scan into one PostgreSQL store.
@Suite(.serialized)
struct ClusterExampleTests {
    @Test func slurmArrayAndIndexedJobEntryPointShardTheScan() throws {
        let root = try StoreFixture.temporaryFolder("cluster")
        let archive = root + "/archive"
        for index in 0..<4 { try StoreFixture.writeStudyCopy(index, into: archive) }
        let cluster = StoreFixture.repository.appendingPathComponent("Scripts/cluster").path
        let base = ["CTDOSE": StoreFixture.executable, "CTDOSE_PSEUDONYM_KEY": StoreFixture.key]

        // Slurm: a 2-task array (ids 5 and 6, so that the script must subtract SLURM_ARRAY_TASK_MIN).
        let slurmStore = try ShardedPostgresTests.freshDatabase("ctdose_slurm_\(getpid())")
        let tasks = try (5...6).map { id in
            try Self.start(cluster + "/slurm-array.sbatch", [archive, "--slices", "mid"], environment: base.merging([
                "CTDOSE_STORE": slurmStore, "SLURM_ARRAY_TASK_ID": "\(id)", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "2",
                "SLURM_CPUS_PER_TASK": "1", "SLURM_SUBMIT_DIR": StoreFixture.repository.path,
            ]) { $1 })
        }
        for task in tasks { task.waitUntilExit() }
        #expect(tasks.map(\.terminationStatus) == [0, 0])

        // Kubernetes: the Indexed Job's command with JOB_COMPLETION_INDEX 0 and 1 of CTDOSE_SHARDS 2.
        let manifest = try String(contentsOfFile: cluster + "/kubernetes-indexed-job.yaml", encoding: .utf8)
        #expect(manifest.contains("completionMode: Indexed") && manifest.contains("Scripts/cluster/ctdose-shard"))
        let jobStore = try ShardedPostgresTests.freshDatabase("ctdose_k8s_\(getpid())")
        let pods = try (0...1).map { index in
            try Self.start(cluster + "/ctdose-shard", [archive, "--slices", "mid", "--jobs", "1"], environment: base.merging([
                "CTDOSE_STORE": jobStore, "JOB_COMPLETION_INDEX": "\(index)", "CTDOSE_SHARDS": "2",
            ]) { $1 })
        }
        for pod in pods { pod.waitUntilExit() }
        #expect(pods.map(\.terminationStatus) == [0, 0])

        // Both give the single-process result (the export reads CTDOSE_STORE when --store is not given).
        #expect(StoreFixture.ctdose(["scan", archive, "--db", root + "/single.sqlite", "--out", root + "/single", "--slices", "mid"]).status == 0)
        #expect(StoreFixture.ctdose(["export", "--out", root + "/slurm"], environment: ["CTDOSE_STORE": slurmStore]).status == 0)
        #expect(StoreFixture.ctdose(["export", "--out", root + "/k8s"], environment: ["CTDOSE_STORE": jobStore]).status == 0)
        #expect(StoreFixture.differences(root + "/single", root + "/slurm").isEmpty)
        #expect(StoreFixture.differences(root + "/single", root + "/k8s").isEmpty)
    }

    static func start(_ program: String, _ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
