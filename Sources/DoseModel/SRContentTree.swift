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
        children(of: index).first { $0.conceptName == concept }
    }

    /// All descendants (pre-order) of `index`.
    public func descendants(of index: Int) -> [SRContentItem] {
        var result: [SRContentItem] = []
        var stack = Array((children.indices.contains(index) ? children[index] : []).reversed())
        while let next = stack.popLast() {
            result.append(items[next])
            stack.append(contentsOf: children[next].reversed())
        }
        return result
    }

    /// Descendants of `index` with the given concept name.
    public func descendants(of index: Int, _ concept: CodedConcept) -> [SRContentItem] {
        descendants(of: index).filter { $0.conceptName == concept }
    }
}
