import Foundation
import Testing

/// `ctdose report --db FILE` reports what the store holds: the same page as `--from` the scan's
/// output folder, but for the line naming the source and the generation time.
struct StoreReportTests {
    @Test func reportFromTheStoreEqualsReportFromTheScanFolder() throws {
        let root = try StoreFixture.temporaryFolder("report")
        for index in 0..<2 { try StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        let db = root + "/store.sqlite"
        #expect(StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--out", root + "/out", "--slices", "mid"]).status == 0)
        let fromStore = StoreFixture.ctdose(["report", "--db", db, "--out", root + "/store.html"])
        #expect(fromStore.status == 0, "\(fromStore.stderr)")
        #expect(StoreFixture.ctdose(["report", "--from", root + "/out", "--out", root + "/folder.html"]).status == 0)
        func lines(_ name: String) throws -> [Substring] {
            try String(contentsOfFile: root + "/" + name, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        }
        let store = try lines("store.html"), folder = try lines("folder.html")
        #expect(store.count == folder.count)
        let differing = zip(store, folder).filter { $0 != $1 }
        #expect(differing.count == 1)
        #expect(differing.first?.0.contains("Results store \(db) · generated") == true)
        #expect(store.contains { $0.contains("<svg") }, "the report has its charts")
    }

    @Test func reportOptionsAreCheckedBeforeAnythingIsRead() throws {
        let root = try StoreFixture.temporaryFolder("report-options")
        let negative = StoreFixture.ctdose(["report", "--from", root, "--flagged-exams=-1", "--out", root + "/r.html"])
        #expect(negative.status == 64)
        #expect(negative.stderr.contains("--flagged-exams must be 0 or more"), "\(negative.stderr)")
        let notAFolder = StoreFixture.ctdose(["report", "--from", root, "--out", root + "/r.html"])
        #expect(notAFolder.status != 0)
        #expect(notAFolder.stderr.contains("\(root)/exams.jsonl not found"), "\(notAFolder.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/r.html"))
    }
}
