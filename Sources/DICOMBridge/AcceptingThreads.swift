import Foundation
import Synchronization

/// The threads of a `DICOMReceiver` that take connections and read their association requests (and TLS
/// handshakes). At least `waitingMinimum` of them wait for the next connection at any time: a thread
/// that a connection reaches starts another when fewer would be left waiting, up to `limit` threads in
/// all, and once its connection is dealt with it ends if enough others wait. A connection that stalls
/// before its request (up to the 30 s ACSE timeout; a TLS handshake up to DCMTK's 60 s socket timeout)
/// so holds up its own thread only, until `limit` such connections are open at once.
final class AcceptingThreads: Sendable {
    static let waitingMinimum = 2
    static let limit = 64

    private struct Counts {
        var waiting = 0
        var total = 0
    }

    private let counts = Mutex(Counts())
    private let running = DispatchGroup()
    private let loop: @Sendable (AcceptingThreads) -> Void

    /// `loop`: one thread's work, which calls `endsAfterConnection` after each connection that reached
    /// it and `ended` when it stops.
    init(loop: @escaping @Sendable (AcceptingThreads) -> Void) {
        self.loop = loop
    }

    /// Starts the first threads and returns once every thread has ended.
    func run() {
        counts.withLock { $0 = Counts(waiting: Self.waitingMinimum, total: Self.waitingMinimum) }
        for _ in 0..<Self.waitingMinimum { startThread() }
        running.wait()
    }

    /// True when the calling thread, whose connection is dealt with, should end (enough others wait for
    /// the next one); it then counts as ended.
    func endsAfterConnection() -> Bool {
        let ends = counts.withLock { counts -> Bool in
            if counts.waiting >= Self.waitingMinimum {
                counts.total -= 1
                return true
            }
            counts.waiting += 1
            return false
        }
        if ends { running.leave() }
        return ends
    }

    /// The calling thread stops; `reached`: a connection had reached it since it last waited.
    func ended(reached: Bool) {
        counts.withLock { counts in
            counts.total -= 1
            if !reached { counts.waiting -= 1 }
        }
        running.leave()
    }

    /// A thread counted in `counts` begins.
    private func startThread() {
        running.enter()
        Thread { [self] in loop(self) }.start()
    }

    /// A connection reached a waiting thread, which no longer waits.
    private func connectionReached() {
        let another = counts.withLock { counts -> Bool in
            counts.waiting -= 1
            guard counts.waiting < Self.waitingMinimum, counts.total < Self.limit else { return false }
            counts.waiting += 1
            counts.total += 1
            return true
        }
        if another { startThread() }
    }

    /// One wait of one thread: told by the shim's `connected` callback, on that thread, when a
    /// connection has been accepted and its request is about to be read.
    final class Connection {
        private let threads: AcceptingThreads
        private(set) var wasReached = false

        init(_ threads: AcceptingThreads) {
            self.threads = threads
        }

        /// The shim's callback; `context`: an unretained `Connection`.
        static func reached(_ context: UnsafeMutableRawPointer?) {
            guard let context else { return }
            let connection = Unmanaged<Connection>.fromOpaque(context).takeUnretainedValue()
            connection.wasReached = true
            connection.threads.connectionReached()
        }
    }
}
