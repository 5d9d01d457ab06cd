import Foundation
import ResultStore
import Testing

/// A second scan of the same folders reads nothing unchanged; a study arriving over two nights
/// is assembled as if it had arrived at once; a changed file is read again. Runs the real
/// executable against SQLite stores.
@Suite(.serialized)
struct IncrementalScanTests {
    static let common = ["--jobs", "2", "--slices", "mid"]

    static func runs(_ db: String) throws -> [(id: String, read: Int64, updated: Int64)] {
        let database = try SQLiteDatabase(path: db)
        return try database.read {
            try $0.rows("SELECT run_id, files_read, studies_updated FROM scan_run WHERE command = 'scan' ORDER BY started_at")
                .map { ($0[0].string ?? "", $0[1].int64 ?? -1, $0[2].int64 ?? -1) }
        }
    }

    /// A new folder with two study copies under `archive/`, scanned once into `store.sqlite`.
    static func scannedTwoStudies(_ name: String) throws -> (root: String, db: String) {
        let root = try StoreFixture.temporaryFolder(name)
        for index in 0..<2 { try StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        let db = root + "/store.sqlite"
        let first = StoreFixture.ctdose(["scan", root + "/archive", "--db", db] + common)
        #expect(first.status == 0, "\(first.stderr)")
        return (root, db)
    }

    @Test func rescanReadsNothingUnchangedAndExportsTheSameFiles() throws {
        let root = try StoreFixture.temporaryFolder("rescan")
        for index in 0..<2 { try StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        let db = root + "/store.sqlite"
        let first = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--out", root + "/first"] + Self.common)
        #expect(first.status == 0, "\(first.stderr)")
        let second = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--out", root + "/second"] + Self.common)
        #expect(second.status == 0, "\(second.stderr)")
        let runs = try Self.runs(db)
        try #require(runs.count == 2)
        #expect(runs[0].read == 46 && runs[0].updated == 2)  // 2 studies × 23 DICOM files
        #expect(runs[1].read == 0 && runs[1].updated == 0)
        // Nothing was rewritten: every file row and exam row still carries the first run's id.
        let database = try SQLiteDatabase(path: db)
        let writers = try database.read {
            try $0.rows("SELECT DISTINCT run_id FROM dicom_file UNION SELECT DISTINCT run_id FROM exam").compactMap { $0[0].string }
        }
        #expect(writers == [runs[0].id])
        #expect(StoreFixture.differences(root + "/first", root + "/second").isEmpty)
        // The scans rendered on 2 threads, this export on 1: the files must not depend on it.
        let export = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/export", "--jobs", "1"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(StoreFixture.differences(root + "/first", root + "/export").isEmpty)
        let exams = try String(contentsOfFile: root + "/first/exams.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(exams.count == 2)
        // The measure verdicts are stored too: one row per exam, the sample's category and SAD as in measure.csv.
        let measures = try database.read {
            try $0.rows("SELECT category, size_adjusted_dose, verdict FROM measure_result ORDER BY study_uid")
        }
        #expect(measures.count == 2)
        let csv = try String(contentsOfFile: root + "/first/measure.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(csv.count == 2)
        for (row, line) in zip(measures, csv) {
            #expect(row[0].string == "abdomenPelvisRoutineDose")
            #expect(row[2].string == "inRange")
            let sad = try #require(row[1].double)
            #expect(line.contains(",\(String(format: "%.2f", sad)),"), "SAD \(sad) not in \(line)")  // measure.csv: 2 decimals
        }
    }

    @Test func studyArrivingOverTwoNightsEqualsOneScanOfEverything() throws {
        let root = try StoreFixture.temporaryFolder("nights")
        let archive = root + "/archive"
        let firstNight: (String) -> Bool = { $0.hasPrefix("localizer") || $0 < "axial/IM0011" && $0.hasPrefix("axial") }
        for index in 0..<2 { try StoreFixture.writeStudyCopy(index, into: archive, include: firstNight) }
        let db = root + "/nightly.sqlite"
        #expect(StoreFixture.ctdose(["scan", archive, "--db", db] + Self.common).status == 0)
        for index in 0..<2 { try StoreFixture.writeStudyCopy(index, into: archive) }  // the rest arrives, the dose report last
        let night2 = StoreFixture.ctdose(["scan", archive, "--db", db, "--out", root + "/nightly"] + Self.common)
        #expect(night2.status == 0, "\(night2.stderr)")
        let runs = try Self.runs(db)
        #expect(runs.map(\.read) == [24, 22])  // (2 localizer views + 10 axial) × 2, then (10 axial + 1 report) × 2
        #expect(runs.map(\.updated) == [2, 2])
        let once = StoreFixture.ctdose(["scan", archive, "--db", root + "/once.sqlite", "--out", root + "/once"] + Self.common)
        #expect(once.status == 0, "\(once.stderr)")
        #expect(StoreFixture.differences(root + "/nightly", root + "/once").isEmpty)
        let exams = try String(contentsOfFile: root + "/nightly/exams.csv", encoding: .utf8).split(separator: "\n")
        #expect(exams.count == 3)  // header + 2 exams, each with both events from the dose report
        #expect(exams.dropFirst().allSatisfy { $0.contains(",doseReport,2,1,") })
    }

    @Test func changedFileIsReadAgainAndOnlyItsStudyUpdated() throws {
        let (root, db) = try Self.scannedTwoStudies("changed")
        let changed = root + "/archive/study1/axial/IM0005.dcm"
        #expect(StoreFixture.run("/usr/bin/dcmodify", ["-nb", "-m", "(0008,103e)=edited", changed]).status == 0)
        #expect(StoreFixture.ctdose(["scan", root + "/archive", "--db", db] + Self.common).status == 0)
        let runs = try Self.runs(db)
        #expect(runs.last?.read == 1 && runs.last?.updated == 1)
    }
}

extension IncrementalScanTests {
    /// A store from before a migration that marks files to be read again: schema version 4 (dose reports
    /// keep their patient and study), version 5 (CT headers keep Patient Position and Data Collection
    /// Center) and version 6 (both, for QA phantoms and test patients). Upgrading it makes the next scan
    /// read those files again, and only them (2 dose reports; 44 CT images; all 46), and its exams then
    /// equal a new store's.
    @Test(arguments: [(4, "46 files: 2 read, 44 unchanged"), (5, "46 files: 44 read, 2 unchanged"), (6, "46 files: 46 read, 0 unchanged")])
    func upgradedStoreReadsItsFilesAgain(version: Int, reading: String) throws {
        let (root, db) = try Self.scannedTwoStudies("upgraded-\(version)")
        do {
            let database = try SQLiteDatabase(path: db)
            try database.transaction { try $0.execute("DELETE FROM schema_migration WHERE version = \(version)") }
            try database.close()
        }
        let rescan = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--out", root + "/upgraded"] + Self.common)
        #expect(rescan.status == 0, "\(rescan.stderr)")
        #expect(rescan.stderr.contains(reading), "\(rescan.stderr)")
        // Files read again as they were read before keep their series' pixel results.
        #expect(rescan.stderr.contains("(0 series measured from their pixels, 2 taken from the store;"), "\(rescan.stderr)")
        let fresh = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/fresh.sqlite", "--out", root + "/fresh"] + Self.common)
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(StoreFixture.differences(root + "/upgraded", root + "/fresh").isEmpty)
    }

    @Test func deletedFilesAreForgottenAndTheirStudyReassembled() throws {
        let (root, db) = try Self.scannedTwoStudies("deleted")
        // Study 1 loses its dose report and five slices; study 0 is untouched.
        try FileManager.default.removeItem(atPath: root + "/archive/study1/dose-report")
        for slice in 16...20 { try FileManager.default.removeItem(atPath: root + "/archive/study1/axial/IM00\(slice).dcm") }
        // Run from another working directory with a relative path: the store's paths are canonical.
        let relative = StoreFixture.run("/bin/sh", ["-c", "cd '\(root)' && '\(StoreFixture.executable)' scan archive --db store.sqlite --out after --jobs 2 --slices mid"],
                                        environment: ["CTDOSE_PSEUDONYM_KEY": StoreFixture.key])
        #expect(relative.status == 0, "\(relative.stderr)")
        #expect(relative.stderr.contains("0 read, 40 unchanged, 6 gone; 1 exams updated"), "\(relative.stderr)")
        let database = try SQLiteDatabase(path: db)
        let files = try database.read { try $0.rows("SELECT COUNT(*) FROM dicom_file").first?.first?.int64 }
        #expect(files == 40)
        // Without its report, study 1 is computed from its image headers (DCM 113867); study 0 keeps its report.
        let exams = try String(contentsOfFile: root + "/after/exams.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(exams.filter { $0.contains(",doseReport,") }.count == 1)
        #expect(exams.filter { $0.contains(",computedFromImageAttributes,") }.count == 1)
        // A fresh store over what is left gives the same files.
        #expect(StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/fresh.sqlite", "--out", root + "/fresh"] + Self.common).status == 0)
        #expect(StoreFixture.differences(root + "/after", root + "/fresh").isEmpty)
    }
}

extension IncrementalScanTests {
    @Test func changedAnalysisSettingsReassembleEveryStudyWithoutRereadingFiles() throws {
        let (root, db) = try Self.scannedTwoStudies("settings")
        let changed = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--threshold=-400"] + Self.common)
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(changed.stderr.contains("all 2 studies were assembled again"), "\(changed.stderr)")
        // Another threshold outlines the patients differently: no stored pixel result is taken.
        #expect(changed.stderr.contains("(2 series measured from their pixels, 0 taken from the store;"), "\(changed.stderr)")
        let same = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--threshold=-400"] + Self.common)
        #expect(same.status == 0)
        let runs = try Self.runs(db)
        #expect(runs.map(\.read) == [46, 0, 0])
        #expect(runs.map(\.updated) == [2, 2, 0])
    }
}

extension IncrementalScanTests {
    /// Another ctdose version assembles every study again, but a series whose files, as read, and pixel
    /// settings are those its stored results were derived from takes them instead of decoding its
    /// images again; the outputs equal a new store's.
    @Test func anotherVersionReassemblesWithStoredPixelResults() throws {
        let (root, db) = try Self.scannedTwoStudies("other-version")
        do {
            let database = try SQLiteDatabase(path: db)
            try database.transaction { try $0.execute("UPDATE store_fact SET value = value || ' (an older ctdose)' WHERE name = 'exam analysis'") }
            try database.close()
        }
        let rescan = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--out", root + "/rescan"] + Self.common)
        #expect(rescan.status == 0, "\(rescan.stderr)")
        #expect(rescan.stderr.contains("all 2 studies were assembled again"), "\(rescan.stderr)")
        #expect(rescan.stderr.contains("2 exams updated (0 series measured from their pixels, 2 taken from the store;"), "\(rescan.stderr)")
        let fresh = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/fresh.sqlite", "--out", root + "/fresh"] + Self.common)
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(fresh.stderr.contains("(2 series measured from their pixels, 0 taken from the store;"), "\(fresh.stderr)")
        #expect(StoreFixture.differences(root + "/rescan", root + "/fresh").isEmpty)
    }

    /// A changed image file changes its series' key: that series is measured again, the other study's
    /// is not assembled at all.
    @Test func changedImageMeasuresItsSeriesAgain() throws {
        let (root, db) = try Self.scannedTwoStudies("changed-image")
        let changed = root + "/archive/study1/axial/IM0005.dcm"
        #expect(StoreFixture.run("/usr/bin/dcmodify", ["-nb", "-m", "(0008,103e)=edited", changed]).status == 0)
        let rescan = StoreFixture.ctdose(["scan", root + "/archive", "--db", db] + Self.common)
        #expect(rescan.status == 0, "\(rescan.stderr)")
        #expect(rescan.stderr.contains("1 exams updated (1 series measured from their pixels, 0 taken from the store;"), "\(rescan.stderr)")
    }
}
