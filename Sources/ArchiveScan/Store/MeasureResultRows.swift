import Foundation
import ResultStore

/// An export's measure verdict rows on their way to the store: the export's thread sends them a batch
/// at a time, and the thread that stores them (`ScanStore.replaceMeasureResults`) takes them while the
/// export goes on. At most `capacity` batches wait, so memory never holds the archive's verdicts.
final class MeasureResultRows: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var waiting: [[[SQLValue]]] = []
    /// Set by the export's side: it finished, or failed.
    private var end: Result<Void, Error>?
    /// Set by the store's side: its transaction failed, it takes no more rows.
    private var abandoned = false

    init(capacity: Int = 4) { self.capacity = max(1, capacity) }

    /// The export's side: a batch of rows. Waits while `capacity` batches wait; once the store's side
    /// has given up, drops them and returns at once.
    func send(_ rows: [[SQLValue]]) {
        guard !rows.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= capacity && !abandoned && end == nil { condition.wait() }
        guard !abandoned, end == nil else { return }
        waiting.append(rows)
        condition.broadcast()
    }

    /// The export's side: no more rows, or (`error`) the export failed and the store's side must stop.
    /// Only the first call counts.
    func close(failing error: Error? = nil) {
        condition.lock()
        defer { condition.unlock() }
        if end == nil { end = error.map { .failure($0) } ?? .success(()) }
        condition.broadcast()
    }

    /// The store's side: the next batch; nil once the export has finished and every batch was taken.
    /// Throws the export's error when it failed.
    func next() throws -> [[SQLValue]]? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty && end == nil { condition.wait() }
        if case .failure(let error)? = end { throw error }
        guard !waiting.isEmpty else { return nil }
        condition.broadcast()
        return waiting.removeFirst()
    }

    /// The store's side: it stopped taking rows (a write failed).
    func abandon() {
        condition.lock()
        defer { condition.unlock() }
        abandoned = true
        waiting.removeAll()
        condition.broadcast()
    }
}
