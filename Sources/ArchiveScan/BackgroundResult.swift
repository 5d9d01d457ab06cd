import Dispatch
import Foundation

/// A value computed on another thread from the moment it is created; `wait` blocks until it is there
/// and rethrows the computation's error. Lets this thread go on with other work meanwhile.
final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, Error>?

    /// `ownThread`: on a thread of its own instead of Dispatch's pool, for a computation that spends
    /// most of its time waiting (a pool thread blocked that long would take a core's place from the
    /// pool's other work, `DispatchQueue.concurrentPerform` among it).
    init(ownThread: Bool = false, _ compute: @escaping @Sendable () throws -> Value) {
        let run: @Sendable () -> Void = {
            self.result = Result { try compute() }
            self.done.signal()
        }
        if ownThread { Thread(block: run).start() } else { DispatchQueue.global().async(execute: run) }
    }

    /// Blocks until the value is computed (call once).
    func wait() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
