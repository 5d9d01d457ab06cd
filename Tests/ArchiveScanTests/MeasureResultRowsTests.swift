import Foundation
import ResultStore
import Synchronization
import Testing

@testable import ArchiveScan

/// The hand-over of an export's verdict rows to the thread that stores them: every batch arrives in
/// order; a failed export stops the store's side; a store that gave up never blocks the export.
struct MeasureResultRowsTests {
    static func batch(_ index: Int) -> [[SQLValue]] {
        (0..<(index % 5)).map { [.text("2.25.\(index).\($0)"), $0 == 0 ? .null : .real(Double(index))] }
    }

    @Test func batchesArriveInOrderThroughASmallBuffer() throws {
        let rows = MeasureResultRows(capacity: 2)
        let received = Mutex<[[[SQLValue]]]>([])
        let consumer = Thread {
            while let batch = try? rows.next() { received.withLock { $0.append(batch) } }
        }
        consumer.start()
        for index in 0..<500 { rows.send(Self.batch(index)) }
        rows.close()
        while !consumer.isFinished { usleep(1_000) }
        // Empty batches are not sent.
        #expect(received.withLock { $0 } == (0..<500).map(Self.batch).filter { !$0.isEmpty })
    }

    struct ExportFailed: Error, Equatable {}

    @Test func aFailedExportStopsTheStoresSide() throws {
        let rows = MeasureResultRows()
        rows.send(Self.batch(1))
        rows.close(failing: ExportFailed())
        rows.close()  // only the first close counts
        #expect(throws: ExportFailed.self) { try rows.next() }
    }

    @Test func aStoreThatGaveUpNeverBlocksTheExport() {
        let rows = MeasureResultRows(capacity: 1)
        rows.send(Self.batch(1))
        rows.abandon()
        for index in 2..<100 { rows.send(Self.batch(index)) }  // would wait for ever on a full buffer
        rows.close()
        #expect((try? rows.next()) == .some(nil))
    }

    /// An in-memory store has one connection, which the export's reads and the verdicts' writes share
    /// a batch at a time; its files are those of a file store.
    @Test(.timeLimit(.minutes(2))) func anInMemoryStoreExportsAsAFileStoreDoes() throws {
        let root = try StoreFixture.temporaryFolder("in-memory")
        let memory = StoreFixture.ctdose(["scan", StoreFixture.sampleExam, "--db", ":memory:", "--out", root + "/memory", "--slices", "mid"])
        #expect(memory.status == 0, "\(memory.stderr)")
        let file = StoreFixture.ctdose(["scan", StoreFixture.sampleExam, "--db", root + "/store.sqlite", "--out", root + "/file", "--slices", "mid"])
        #expect(file.status == 0, "\(file.stderr)")
        #expect(StoreFixture.differences(root + "/memory", root + "/file").isEmpty)
        #expect(FileManager.default.fileExists(atPath: root + "/memory/measure.csv"))
    }

    /// An export upserts each exam's verdict and then deletes the rows no evaluation of this run wrote.
    @Test func anExportLeavesOnlyItsOwnVerdicts() throws {
        let root = try StoreFixture.temporaryFolder("verdicts")
        for index in 0..<2 { try StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        let db = root + "/store.sqlite"
        #expect(StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--slices", "mid"]).status == 0)
        do {
            let database = try SQLiteDatabase(path: db)
            try database.transaction {
                try $0.execute("INSERT INTO measure_result (study_uid, verdict, result_record, run_id) VALUES ('2.25.0', 'inRange', x'00', 'an-old-run')")
            }
            try database.close()
        }
        let export = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/out"])
        #expect(export.status == 0, "\(export.stderr)")
        let database = try SQLiteDatabase(path: db)
        let rows = try database.read { try $0.rows("SELECT study_uid, run_id FROM measure_result ORDER BY study_uid") }
        let exportRun = try database.read {
            try $0.rows("SELECT run_id FROM scan_run WHERE command = 'export'").first?.first?.string
        }
        #expect(rows.map { $0[0].string } == ["2.25.9000000", "2.25.9000001"])
        #expect(rows.allSatisfy { $0[1].string == exportRun } && exportRun != nil)
    }
}
