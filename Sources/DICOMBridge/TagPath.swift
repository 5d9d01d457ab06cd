/// A DICOM attribute tag, (group, element).
public struct DICOMTag: Hashable, Sendable, CustomStringConvertible {
    public let group: UInt16
    public let element: UInt16

    public init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    var packed: UInt32 { UInt32(group) << 16 | UInt32(element) }

    public var description: String {
        "(" + hex(group) + "," + hex(element) + ")"
    }

    private func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

/// Where an element sits: a chain of (sequence, item index) steps, then the element's tag.
public struct TagPath: Hashable, Sendable, CustomStringConvertible {
    public var steps: [(sequence: DICOMTag, item: Int)] { zip(sequences, items).map { ($0, $1) } }
    public let tag: DICOMTag
    let sequences: [DICOMTag]
    let items: [Int]

    public init(_ tag: DICOMTag) {
        self.tag = tag
        self.sequences = []
        self.items = []
    }

    public init(_ steps: [(DICOMTag, Int)], _ tag: DICOMTag) {
        self.sequences = steps.map(\.0)
        self.items = steps.map(\.1)
        self.tag = tag
    }

    /// The same path, one level deeper: `tag` of item `item` of the sequence this path ends at.
    public func appending(item: Int, _ child: DICOMTag) -> TagPath {
        TagPath(zip(sequences + [self.tag], items + [item]).map { ($0, $1) }, child)
    }

    public var description: String {
        zip(sequences, items).map { "\($0)[\($1)]." }.joined() + tag.description
    }

    public static func == (a: TagPath, b: TagPath) -> Bool {
        a.tag == b.tag && a.sequences == b.sequences && a.items == b.items
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tag)
        hasher.combine(sequences)
        hasher.combine(items)
    }
}

extension TagPath {
    /// A path to `tag` in the same item as this path's element.
    public func appendingSibling(_ tag: DICOMTag) -> TagPath {
        TagPath(zip(sequences, items).map { ($0, $1) }, tag)
    }

    /// The path of item `item` of the sequence this path ends at, addressing `child`.
    public static func item(_ sequence: DICOMTag, _ item: Int, _ child: DICOMTag) -> TagPath {
        TagPath([(sequence, item)], child)
    }
}
