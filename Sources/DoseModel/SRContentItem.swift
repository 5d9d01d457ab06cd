/// A coded concept as DICOM writes it: (code value, coding scheme designator, code meaning).
/// Equality and hashing use value + scheme only: meanings differ in spelling between vendors.
public struct CodedConcept: Hashable, Sendable, CustomStringConvertible, Codable {
    public let value: String
    public let scheme: String
    public let meaning: String

    public init(_ value: String, _ scheme: String, _ meaning: String = "") {
        self.value = value
        self.scheme = scheme
        self.meaning = meaning
    }

    public static func == (a: CodedConcept, b: CodedConcept) -> Bool {
        a.value == b.value && a.scheme == b.scheme
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
        hasher.combine(scheme)
    }

    public var description: String { "(\(value), \(scheme), \"\(meaning)\")" }
}

/// One content item of a structured report, as read from the file, before interpretation.
public struct SRContentItem: Sendable, Equatable {
    public var index: Int
    public var parent: Int?
    public var depth: Int
    public var relationship: String
    public var valueType: String
    public var conceptName: CodedConcept?
    public var codeValue: CodedConcept?
    /// Raw DS text of the Numeric Value, possibly multi-valued or malformed.
    public var numericText: String?
    public var floatingValue: Double?
    public var unit: CodedConcept?
    public var text: String?
    public var uid: String?
    public var dateTime: String?
    public var personName: String?
    public var referencedItem: String?

    public init(
        index: Int, parent: Int?, depth: Int, relationship: String = "", valueType: String,
        conceptName: CodedConcept?, codeValue: CodedConcept? = nil, numericText: String? = nil,
        floatingValue: Double? = nil, unit: CodedConcept? = nil, text: String? = nil, uid: String? = nil,
        dateTime: String? = nil, personName: String? = nil, referencedItem: String? = nil
    ) {
        self.index = index
        self.parent = parent
        self.depth = depth
        self.relationship = relationship
        self.valueType = valueType
        self.conceptName = conceptName
        self.codeValue = codeValue
        self.numericText = numericText
        self.floatingValue = floatingValue
        self.unit = unit
        self.text = text
        self.uid = uid
        self.dateTime = dateTime
        self.personName = personName
        self.referencedItem = referencedItem
    }
}
