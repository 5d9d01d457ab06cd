import DICOMBridge
import Foundation
import ResultStore

#if canImport(Glibc)
import Glibc
#endif

/// Names the file or study a crash happened in, so that the next run sets it aside instead of crashing
/// on it again.
///
/// A file that crashes ctdose (a DCMTK fault, a trap on a value nobody foresaw) kills the process, and
/// a rerun would read the same file, or assemble the same pending study, and die again: one poison file
/// would stop a nightly archive scan for good. While armed, every thread keeps the work item it is on
/// (`during`) in a small per-thread buffer, and a handler for the fatal signals (SIGSEGV, SIGBUS,
/// SIGILL, SIGFPE, SIGABRT, SIGTRAP) appends that item to the journal file with one `write` before
/// passing the signal on (to Swift's backtracer, which prints the backtrace, or to the default action).
/// The next run reads the journal and records the file as unreadable, or the study as set aside, until
/// it changes on disk. A SIGKILL (`kill -9`, the resumability tests) cannot be caught and sets nothing aside.
///
/// A file that hangs ctdose (an endless loop in a decoder) would stall the archive the same way: a
/// watchdog records a file item that has run longer than the time limit as a hang and ends the process
/// (exit status 4), and the next run sets the file aside in the same way.
public enum CrashJournal {
    /// What a thread is working on.
    public enum Item: Equatable, Sendable {
        /// Reading (parsing and decoding) one file.
        case file(path: String)
        /// Assembling, measuring and validating one study; `file` is the file being read for it, if any.
        case study(uid: String, file: String?)
        /// Rendering or evaluating one study's exam for the output files.
        case export(uid: String)
    }

    /// How a run ended on an item.
    public enum Cause: Equatable, Sendable {
        /// A fatal signal (SIGSEGV …).
        case signal(Int32)
        /// Reading one file took longer than this many seconds.
        case timeLimit(seconds: Int)

        /// For messages: "crashed (SIGSEGV)", "hung (no result after 600 s)".
        public var text: String {
            switch self {
            case .signal(let number):
                let name = [SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGFPE: "SIGFPE", SIGABRT: "SIGABRT", SIGTRAP: "SIGTRAP"][number]
                return "crashed (\(name ?? "signal \(number)"))"
            case .timeLimit(let seconds): return "hung (no result after \(seconds) s)"
            }
        }
    }

    /// One recorded crash or hang.
    public struct Crash: Equatable, Sendable {
        public var cause: Cause
        public var item: Item
    }

    /// Reading one file may take this long before the watchdog calls it a hang (`--file-time-limit`).
    public static let defaultFileTimeLimitSeconds = 600

    /// Sets aside in `store` what crashed earlier runs (the journal at `path`), then runs `body` with
    /// the journal armed; the journal is removed when `body` returns or throws (a crash keeps it).
    public static func recording<T>(at path: String, store: ScanStore, run: ScanRun, fileTimeLimitSeconds: Int = defaultFileTimeLimitSeconds,
                                    _ body: () throws -> T) throws -> T {
        try store.setAside(crashes(at: path), runID: run.id)
        unlink(path)
        try arm(at: path, fileTimeLimitSeconds: fileTimeLimitSeconds)
        defer {
            disarm()
            unlink(path)
        }
        return try body()
    }

    /// Opens (appending) the journal at `path`; installs the signal handlers and starts the watchdog
    /// (once per process).
    public static func arm(at path: String, fileTimeLimitSeconds: Int = defaultFileTimeLimitSeconds) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError("cannot open the crash journal \(path): \(String(cString: strerror(errno)))") }
        WorkItemSlots.arm(journal: descriptor, fileTimeLimitSeconds: max(1, fileTimeLimitSeconds))
        LargeStackWorkers.wrapSubmittedJob = carryingCurrentItem
    }

    /// Stops recording (the handlers stay, and pass every signal on; the watchdog idles).
    public static func disarm() { WorkItemSlots.disarm() }

    /// Runs `body` with `item` as the calling thread's work item, restoring the previous one after.
    public static func during<T>(_ item: Item, _ body: () throws -> T) rethrows -> T {
        try WorkItemSlots.during(encode(item), timed: item.isTimedHere, body)
    }

    /// Runs `body` with the file being read added to the current study item (a file item otherwise).
    public static func reading<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        switch current {
        case .study(let uid, _)?: return try during(.study(uid: uid, file: path), body)
        default: return try during(.file(path: path), body)
        }
    }

    /// The calling thread's work item.
    public static var current: Item? { WorkItemSlots.currentText.flatMap(decode) }

    /// Wraps a job submitted to another thread so that it runs under the submitter's work item.
    public static func carryingCurrentItem(_ job: @escaping @Sendable () -> Void) -> @Sendable () -> Void {
        guard let item = current else { return job }
        let encoded = encode(item)
        return { WorkItemSlots.during(encoded, timed: item.isTimedHere, job) }
    }

    /// Where a scan keeps its journal unless told: beside an SQLite store (`DB[-shard-K-of-N].crashes`);
    /// for PostgreSQL, `ctdose-DATABASE[-shard-K-of-N].crashes` in the working directory. Each shard has
    /// its own, so that shards running at once never read or remove each other's.
    public static func defaultPath(for location: StoreLocation, shard: StudyShard?) -> String {
        let part = shard.map { "-shard-\($0.index)-of-\($0.count)" } ?? ""
        switch location {
        case .sqlite(let path): return path + part + ".crashes"
        case .postgres(let address): return "ctdose-\(address.database)" + part + ".crashes"
        }
    }

    /// The crashes and hangs recorded in the journal at `path` (none when it does not exist). Lines:
    /// "crash\tSIGNAL\tITEM" and "hang\tSECONDS\tITEM".
    public static func crashes(at path: String) -> [Crash] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let number = Int32(parts[1]), let item = decode(String(parts[2])) else { return nil }
            switch parts[0] {
            case "crash": return Crash(cause: .signal(number), item: item)
            case "hang": return Crash(cause: .timeLimit(seconds: Int(number)), item: item)
            default: return nil
            }
        }
    }

    /// "kind\tkey\tdetail\n", backslash, tab and newline escaped (one pass over the bytes: this runs per file read).
    private static func encode(_ item: Item) -> [UInt8] {
        var out: [UInt8] = []
        func append(_ text: String) {
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                default: out.append(byte)
                }
            }
        }
        switch item {
        case .file(let path):
            out.reserveCapacity(path.utf8.count + 8)
            out.append(contentsOf: "file\t".utf8)
            append(path)
            out.append(UInt8(ascii: "\t"))
        case .study(let uid, let file):
            out.append(contentsOf: "study\t".utf8)
            append(uid)
            out.append(UInt8(ascii: "\t"))
            append(file ?? "")
        case .export(let uid):
            out.append(contentsOf: "export\t".utf8)
            append(uid)
            out.append(UInt8(ascii: "\t"))
        }
        out.append(UInt8(ascii: "\n"))
        return out
    }

    static func decode(_ text: String) -> Item? {
        func unescaped(_ text: Substring) -> String {
            var out = "", escaping = false
            for character in text {
                if escaping {
                    out.append(character == "t" ? "\t" : character == "n" ? "\n" : character)
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else {
                    out.append(character)
                }
            }
            return out
        }
        let fields = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 3, !fields[1].isEmpty else { return nil }
        switch fields[0] {
        case "file": return .file(path: unescaped(fields[1]))
        case "study": return .study(uid: unescaped(fields[1]), file: fields[2].isEmpty ? nil : unescaped(fields[2]))
        case "export": return .export(uid: unescaped(fields[1]))
        default: return nil
        }
    }
}

extension CrashJournal.Item {
    /// The watchdog times the work on one file, on the large-stack worker that does it (a thread that
    /// hands the read to a worker may wait behind other jobs, which is no hang).
    var isTimedHere: Bool {
        guard LargeStackWorkers.currentThreadHasLargeStack else { return false }
        switch self {
        case .file: return true
        case .study(_, let file): return file != nil
        case .export: return false
        }
    }
}

extension ScanStore {
    /// Records what crashed an earlier run: a file as unreadable, a study as set aside (without an
    /// exam), each until it changes on disk, so that this run does not crash on it again.
    func setAside(_ crashes: [CrashJournal.Crash], runID: String) throws {
        let advice = "please report it to ctdose's developers"
        var files: [ReadFile] = []
        for crash in crashes {
            switch crash.item {
            case .file(let path):
                var info = stat()
                guard stat(path, &info) == 0 else { continue }
                let reason = "ctdose \(crash.cause.text) while reading this file; set aside until the file changes (\(advice))"
                files.append(ReadFile(path: path, stamp: FileStamp(of: info), object: .failed(reason: reason),
                                      previousStudyInstanceUID: try knownFiles([path])[path]?.studyInstanceUID))
            case .study(let uid, let file):
                let reading = file.map { " (reading \($0))" } ?? ""
                try setAsideStudy(uid, reason: "study \(uid): ctdose \(crash.cause.text) while assembling it\(reading); set aside, "
                    + "without an exam, until one of its files changes (\(advice))", runID: runID)
            case .export(let uid):
                try setAsideStudy(uid, reason: "study \(uid): ctdose \(crash.cause.text) while exporting its exam; set aside, "
                    + "without an exam, until one of its files changes (\(advice))", runID: runID)
            }
        }
        try record(files, runID: runID)
    }
}
