import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Threads with a large stack for everything that parses DICOM.
///
/// DCMTK parses nested sequences recursively; a hostile file nested 100,000 deep needs far more than
/// the 512 KiB–8 MiB of ordinary threads and would crash the process. These workers reserve
/// `stackBytes` of virtual address space each (only touched pages are committed), which is enough to
/// read and free such a file. `DICOMFile.read` hops onto one of them when the caller is not already
/// on one.
public final class LargeStackWorkers: @unchecked Sendable {
    /// 2 GiB of reserved stack per worker: measured enough for the corpus's 100,000-deep sequence file.
    public static let stackBytes = 2 << 30

    public static let shared = LargeStackWorkers(count: max(2, ProcessInfo.processInfo.activeProcessorCount))

    /// A process-wide pool of exactly `count` workers (created on first use, kept for the process):
    /// `--jobs N` runs on N threads.
    public static func pool(count: Int) -> LargeStackWorkers {
        poolLock.lock()
        defer { poolLock.unlock() }
        if let existing = pools[count] { return existing }
        let created = LargeStackWorkers(count: max(1, count))
        pools[count] = created
        return created
    }

    nonisolated(unsafe) private static var pools: [Int: LargeStackWorkers] = [:]
    private static let poolLock = NSLock()

    private let condition = NSCondition()
    private var jobs: [(() -> Void)?] = []
    private var head = 0

    public init(count: Int) {
        for _ in 0..<count { spawn() }
    }

    /// Called on the submitting thread for every job; the job it returns runs on the worker. Lets the
    /// caller carry per-thread context onto the worker (ctdose's crash journal: which study a slice is
    /// read for). Set once, before the workers are used.
    nonisolated(unsafe) public static var wrapSubmittedJob: (@Sendable (@escaping @Sendable () -> Void) -> @Sendable () -> Void)?

    /// Queues `job` to run on a large-stack thread.
    public func submit(_ job: @escaping @Sendable () -> Void) {
        let job = Self.wrapSubmittedJob?(job) ?? job
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` on a large-stack thread and returns its result; inline when already on one.
    public func run<T>(_ body: @escaping () throws -> T) throws -> T {
        if Self.currentThreadHasLargeStack { return try body() }
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let unchecked = UncheckedSendable(body)
        submit {
            box.result = Result { try unchecked.value() }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    /// Runs `body` on one of these workers (never inline) and waits for its result.
    public func runAndWait<T>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        submit {
            box.result = .success(body())
            done.signal()
        }
        done.wait()
        return try! box.result!.get()
    }

    /// True on the workers' own threads.
    public static var currentThreadHasLargeStack: Bool {
        pthread_getspecific(workerMarker.key) != nil
    }

    private static let workerMarker = WorkerMarker()

    private func work() -> Never {
        while true { nextJob()() }
    }

    private func nextJob() -> () -> Void {
        condition.lock()
        defer { condition.unlock() }
        while head >= jobs.count { condition.wait() }
        let job = jobs[head]!
        jobs[head] = nil
        head += 1
        if head > 1024, head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    private func spawn() {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, Self.stackBytes)
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { context in
            let workers = Unmanaged<LargeStackWorkers>.fromOpaque(context!).takeUnretainedValue()
            pthread_setspecific(LargeStackWorkers.workerMarker.key, context)
            workers.work()
        }, context)
        pthread_attr_destroy(&attributes)
        precondition(status == 0, "cannot start a DICOM worker thread (pthread_create \(status))")
        pthread_detach(thread)
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A thread-specific key whose value is set only on worker threads.
private final class WorkerMarker: @unchecked Sendable {
    var key = pthread_key_t()
    init() { pthread_key_create(&key, nil) }
}
