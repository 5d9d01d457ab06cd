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

    /// One recorded crash.
    public struct Crash: Equatable, Sendable {
        public var signal: Int32
        public var item: Item

        /// The signal's name (SIGSEGV …) for messages.
        public var signalName: String {
            [SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGFPE: "SIGFPE", SIGABRT: "SIGABRT", SIGTRAP: "SIGTRAP"][signal]
                ?? "signal \(signal)"
        }
    }

    static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    /// Sets aside in `store` what crashed earlier runs (the journal at `path`), then runs `body` with
    /// the journal armed; the journal is removed when `body` returns or throws (a crash keeps it).
    public static func recording<T>(at path: String, store: ScanStore, run: ScanRun, _ body: () throws -> T) throws -> T {
        try store.setAside(crashes(at: path), runID: run.id)
        unlink(path)
        try arm(at: path)
        defer {
            disarm()
            unlink(path)
        }
        return try body()
    }

    /// Opens (appending) the journal at `path` and installs the signal handlers (once per process).
    public static func arm(at path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError("cannot open the crash journal \(path): \(String(cString: strerror(errno)))") }
        let previous = journalDescriptor
        journalDescriptor = descriptor
        if previous >= 0 { close(previous) }
        _ = installHandlers
    }

    /// Stops recording (the handlers stay, and pass every signal on).
    public static func disarm() {
        let descriptor = journalDescriptor
        journalDescriptor = -1
        if descriptor >= 0 { close(descriptor) }
    }

    /// Runs `body` with `item` as the calling thread's work item, restoring the previous one after.
    public static func during<T>(_ item: Item, _ body: () throws -> T) rethrows -> T {
        try during(encoded: encode(item), body)
    }

    /// Runs `body` with the file being read added to the current study item (a file item otherwise).
    public static func reading<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        switch current {
        case .study(let uid, _)?: return try during(.study(uid: uid, file: path), body)
        default: return try during(.file(path: path), body)
        }
    }

    /// The calling thread's work item.
    public static var current: Item? {
        guard let slot = pthread_getspecific(slotKey) else { return nil }
        let length = slot.load(as: Int.self)
        guard length > 0 else { return nil }
        return decode(String(decoding: UnsafeRawBufferPointer(start: slot + textOffset, count: length), as: UTF8.self))
    }

    /// Wraps a job submitted to another thread so that it runs under the submitter's work item.
    public static func carryingCurrentItem(_ job: @escaping @Sendable () -> Void) -> @Sendable () -> Void {
        guard let item = current else { return job }
        let encoded = encode(item)
        return { during(encoded: encoded, job) }
    }

    /// Where a scan keeps its journal unless told: beside an SQLite store (`DB.crashes`); for PostgreSQL,
    /// `ctdose-DATABASE[-shard-K-of-N].crashes` in the working directory (each shard its own).
    public static func defaultPath(for location: StoreLocation, shard: StudyShard?) -> String {
        switch location {
        case .sqlite(let path): return path + ".crashes"
        case .postgres(let address):
            return "ctdose-\(address.database)" + (shard.map { "-shard-\($0.index)-of-\($0.count)" } ?? "") + ".crashes"
        }
    }

    /// The crashes recorded in the journal at `path` (none when it does not exist).
    public static func crashes(at path: String) -> [Crash] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "crash", let signal = Int32(parts[1]), let item = decode(String(parts[2])) else { return nil }
            return Crash(signal: signal, item: item)
        }
    }

    // MARK: - Per-thread slots and the handler

    /// Slot layout: the text's length (Int), then the text, "kind\tkey\tdetail\n" with tabs, newlines
    /// and backslashes escaped; at most `slotBytes` in all (longer texts are cut, still a line).
    static let slotBytes = 4096
    static let textOffset = MemoryLayout<Int>.size

    private static func during<T>(encoded: [UInt8], _ body: () throws -> T) rethrows -> T {
        let slot = threadSlot()
        let saved = slot.load(as: Int.self)
        let savedText = saved > 0 ? [UInt8](UnsafeRawBufferPointer(start: slot + textOffset, count: saved)) : []
        store(encoded, in: slot)
        defer { store(savedText, in: slot) }
        return try body()
    }

    private static func store(_ text: [UInt8], in slot: UnsafeMutableRawPointer) {
        var count = min(text.count, slotBytes - textOffset)
        if count < text.count, count > 0 { count -= 1 }
        slot.storeBytes(of: 0, as: Int.self)  // a crash in between sees no item rather than half of one
        text.withUnsafeBytes { (slot + textOffset).copyMemory(from: $0.baseAddress!, byteCount: count) }
        if count < text.count, count > 0 { (slot + textOffset + count).storeBytes(of: UInt8(ascii: "\n"), as: UInt8.self); count += 1 }
        slot.storeBytes(of: count, as: Int.self)
    }

    private static func threadSlot() -> UnsafeMutableRawPointer {
        if let slot = pthread_getspecific(slotKey) { return slot }
        let slot = UnsafeMutableRawPointer.allocate(byteCount: slotBytes, alignment: MemoryLayout<Int>.alignment)
        slot.storeBytes(of: 0, as: Int.self)
        pthread_setspecific(slotKey, slot)
        return slot
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

    private static func decode(_ text: String) -> Item? {
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

    private static let installHandlers: Void = {
        LargeStackWorkers.wrapSubmittedJob = carryingCurrentItem
        for signal in fatalSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = crashJournalHandler
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, previousActions + Int(signal))
        }
    }()
}

/// The journal's file descriptor; −1 when not armed. Read by the signal handler.
nonisolated(unsafe) private var journalDescriptor: Int32 = -1
/// Each thread's slot (see `CrashJournal.slotBytes`), freed when the thread ends.
private let slotKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { free($0) }
    return key
}()
/// The actions the handlers replaced, indexed by signal number (allocated before any handler runs).
nonisolated(unsafe) private let previousActions: UnsafeMutablePointer<sigaction> = {
    let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    actions.initialize(repeating: sigaction(), count: 65)
    return actions
}()

/// Async-signal-safe: reads the crashing thread's slot, writes one line, restores the previous action
/// and calls it (a fault whose previous action is the default one repeats on return and ends the process).
private func crashJournalHandler(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    let descriptor = journalDescriptor
    if descriptor >= 0, let slot = pthread_getspecific(slotKey) {
        let length = slot.load(as: Int.self)
        if length > 0 {
            // "crash\t<signal>\t" then the slot's line.
            var prefix: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (99, 114, 97, 115, 104, 9, 48, 48, 9)
            prefix.6 = 48 + UInt8(truncatingIfNeeded: (signal / 10) % 10)
            prefix.7 = 48 + UInt8(truncatingIfNeeded: signal % 10)
            _ = withUnsafeBytes(of: &prefix) { write(descriptor, $0.baseAddress, 9) }
            _ = write(descriptor, slot + CrashJournal.textOffset, length)
        }
    }
    var previous = previousActions[Int(signal)]
    sigaction(signal, &previous, nil)
    let handler = withUnsafeBytes(of: previous.__sigaction_handler) { $0.load(as: UInt.self) }
    guard handler > 1 else { return }  // SIG_DFL (0) or SIG_IGN (1)
    if previous.sa_flags & SA_SIGINFO != 0 {
        previous.__sigaction_handler.sa_sigaction(signal, info, context)
    } else {
        previous.__sigaction_handler.sa_handler(signal)
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
                let reason = "ctdose crashed (\(crash.signalName)) while reading this file; set aside until the file changes (\(advice))"
                files.append(ReadFile(path: path, stamp: FileStamp(of: info), object: .failed(reason: reason),
                                      previousStudyInstanceUID: try knownFiles([path])[path]?.studyInstanceUID))
            case .study(let uid, let file):
                let reading = file.map { " (reading \($0))" } ?? ""
                try setAsideStudy(uid, reason: "study \(uid): ctdose crashed (\(crash.signalName)) while assembling it\(reading); set aside, "
                    + "without an exam, until one of its files changes (\(advice))", runID: runID)
            case .export(let uid):
                try setAsideStudy(uid, reason: "study \(uid): ctdose crashed (\(crash.signalName)) while exporting its exam; set aside, "
                    + "without an exam, until one of its files changes (\(advice))", runID: runID)
            }
        }
        try record(files, runID: runID)
    }
}
