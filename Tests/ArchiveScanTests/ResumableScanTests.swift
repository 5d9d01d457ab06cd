import Foundation
import ResultStore
import Testing

/// kill -9 at several points of a scan (inside and after a batch transaction, inside and after an
/// exam transaction, before the output files are renamed), then the same command again: the result
/// equals an uninterrupted run, with no exam lost or duplicated.
@Suite(.serialized)
struct ResumableScanTests {
    static let studies = 3
    static let arguments = ["--jobs", "2", "--slices", "mid", "--batch-size", "7"]

    /// The archive and the output of an uninterrupted run, built once.
    static let clean = StoreFixture.cleanScan("resume", studies: studies, arguments: arguments)

    @Test(arguments: ["batch:2", "batch-done:3", "study:2", "study-done:1", "export:1"])
    func killedScanResumesToTheUninterruptedResult(crashPoint: String) throws {
        let clean = try #require(Self.clean, "the uninterrupted reference scan failed")
        let root = try StoreFixture.temporaryFolder("killed")
        let command = ["scan", clean.archive, "--db", root + "/store.sqlite", "--out", root + "/out"] + Self.arguments
        let killed = StoreFixture.ctdose(command, environment: ["CTDOSE_CRASH_AT": crashPoint])
        #expect(killed.status == -SIGKILL, "expected the scan to die at \(crashPoint), got status \(killed.status): \(killed.stderr)")
        let resumed = StoreFixture.ctdose(command)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(StoreFixture.differences(clean.out, root + "/out").isEmpty)
        let database = try SQLiteDatabase(path: root + "/store.sqlite")
        let counts = try database.read { session in
            try ["SELECT COUNT(*) FROM exam", "SELECT COUNT(*) FROM pending_study", "SELECT COUNT(*) FROM dicom_file"].map {
                try session.rows($0).first?.first?.int64 ?? -1
            }
        }
        #expect(counts == [Int64(Self.studies), 0, Int64(Self.studies * StoreFixture.sampleFiles.count)])
    }
}
