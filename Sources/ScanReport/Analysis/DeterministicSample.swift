/// At most `limit` items of a stream, and the same ones whatever order the stream comes in: those whose
/// key has the smallest 64-bit FNV-1a hash (ties by key). A chart of many thousands of exams draws such
/// a sample, so that the page stays light and the report of one folder is the same every time.
struct DeterministicSample<Item> {
    let limit: Int
    /// Items offered.
    private(set) var offered = 0
    private var kept: [(rank: UInt64, key: String, item: Item)] = []

    init(limit: Int) { self.limit = max(0, limit) }

    mutating func add(_ item: Item, key: String) {
        offered += 1
        kept.append((Self.rank(key), key, item))
        if kept.count >= 2 * max(limit, 1) { kept = Self.first(limit, of: kept) }
    }

    /// The kept items, in hash order.
    var items: [Item] { Self.first(limit, of: kept).map(\.item) }

    private static func first(_ limit: Int, of entries: [(rank: UInt64, key: String, item: Item)]) -> [(rank: UInt64, key: String, item: Item)] {
        Array(entries.sorted { ($0.rank, $0.key) < ($1.rank, $1.key) }.prefix(limit))
    }

    /// FNV-1a, 64 bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3): fixed across runs and
    /// machines, unlike Swift's seeded `Hasher`.
    static func rank(_ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
