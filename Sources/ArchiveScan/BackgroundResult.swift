import Dispatch

/// A value computed on another thread from the moment it is created; `wait` blocks until it is there
/// and rethrows the computation's error. Lets this thread go on with other work meanwhile.
final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, Error>?

    init(_ compute: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async {
            self.result = Result { try compute() }
            self.done.signal()
        }
    }

    /// Blocks until the value is computed (call once).
    func wait() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
