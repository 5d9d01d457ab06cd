import ArchiveScan
import Foundation
import ResultStore
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

    @Test func twoConcurrentShardsEqualOneSQLiteScan() throws {
        let root = try StoreFixture.temporaryFolder("shards")
        let archive = root + "/archive"
        for index in 0..<Self.studies { try StoreFixture.writeStudyCopy(index, into: archive) }
        try Data("not DICOM".utf8).write(to: URL(fileURLWithPath: archive + "/notes.txt"))
        let truncated = try Data(contentsOf: URL(fileURLWithPath: archive + "/study0/axial/IM0001.dcm")).prefix(900)
        try truncated.write(to: URL(fileURLWithPath: archive + "/broken.dcm"))
        // The fixture's studies fall on both shards (the split is a fixed hash of each Study Instance UID).
        let owners = Set((0..<Self.studies).map { StudyShard.key("2.25.\(9_000_000 + $0)") % 2 })
        #expect(owners == [0, 1])

        let store = try Self.freshDatabase("ctdose_shards_\(getpid())")
        let common = ["--jobs", "1", "--slices", "mid", "--batch-size", "16"]
        let shards = (0..<2).map { index in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: StoreFixture.executable)
            process.arguments = ["scan", archive, "--store", store, "--shard", "\(index)/2"] + common
            process.environment = ProcessInfo.processInfo.environment.merging(["CTDOSE_PSEUDONYM_KEY": StoreFixture.key]) { $1 }
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in shards { try process.run() }  // both at once
        for process in shards { process.waitUntilExit() }
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
        #expect(runs.map(\.1).reduce(0, +) == Int64(Self.studies * StoreFixture.sampleFiles.count + 2))
        #expect(runs.allSatisfy { $0.2 > 0 })
    }
}
