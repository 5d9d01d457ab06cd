import ArchiveScan
import Foundation
import ResultStore
import Testing

/// kill -9 on a cluster: two shards scan one archive concurrently into one PostgreSQL store and both are
/// killed mid-run (inside and after a batch transaction, inside and after an exam transaction, each at a
/// different point); the same two commands again finish the work, and the export equals a single
/// uninterrupted SQLite scan, with no file or exam lost or duplicated. A killed connection's open
/// transaction is rolled back by the server, so nothing half-written survives it.
@Suite(.serialized)
struct KilledShardPostgresTests {
    static let studies = 6
    static let common = ["--jobs", "2", "--slices", "mid", "--batch-size", "7"]

    /// The archive and the output of one uninterrupted SQLite scan, built once.
    static let clean = StoreFixture.cleanScan("killed-shards", studies: studies, arguments: common)

    /// Crash points of shard 0 and shard 1 (CrashInjection: POINT:N dies the N-th time POINT is reached;
    /// `study` is reached once per exam, `study-done` once per commit of a group of exams).
    @Test(arguments: [("batch:2", "study:1"), ("study:2", "batch-done:2"), ("study:4", "batch:3"), ("study-done:1", "study:2"),
                      ("batch-done:1", "study-done:1")])
    func killedShardsResumeToTheSingleScan(points: (String, String)) throws {
        let clean = try #require(Self.clean, "the uninterrupted reference scan failed")
        // Both shards own studies that reach their points (shard 0 four, shard 1 two of the six).
        let owned = (0..<Self.studies).map { Int(StudyShard.key("2.25.\(9_000_000 + $0)") % 2) }
        #expect(owned.filter { $0 == 0 }.count == 4 && owned.filter { $0 == 1 }.count == 2)

        let root = try StoreFixture.temporaryFolder("killed-shard")
        let store = try ShardedPostgresTests.freshDatabase("ctdose_killed_\(getpid())")
        func command(_ shard: Int) -> [String] {
            ["scan", clean.archive, "--store", store, "--shard", "\(shard)/2", "--crash-journal", root + "/shard\(shard).crashes"] + Self.common
        }
        let killed = try [points.0, points.1].enumerated().map { shard, point in
            try ClusterExampleTests.start(StoreFixture.executable, command(shard), environment: [
                "CTDOSE_PSEUDONYM_KEY": StoreFixture.key, "CTDOSE_CRASH_AT": point,
            ])
        }
        for process in killed { process.waitUntilExit() }
        #expect(killed.map(\.terminationReason) == [.uncaughtSignal, .uncaughtSignal])
        #expect(killed.map(\.terminationStatus) == [SIGKILL, SIGKILL], "shards \(points) were not killed where asked")

        let resumed = try (0..<2).map { shard in
            try ClusterExampleTests.start(StoreFixture.executable, command(shard), environment: ["CTDOSE_PSEUDONYM_KEY": StoreFixture.key])
        }
        for process in resumed { process.waitUntilExit() }
        #expect(resumed.map(\.terminationStatus) == [0, 0])
        let export = StoreFixture.ctdose(["export", "--store", store, "--out", root + "/out"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(StoreFixture.differences(clean.out, root + "/out").isEmpty)

        guard case .postgres(let address) = try StoreLocation(parsing: store) else { return }
        let database = try PostgresDatabase(address: address)
        defer { try? database.close() }
        let counts = try database.read { session in
            try ["SELECT COUNT(*) FROM exam", "SELECT COUNT(*) FROM pending_study", "SELECT COUNT(*) FROM dicom_file",
                 "SELECT COUNT(DISTINCT path) FROM dicom_file"].map { try session.rows($0).first?.first?.int64 ?? -1 }
        }
        let files = Int64(Self.studies * StoreFixture.sampleFiles.count)
        #expect(counts == [Int64(Self.studies), 0, files, files])
    }
}
