import Dispatch
import Synchronization

/// `items.map(transform)` on up to `lanes` threads, results in the order of `items`. Lanes claim the
/// next unclaimed item until none is left, so a lane that drew a large study does not hold up the
/// others, and no two lanes write the same slot. The first error (in item order) is thrown once every
/// lane has finished.
public enum ParallelMap {
    public static func ordered<Item: Sendable, Result: Sendable>(
        _ items: [Item], lanes: Int, _ transform: @escaping @Sendable (Item) throws -> Result
    ) throws -> [Result] {
        let lanes = max(1, min(lanes, items.count))
        guard lanes > 1 else { return try items.map(transform) }
        let slots = Slots<Result>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: lanes) { _ in
            while let index = slots.claim() {
                slots.set(index, Swift.Result { try transform(items[index]) })
            }
        }
        return try slots.values.map { try $0!.get() }
    }
}

/// Result slots claimed one index at a time and written from several threads, read after they have
/// all finished.
private final class Slots<Value: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Result<Value, Error>?>
    private let claimed = Atomic<Int>(0)

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        _ = storage.deinitialize()
        storage.deallocate()
    }

    /// The next index no thread has claimed yet, or nil when all are.
    func claim() -> Int? {
        let index = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < storage.count ? index : nil
    }

    func set(_ index: Int, _ value: Result<Value, Error>) { storage[index] = value }

    var values: [Result<Value, Error>?] { Array(storage) }
}
