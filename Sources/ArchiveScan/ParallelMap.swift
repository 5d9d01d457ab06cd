import Dispatch

/// `items.map(transform)` on up to `lanes` threads, results in the order of `items`. Lane k takes
/// items k, k + lanes, …, so no two lanes write the same slot. The first error (in item order) is
/// thrown once every lane has finished.
enum ParallelMap {
    static func ordered<Item: Sendable, Result: Sendable>(
        _ items: [Item], lanes: Int, _ transform: @escaping @Sendable (Item) throws -> Result
    ) throws -> [Result] {
        let lanes = max(1, min(lanes, items.count))
        guard lanes > 1 else { return try items.map(transform) }
        let slots = Slots<Result>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for index in stride(from: lane, to: items.count, by: lanes) {
                slots.set(index, Swift.Result { try transform(items[index]) })
            }
        }
        return try slots.values.map { try $0!.get() }
    }
}

/// Result slots written by disjoint indices from several threads, read after they have all finished.
private final class Slots<Value: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Result<Value, Error>?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        _ = storage.deinitialize()
        storage.deallocate()
    }

    func set(_ index: Int, _ value: Result<Value, Error>) { storage[index] = value }

    var values: [Result<Value, Error>?] { Array(storage) }
}
