import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The machinery under `CrashJournal`: one slot per thread holding its current work item as a ready
/// journal line, the fatal-signal handler that writes the crashing thread's line, and the watchdog
/// that writes a line whose file has taken too long. The handler only reads memory and calls `write`
/// and `sigaction`, which are async-signal-safe.
///
/// Slot layout (`slotBytes` in all): the line's length (Int, 0 for no item), the monotonic time the
/// item started (UInt64 nanoseconds, 0 when the watchdog ignores it), whether a thread owns the slot
/// (Int), then the line, "kind\tkey\tdetail\n". Slots are never freed: a thread that ends gives its
/// slot back for the next thread, so the watchdog can read every slot at any time.
enum WorkItemSlots {
    static let slotBytes = 4096
    static let startOffset = MemoryLayout<Int>.size
    static let ownedOffset = startOffset + MemoryLayout<UInt64>.size
    static let textOffset = ownedOffset + MemoryLayout<Int>.size
    static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    static func arm(journal descriptor: Int32, fileTimeLimitSeconds: Int) {
        timeLimitNanoseconds.store(UInt64(fileTimeLimitSeconds) * 1_000_000_000, ordering: .releasing)
        let previous = journalDescriptor.exchange(descriptor, ordering: .acquiringAndReleasing)
        if previous >= 0 { close(previous) }
        _ = installOnce
    }

    static func disarm() {
        let descriptor = journalDescriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if descriptor >= 0 { close(descriptor) }
    }

    /// Runs `body` with `line` in the calling thread's slot (timed by the watchdog when `timed`).
    static func during<T>(_ line: [UInt8], timed: Bool, _ body: () throws -> T) rethrows -> T {
        let slot = threadSlot()
        let savedLength = slot.load(as: Int.self)
        let savedStart = slot.load(fromByteOffset: startOffset, as: UInt64.self)
        let savedLine = savedLength > 0 ? [UInt8](UnsafeRawBufferPointer(start: slot + textOffset, count: savedLength)) : []
        store(line, start: timed ? monotonicNanoseconds() : 0, in: slot)
        defer { store(savedLine, start: savedStart, in: slot) }
        return try body()
    }

    /// The calling thread's line, without its newline; nil when it has no item.
    static var currentText: String? {
        guard let slot = pthread_getspecific(slotKey) else { return nil }
        let length = slot.load(as: Int.self)
        guard length > 0 else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: slot + textOffset, count: length - 1), as: UTF8.self)
    }

    private static func store(_ line: [UInt8], start: UInt64, in slot: UnsafeMutableRawPointer) {
        let count = min(line.count, slotBytes - textOffset)
        slot.storeBytes(of: 0, as: Int.self)  // a crash in between sees no item rather than half of one
        line.withUnsafeBytes { if count > 0 { (slot + textOffset).copyMemory(from: $0.baseAddress!, byteCount: count) } }
        if count < line.count, count > 0 { (slot + textOffset + count - 1).storeBytes(of: UInt8(ascii: "\n"), as: UInt8.self) }  // cut, still a line
        slot.storeBytes(of: start, toByteOffset: startOffset, as: UInt64.self)
        slot.storeBytes(of: count, as: Int.self)
    }

    private static func threadSlot() -> UnsafeMutableRawPointer {
        if let slot = pthread_getspecific(slotKey) { return slot }
        registryLock.lock()
        defer { registryLock.unlock() }
        var slot: UnsafeMutableRawPointer?
        for index in 0..<registryCount where registry[index]!.load(fromByteOffset: ownedOffset, as: Int.self) == 0 {
            slot = registry[index]
            break
        }
        if slot == nil, registryCount < registryCapacity {
            let fresh = UnsafeMutableRawPointer.allocate(byteCount: slotBytes, alignment: MemoryLayout<Int>.alignment)
            registry[registryCount] = fresh
            registryCount += 1
            slot = fresh
        }
        // Beyond the registry (thousands of threads at once) a slot works without the watchdog.
        let chosen = slot ?? UnsafeMutableRawPointer.allocate(byteCount: slotBytes, alignment: MemoryLayout<Int>.alignment)
        chosen.storeBytes(of: 0, as: Int.self)
        chosen.storeBytes(of: 0, toByteOffset: startOffset, as: UInt64.self)
        chosen.storeBytes(of: 1, toByteOffset: ownedOffset, as: Int.self)
        pthread_setspecific(slotKey, chosen)
        return chosen
    }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    private static let installOnce: Void = {
        for signal in fatalSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = workItemSignalHandler
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, previousActions + Int(signal))
        }
        let watchdog = Thread { watch() }
        watchdog.name = "ctdose crash-journal watchdog"
        watchdog.start()
    }()

    /// Every second: a timed item older than the limit is written as "hang\tSECONDS\tLINE" and the
    /// process ends with status 4 (a thread stuck in a decoder cannot be stopped otherwise).
    private static func watch() -> Never {
        while true {
            sleep(1)
            let descriptor = journalDescriptor.load(ordering: .acquiring), limit = timeLimitNanoseconds.load(ordering: .acquiring)
            guard descriptor >= 0, limit > 0 else { continue }
            let now = monotonicNanoseconds()
            registryLock.lock()
            var hung: [UInt8]?
            for index in 0..<registryCount {
                let slot = registry[index]!
                let length = slot.load(as: Int.self), start = slot.load(fromByteOffset: startOffset, as: UInt64.self)
                guard length > 0, start > 0, now > start, now - start > limit else { continue }
                let line = [UInt8](UnsafeRawBufferPointer(start: slot + textOffset, count: length))
                // Still the same item (not replaced while copying)?
                guard slot.load(as: Int.self) == length, slot.load(fromByteOffset: startOffset, as: UInt64.self) == start else { continue }
                hung = line
                break
            }
            registryLock.unlock()
            guard let line = hung else { continue }
            let seconds = limit / 1_000_000_000
            let record = Array("hang\t\(seconds)\t".utf8) + line
            _ = record.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            let message = "ctdose: reading one file took longer than \(seconds) s; it is named in the crash journal and the next run sets it aside\n"
            _ = message.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            _exit(4)
        }
    }
}

/// The journal's file descriptor; −1 when not armed. Read by the signal handler and the watchdog
/// (atomics: lock-free, so safe in a signal handler, and no data race with the threads that arm it).
private let journalDescriptor = Atomic<Int32>(-1)
private let timeLimitNanoseconds = Atomic<UInt64>(0)
/// Each thread's slot; on thread exit the slot is given back (marked unowned and empty), never freed.
private let slotKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { slot in
        guard let slot else { return }
        slot.storeBytes(of: 0, as: Int.self)
        slot.storeBytes(of: 0, toByteOffset: WorkItemSlots.ownedOffset, as: Int.self)
    }
    return key
}()
/// Every slot handed out, for the watchdog.
private let registryCapacity = 4096
nonisolated(unsafe) private let registry: UnsafeMutablePointer<UnsafeMutableRawPointer?> = {
    let slots = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: registryCapacity)
    slots.initialize(repeating: nil, count: registryCapacity)
    return slots
}()
nonisolated(unsafe) private var registryCount = 0
private let registryLock = NSLock()
/// The actions the handlers replaced, indexed by signal number (allocated before any handler runs).
nonisolated(unsafe) private let previousActions: UnsafeMutablePointer<sigaction> = {
    let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    actions.initialize(repeating: sigaction(), count: 65)
    return actions
}()

/// Async-signal-safe: reads the crashing thread's slot, writes "crash\tNN\t" and its line, restores the
/// previous action and calls it (a fault whose previous action is the default one repeats on return
/// and ends the process).
private func workItemSignalHandler(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    let descriptor = journalDescriptor.load(ordering: .acquiring)
    if descriptor >= 0, let slot = pthread_getspecific(slotKey) {
        let length = slot.load(as: Int.self)
        if length > 0 {
            var prefix: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (99, 114, 97, 115, 104, 9, 48, 48, 9)  // "crash\t00\t"
            prefix.6 = 48 + UInt8(truncatingIfNeeded: (signal / 10) % 10)
            prefix.7 = 48 + UInt8(truncatingIfNeeded: signal % 10)
            _ = withUnsafeBytes(of: &prefix) { write(descriptor, $0.baseAddress, 9) }
            _ = write(descriptor, slot + WorkItemSlots.textOffset, length)
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
