/// Navigation over a flat pre-order list of SR content items (parents, children, descendants).
public struct SRContentTree: Sendable {
    public let items: [SRContentItem]
    private let children: [[Int]]

    public init(_ items: [SRContentItem]) {
        self.items = items
        var children = Array(repeating: [Int](), count: items.count)
        for item in items {
            if let parent = item.parent, parent >= 0, parent < items.count { children[parent].append(item.index) }
        }
        self.children = children
    }

    public var root: SRContentItem? { items.first }

    public func children(of index: Int) -> [SRContentItem] {
        guard index >= 0, index < children.count else { return [] }
        return children[index].map { items[$0] }
    }

    /// First child with the given concept name.
    public func child(of index: Int, _ concept: CodedConcept) -> SRContentItem? {
        guard index >= 0, index < children.count else { return nil }
        return children[index].first { items[$0].conceptName == concept }.map { items[$0] }
    }

    /// All descendants (pre-order) of `index`.
    public func descendants(of index: Int) -> [SRContentItem] {
        var result: [SRContentItem] = []
        forEachDescendant(of: index) { result.append(items[$0]) }
        return result
    }

    /// Descendants of `index` with the given concept name. (Matched before an item is copied: a dose
    /// report's tree can hold thousands of items, and copying every one to keep a few cost more than
    /// the rest of interpreting the report.)
    public func descendants(of index: Int, _ concept: CodedConcept) -> [SRContentItem] {
        var result: [SRContentItem] = []
        forEachDescendant(of: index) { if items[$0].conceptName == concept { result.append(items[$0]) } }
        return result
    }

    /// The indices of the descendants of `index`, in pre-order.
    private func forEachDescendant(of index: Int, _ body: (Int) -> Void) {
        var stack = Array((children.indices.contains(index) ? children[index] : []).reversed())
        while let next = stack.popLast() {
            body(next)
            stack.append(contentsOf: children[next].reversed())
        }
    }
}
