import Foundation
import Synchronization

/// Runs a command (a `ctdose scan` of the incoming folder) in a child process once senders have been
/// quiet for `idleSeconds` (no association open, none ended more recently) and objects have arrived
/// since it last started; one run at a time, so objects that arrive during a run start another after
/// it. A child process, so that nothing a scan meets can stop the receiver.
public final class ScanWhenIdle: @unchecked Sendable {  // the timer is set up once, then only cancelled
    /// What the log may say about the runs.
    public enum Report: Sendable, Equatable {
        case started(objectsSinceLastRun: Int)
        case finished(exitStatus: Int32)
        case couldNotStart(reason: String)
    }

    private struct State {
        var openAssociations = 0
        var lastActivity = Date.distantPast
        var storedAtLastRun = 0
        var running: Process?
        var stopped = false
    }

    private let folder: IncomingFolder
    private let idleSeconds: Double
    private let executable: String
    private let arguments: [String]
    private let report: @Sendable (Report) -> Void
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "ctdose.scan-when-idle")
    private let timer: DispatchSourceTimer

    /// `executable` with `arguments` is the command; `report` is called on a queue of its own.
    public init(folder: IncomingFolder, idleSeconds: Double, executable: String, arguments: [String],
                report: @escaping @Sendable (Report) -> Void) {
        self.folder = folder
        self.idleSeconds = idleSeconds
        self.executable = executable
        self.arguments = arguments
        self.report = report
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + 0.25, repeating: 0.25)
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
    }

    /// Tells it what the receiver saw.
    public func note(_ event: IncomingFolder.Event) {
        state.withLock { state in
            switch event {
            case .associationStarted, .webStoreStarted: state.openAssociations += 1
            case .associationEnded, .webStoreEnded: state.openAssociations = max(0, state.openAssociations - 1)
            default: return
            }
            state.lastActivity = Date()
        }
    }

    /// Stops the checks, asks a running scan to stop (SIGTERM: a scan resumes where it stopped next
    /// time) and waits for it.
    public func stop() {
        timer.cancel()
        queue.sync {}  // a check under way has finished: none starts a scan after this
        let running = state.withLock { state -> Process? in
            state.stopped = true
            return state.running
        }
        guard let running else { return }
        if running.isRunning { kill(running.processIdentifier, SIGTERM) }
        running.waitUntilExit()
    }

    private func tick() {
        let stored = folder.counts.stored
        let due = state.withLock { state -> Int? in
            guard !state.stopped, state.running == nil, state.openAssociations == 0, stored > state.storedAtLastRun,
                  Date().timeIntervalSince(state.lastActivity) >= idleSeconds else { return nil }
            defer { state.storedAtLastRun = stored }
            return stored - state.storedAtLastRun
        }
        guard let newObjects = due else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.terminationHandler = { [weak self] finished in
            guard let self else { return }
            self.state.withLock { $0.running = nil }
            self.report(.finished(exitStatus: finished.terminationStatus))
        }
        state.withLock { $0.running = process }
        do {
            try process.run()
            report(.started(objectsSinceLastRun: newObjects))
        } catch {
            state.withLock { $0.running = nil }
            report(.couldNotStart(reason: "\(executable): \(error.localizedDescription)"))
        }
    }
}
