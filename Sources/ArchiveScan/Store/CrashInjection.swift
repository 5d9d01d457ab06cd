import Foundation

/// Fault injection for the resumability tests: `CTDOSE_CRASH_AT=POINT:N` kills the process with
/// SIGKILL (no clean-up, like `kill -9` or a power cut of the process) the N-th time it reaches
/// POINT. Points: `batch` (files of a batch recorded, not yet committed), `batch-done` (committed),
/// `study` (an exam's rows written, not yet committed), `study-done` (committed), `export` (output
/// files written under temporary names, not yet renamed). Unset in normal use: then it does nothing.
enum CrashInjection {
    private static let target: (point: String, count: Int)? = {
        guard let text = ProcessInfo.processInfo.environment["CTDOSE_CRASH_AT"] else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let count = Int(parts[1]) else { return nil }
        return (String(parts[0]), count)
    }()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var reached: [String: Int] = [:]

    static func reach(_ point: String) {
        guard let target, target.point == point else { return }
        lock.lock()
        reached[point, default: 0] += 1
        let hit = reached[point] == target.count
        lock.unlock()
        if hit { kill(getpid(), SIGKILL) }
    }

    /// `CTDOSE_TRAP_ON=STAGE:TEXT` makes ctdose trap (a Swift runtime failure, SIGILL), like a crash bug,
    /// whenever it reads a file (`read`), decodes an image for the pixel pass (`decode`), assembles a
    /// study (`assemble`) or exports a study's exam (`export`) whose path or Study Instance UID contains
    /// TEXT: a poison file for the crash-journal tests. `hang-STAGE:TEXT` sleeps there forever instead
    /// (a file that hangs a decoder).
    private static let trap: (stage: String, text: String)? = {
        guard let value = ProcessInfo.processInfo.environment["CTDOSE_TRAP_ON"], let colon = value.firstIndex(of: ":") else { return nil }
        return (String(value[..<colon]), String(value[value.index(after: colon)...]))
    }()

    static func trapIfAsked(_ stage: String, _ subject: String) {
        guard let trap, subject.contains(trap.text) else { return }
        if trap.stage == stage { fatalError("CTDOSE_TRAP_ON: injected crash at \(stage) of \(subject)") }
        if trap.stage == "hang-" + stage { while true { sleep(3600) } }
    }
}
