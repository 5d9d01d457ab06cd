import Foundation
import ResultStore
import Testing
@testable import ArchiveScan

/// A poison file that crashes ctdose (injected with CTDOSE_TRAP_ON: a Swift trap, SIGILL) or hangs it
/// ends the first run; the next run, with the poison still there, finishes and sets the file or study
/// aside (problems.csv, exit status 2); once the file changes it is read again and the result equals a
/// run that never crashed.
@Suite(.serialized)
struct CrashJournalTests {
    static let arguments = ["--jobs", "2", "--slices", "mid"]
    /// No backtrace (seconds each): the crash itself is what the tests need.
    static let quiet = ["SWIFT_BACKTRACE": "enable=no"]

    /// Two study copies and the output of a run that never crashed.
    static let clean: (archive: String, out: String)? = {
        guard let root = try? StoreFixture.temporaryFolder("crash-clean") else { return nil }
        for index in 0..<2 { try? StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        let result = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/clean.sqlite", "--out", root + "/clean"] + arguments)
        return result.status == 0 ? (root + "/archive", root + "/clean") : nil
    }()

    /// A copy of the clean archive (its files get touched) and the scan command on it.
    static func archiveCopy(_ label: String) throws -> (root: String, archive: String, command: [String]) {
        let clean = try #require(Self.clean, "the reference scan failed")
        let root = try StoreFixture.temporaryFolder(label)
        try FileManager.default.copyItem(atPath: clean.archive, toPath: root + "/archive")
        return (root, root + "/archive", ["scan", root + "/archive", "--db", root + "/store.sqlite", "--out", root + "/out"] + arguments)
    }

    /// Once the poison file changes (a new modification time; the trap is off), the next run reads it
    /// again and gives the output of the run that never crashed.
    static func expectCleanResult(afterChanging path: String, command: [String], root: String) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: path)
        let fixed = StoreFixture.ctdose(command)
        #expect(fixed.status == 0, "\(fixed.stderr.suffix(800))")
        #expect(StoreFixture.differences(try #require(Self.clean).out, root + "/out").isEmpty)
    }

    @Test func fileThatCrashesTheReaderIsSetAsideByTheNextRun() throws {
        let (root, archive, command) = try Self.archiveCopy("crash-read")
        let poison = archive + "/study1/axial/IM0007.dcm"
        let trap = Self.quiet.merging(["CTDOSE_TRAP_ON": "read:study1/axial/IM0007.dcm"]) { $1 }

        let crashed = StoreFixture.ctdose(command, environment: trap)
        #expect(crashed.status == -SIGILL, "expected the injected trap, got \(crashed.status): \(crashed.stderr.suffix(800))")
        // The journal names the file (by its canonical path) and the signal.
        let recorded = CrashJournal.crashes(at: root + "/store.sqlite.crashes")
        try #require(recorded.count == 1)
        guard case .file(let path) = recorded[0].item else {
            Issue.record("expected a file item, got \(recorded[0].item)")
            return
        }
        #expect(recorded[0].cause == .signal(SIGILL) && path.hasSuffix("/study1/axial/IM0007.dcm"))

        let resumed = StoreFixture.ctdose(command, environment: trap)  // the file still crashes ctdose
        #expect(resumed.status == 2, "\(resumed.stderr.suffix(800))")
        let problems = try String(contentsOfFile: root + "/out/problems.csv", encoding: .utf8)
        #expect(problems.contains("\(path),error,ctdose crashed (SIGILL) while reading this file; set aside until the file changes"))
        let exams = try String(contentsOfFile: root + "/out/exams.csv", encoding: .utf8)
        #expect(exams.split(separator: "\n").count == 3)  // header and both studies
        #expect(!FileManager.default.fileExists(atPath: root + "/store.sqlite.crashes"))

        try Self.expectCleanResult(afterChanging: poison, command: command, root: root)
    }

    /// The crash happens on a pixel worker while a study is assembled: the worker carries the study
    /// it reads for, so the study (not an innocent neighbour) is set aside.
    @Test func studyThatCrashesThePixelPassIsSetAsideByTheNextRun() throws {
        let (root, archive, command) = try Self.archiveCopy("crash-study")
        let trap = Self.quiet.merging(["CTDOSE_TRAP_ON": "decode:study0/axial/"]) { $1 }

        let crashed = StoreFixture.ctdose(command, environment: trap)
        #expect(crashed.status == -SIGILL, "expected the injected trap, got \(crashed.status): \(crashed.stderr.suffix(800))")
        let recorded = CrashJournal.crashes(at: root + "/store.sqlite.crashes")
        try #require(recorded.count == 1)
        guard case .study(let uid, let file?) = recorded[0].item else {
            Issue.record("expected a study item with its file, got \(recorded[0].item)")
            return
        }
        #expect(uid == "2.25.9000000")  // StoreFixture's Study Instance UID of copy 0
        #expect(recorded[0].cause == .signal(SIGILL) && file.contains("/study0/axial/"))

        let resumed = StoreFixture.ctdose(command, environment: trap)
        #expect(resumed.status == 2, "\(resumed.stderr.suffix(800))")
        let problems = try String(contentsOfFile: root + "/out/problems.csv", encoding: .utf8)
        #expect(problems.contains("study 2.25.9000000: ctdose crashed (SIGILL) while assembling it (reading \(file)); set aside, without an exam"))
        let exams = try String(contentsOfFile: root + "/out/exams.csv", encoding: .utf8)
        #expect(!exams.contains("2.25.9000000,") && exams.contains("2.25.9000001,"))

        try Self.expectCleanResult(afterChanging: archive + "/study0/axial/IM0001.dcm", command: command, root: root)
        let database = try SQLiteDatabase(path: root + "/store.sqlite")
        #expect(try database.read { try $0.rows("SELECT COUNT(*) FROM study_problem").first?.first?.int64 } == 0)
    }

    /// A file that hangs a decoder: the watchdog ends the run (status 4) after --file-time-limit and the
    /// next run, with the file still hanging, finishes without it.
    @Test func fileThatHangsTheReaderIsSetAsideByTheNextRun() throws {
        let (root, archive, command) = try Self.archiveCopy("hang-read")
        let limited = command + ["--file-time-limit", "2"]
        let hang = ["CTDOSE_TRAP_ON": "hang-read:study0/axial/IM0004.dcm"]

        let stopped = StoreFixture.ctdose(limited, environment: hang)
        #expect(stopped.status == 4, "expected the watchdog's status, got \(stopped.status): \(stopped.stderr.suffix(800))")
        #expect(stopped.stderr.contains("reading one file took longer than 2 s"))
        let recorded = CrashJournal.crashes(at: root + "/store.sqlite.crashes")
        try #require(recorded.count == 1)
        #expect(recorded[0].cause == .timeLimit(seconds: 2))
        guard case .file(let path) = recorded[0].item else {
            Issue.record("expected a file item, got \(recorded[0].item)")
            return
        }
        #expect(path.hasSuffix("/study0/axial/IM0004.dcm"))

        let resumed = StoreFixture.ctdose(limited, environment: hang)
        #expect(resumed.status == 2, "\(resumed.stderr.suffix(800))")
        let problems = try String(contentsOfFile: root + "/out/problems.csv", encoding: .utf8)
        #expect(problems.contains("\(path),error,ctdose hung (no result after 2 s) while reading this file; set aside until the file changes"))

        try Self.expectCleanResult(afterChanging: archive + "/study0/axial/IM0004.dcm", command: command, root: root)
    }

    /// The crash happens while the output files are written, after the exams were committed: the next
    /// run sets the exam aside and exports the others.
    @Test func examThatCrashesTheExportIsSetAsideByTheNextRun() throws {
        let (root, archive, command) = try Self.archiveCopy("crash-export")
        let trap = Self.quiet.merging(["CTDOSE_TRAP_ON": "export:2.25.9000001"]) { $1 }

        let crashed = StoreFixture.ctdose(command, environment: trap)
        #expect(crashed.status == -SIGILL, "expected the injected trap, got \(crashed.status): \(crashed.stderr.suffix(800))")
        #expect(CrashJournal.crashes(at: root + "/store.sqlite.crashes") == [CrashJournal.Crash(cause: .signal(SIGILL), item: .export(uid: "2.25.9000001"))])

        let resumed = StoreFixture.ctdose(command, environment: trap)
        #expect(resumed.status == 2, "\(resumed.stderr.suffix(800))")
        let problems = try String(contentsOfFile: root + "/out/problems.csv", encoding: .utf8)
        #expect(problems.contains("study 2.25.9000001: ctdose crashed (SIGILL) while exporting its exam; set aside, without an exam"))
        let exams = try String(contentsOfFile: root + "/out/exams.csv", encoding: .utf8)
        #expect(exams.contains("2.25.9000000,") && !exams.contains("2.25.9000001,"))

        try Self.expectCleanResult(afterChanging: archive + "/study1/localizer/IM0001.dcm", command: command, root: root)
    }

    /// Items survive tabs, newlines and backslashes in paths; lines that are not crash records are skipped.
    @Test func journalLinesRoundTrip() throws {
        let path = try StoreFixture.temporaryFolder("crash-journal") + "/journal"
        let odd = "/archive/a\tb\\c\nd.dcm"
        let inner = try CrashJournal.during(.file(path: odd)) { () throws -> CrashJournal.Item? in
            let file = try #require(CrashJournal.current)
            #expect(file == .file(path: odd))
            return try CrashJournal.during(.study(uid: "1.2.3", file: nil)) {
                CrashJournal.reading("/x/y.dcm") { CrashJournal.current }
            }
        }
        #expect(inner == .study(uid: "1.2.3", file: "/x/y.dcm"))
        #expect(CrashJournal.current == nil)
        let text = "crash\t11\tfile\t/archive/a\\tb\\\\c\\nd.dcm\t\nnoise\ncrash\t06\tstudy\t1.2.3\t/x/y.dcm\ncrash\t04\texport\t1.2.4\t\nhang\t600\tfile\t/z.dcm\t\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(CrashJournal.crashes(at: path) == [
            CrashJournal.Crash(cause: .signal(SIGSEGV), item: .file(path: odd)),
            CrashJournal.Crash(cause: .signal(SIGABRT), item: .study(uid: "1.2.3", file: "/x/y.dcm")),
            CrashJournal.Crash(cause: .signal(SIGILL), item: .export(uid: "1.2.4")),
            CrashJournal.Crash(cause: .timeLimit(seconds: 600), item: .file(path: "/z.dcm")),
        ])
        #expect(CrashJournal.defaultPath(for: .sqlite(path: "/data/ctdose.sqlite"), shard: nil) == "/data/ctdose.sqlite.crashes")
        #expect(CrashJournal.defaultPath(for: .sqlite(path: "/data/ctdose.sqlite"), shard: try StudyShard(index: 1, count: 4))
            == "/data/ctdose.sqlite-shard-1-of-4.crashes")
        let postgres = try StoreLocation(parsing: "postgres://ctdose@db/archive")
        #expect(CrashJournal.defaultPath(for: postgres, shard: try StudyShard(index: 0, count: 2)) == "ctdose-archive-shard-0-of-2.crashes")
    }
}
