@testable import ArchiveScan
import DoseModel
import Foundation
import ResultStore
import ScratchFolders
import Testing

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

    private static func populatedHeader() -> CTImageHeader {
        var header = CTImageHeader(sopClassUID: SOPClass.ctImage, sopInstanceUID: "1.2.3.4", studyInstanceUID: "1.2.3", seriesInstanceUID: "1.2.3.5")
        header.patient.age = "054Y"
        header.patient.weightKilograms = 81.5
        header.equipment = Equipment(manufacturer: "Vendor", model: "Model", stationName: "CT1")
        header.imageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        header.kvp = 120
        header.ctdiVolMilligray = 12.345678901234
        header.imagePositionMillimeters = [-250.5, -0.0, 1234.75]
        header.imageOrientation = [1, 0, 0, 0, 1, 0]
        header.pixelSpacingMillimeters = [0.9765625, 0.9765625]
        header.rows = 512
        header.acquisitionType = .spiral
        header.ctdiPhantom = .body32cm
        header.filePath = "/archive/ü/1.dcm"
        return header
    }

    private static func populatedReport() -> DoseReport {
        var event = IrradiationEvent()
        event.irradiationEventUID = "1.2.3.9"
        event.targetRegion = CodedConcept("T-D3000", "SRT", "Chest")
        event.ctdiVolMilligray = 7.5
        event.xRaySources = [XRaySourceParameters(identification: "A", kvp: 100)]
        var check = DoseCheckDetails()
        check.reasonsForProceeding = ["clinical need"]
        event.doseCheck = check
        return DoseReport(sopInstanceUID: "1.2.3.7", studyInstanceUID: "1.2.3", kind: .xRayRadiationDoseSR,
                          events: [event, IrradiationEvent()], reportedTotals: [ReportedDLPTotal(valueMilligrayCentimeters: 300.25)],
                          readingNotes: ["a note"])
    }

    @Test func storedObjectsComeBackEqual() throws {
        let store = try ScanStore.inMemory()
        let header = Self.populatedHeader()
        let report = Self.populatedReport()
        try store.record([file(1, .ctImage([header, CTImageHeader(sopClassUID: "1", sopInstanceUID: "2", studyInstanceUID: "1.2.3", seriesInstanceUID: "4")])),
                          file(2, .doseReport(report, warnings: []))], runID: "run-1")
        let stored = try store.storedObjects(studyInstanceUID: "1.2.3")
        #expect(stored.images.first == header)
        #expect(stored.images.count == 2)
        #expect(stored.reports == [report])
        let record = try store.database.read { try $0.rows("SELECT object_record FROM dicom_file WHERE path = '/archive/1.dcm'", [])[0][0].data }
        #expect(record.map(BinaryRecordFormat.isBinaryRecord) == true)
    }

    /// A store written by a ctdose of schema version 1 holds JSON; it is migrated and its rows are still read.
    /// (Exam-level rows come back through `exams`, whose binary form every scan test exercises.)
    @Test func objectsOfAVersionOneStoreAreStillRead() throws {
        let path = ScratchFolder.path("v1", suffix: ".sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let header = Self.populatedHeader()
        let report = Self.populatedReport()
        let exam = try #require(ExamAssembler.assemble(images: [header], reports: [report]).first)
        do {
            let old = try SQLiteDatabase(path: path)
            try old.transaction { session in
                try session.execute("CREATE TABLE schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL)", [])
                for statement in StoreSchema.migrations[0].statements { try session.execute(statement, []) }
                try session.execute("INSERT INTO schema_migration (version, name) VALUES (1, 'v1')", [])
                let json = JSONEncoder()
                for (name, kind, object) in [("a", ScannedObject.ctImageKind, try json.encode([header])),
                                             ("b", ScannedObject.doseReportKind, try json.encode(report))] {
                    try session.execute("""
                        INSERT INTO dicom_file (path, size_bytes, mtime_ns, kind, study_uid, sop_instance_uid, object_json, run_id)
                        VALUES (?, 1, 1, ?, '1.2.3', ?, ?, 'old')
                        """, [.text("/old/\(name).dcm"), .text(kind), .text(name), .blob(object)])
                }
                try session.execute("""
                    INSERT INTO exam (study_uid, event_count, image_count, dose_report_count, exam_json, run_id)
                    VALUES ('1.2.3', 2, 1, 1, ?, 'old')
                    """, [.blob(try json.encode(exam))])
            }
        }
        let store = try ScanStore.open(.sqlite(path: path))
        let versions = try store.database.read { try $0.rows("SELECT version FROM schema_migration ORDER BY version", []) }.compactMap { $0[0].int64 }
        #expect(versions == StoreSchema.migrations.map { Int64($0.version) })
        let stored = try store.storedObjects(studyInstanceUID: "1.2.3")
        #expect(stored.images == [header])
        #expect(stored.reports == [report])
        #expect(try store.exams(["1.2.3"]).map(\.exam) == [exam])
    }
}
