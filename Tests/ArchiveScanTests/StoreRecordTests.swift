import DoseModel
import Testing
@testable import ArchiveScan

/// `ScanStore.record` writes a batch in multi-row statements (64 rows each); the rows must be those
/// that one statement per file, in order, would have left.
@Suite struct StoreRecordTests {
    private func file(_ index: Int, _ object: ScannedObject, size: Int64 = 1, previous: String? = nil) -> ReadFile {
        ReadFile(path: "/archive/\(index).dcm", stamp: FileStamp(sizeBytes: size, modificationNanoseconds: 7),
                 object: object, previousStudyInstanceUID: previous)
    }

    @Test func aBatchAcrossSeveralStatementsKeepsEachPathsLastReading() throws {
        let store = try ScanStore.inMemory()
        // 150 files: three statements of 64, 64 and 22 rows; the last file repeats path 3.
        var files = (0..<149).map { file($0, .failed(reason: "unreadable \($0)")) }
        files.append(file(3, .setAside(reason: "not CT"), size: 99))
        try store.record(files, runID: "run-1")
        try store.database.read { session in
            #expect(try session.rows("SELECT count(*) FROM dicom_file", [])[0][0].int64 == 149)
            #expect(try session.rows("SELECT size_bytes FROM dicom_file WHERE path = '/archive/3.dcm'", [])[0][0].int64 == 99)
            let problems = try session.rows("SELECT severity, reason FROM file_problem WHERE path = '/archive/3.dcm'", [])
            #expect(problems.map { [$0[0].string, $0[1].string] } == [["setAside", "not CT"]])
            #expect(try session.rows("SELECT count(*) FROM file_problem", [])[0][0].int64 == 149)
            #expect(try session.rows("SELECT reason FROM file_problem WHERE path = '/archive/148.dcm'", [])[0][0].string == "unreadable 148")
        }

        // Read again as CT images: their old problems go, their study and the one they left become pending.
        let header = CTImageHeader(sopClassUID: SOPClass.ctImage, sopInstanceUID: "9.1", studyInstanceUID: "9.9", seriesInstanceUID: "9.8")
        try store.record((0..<70).map { file($0, .ctImage([header]), previous: "8.8") }, runID: "run-2")
        try store.database.read { session in
            #expect(try session.rows("SELECT count(*) FROM file_problem", [])[0][0].int64 == 79)
            #expect(try session.rows("SELECT count(*) FROM dicom_file WHERE run_id = 'run-2' AND kind = 'ctImage'", [])[0][0].int64 == 70)
            let pending = try session.rows("SELECT study_uid FROM pending_study ORDER BY study_uid", []).map { $0[0].string }
            #expect(pending == ["8.8", "9.9"])
        }
    }
}
