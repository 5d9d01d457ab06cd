import Foundation

/// Where a text or code used for category assignment comes from.
public enum DescriptorSource: String, Sendable, Codable, CaseIterable {
    case cptCode, requestedProcedureDescription, studyDescription, protocolName, seriesDescription
    case targetRegion, bodyPartExamined

    /// The texts of this source in an exam (codes as "value^scheme" for target regions).
    func values(in descriptors: ExamDescriptors) -> [String] {
        switch self {
        case .cptCode: return descriptors.cptCodes
        case .requestedProcedureDescription: return descriptors.requestedProcedureDescriptions
        case .studyDescription: return descriptors.studyDescription.map { [$0] } ?? []
        case .protocolName: return descriptors.protocolNames
        case .seriesDescription: return descriptors.seriesDescriptions
        case .targetRegion: return descriptors.targetRegions.map { "\($0.value)^\($0.scheme)" }
        case .bodyPartExamined: return descriptors.bodyPartsExamined
        }
    }
}

/// Dose-level modifier of an exam.
public enum DoseModifier: String, Sendable, Codable, CaseIterable {
    case low, routine, high
}

/// The rules file (Data/category-rules.json or a user-supplied file with the same schema).
public struct CategoryRuleSet: Sendable, Codable {
    public struct ExplicitRule: Sendable, Codable {
        public var id: String
        public var category: String
        public var fields: [DescriptorSource]?
        public var patterns: [String]?
        public var cptCodes: [String]?
        public var note: String?
    }

    public struct TargetRegionCode: Sendable, Codable, Hashable {
        public var codeValue: String
        public var codingSchemeDesignator: String
    }

    public struct RegionDetector: Sendable, Codable {
        public var region: String
        public var patterns: [String]?
        public var cptCodes: [String]?
        public var bodyPartExamined: [String]?
        public var targetRegionCodes: [TargetRegionCode]?
    }

    public struct ModifierDetector: Sendable, Codable {
        public var modifier: DoseModifier
        public var fields: [DescriptorSource]?
        public var patterns: [String]?
        public var cptCodes: [String]?
        public var note: String?
    }

    public struct Combination: Sendable, Codable {
        public var regions: [String]
        /// `nil` matches any modifier.
        public var modifier: DoseModifier?
        public var category: String
        public var note: String?
    }

    public var schemaVersion: Int
    public var provenance: String
    public var explicitRules: [ExplicitRule]
    public var regionSourceTiers: [[DescriptorSource]]
    public var regionDetectors: [RegionDetector]
    public var modifierDetectors: [ModifierDetector]
    public var modifierPrecedence: [DoseModifier]
    public var combinations: [Combination]

    /// Default fields for explicit rules and modifiers without a `fields` list.
    public static let procedureLevelFields: [DescriptorSource] = [.requestedProcedureDescription, .studyDescription, .protocolName]

    public static func load(from url: URL) throws -> CategoryRuleSet {
        try JSONDecoder().decode(CategoryRuleSet.self, from: Data(contentsOf: url))
    }

    /// The bundled Data/category-rules.json.
    public static func bundled() throws -> CategoryRuleSet {
        try bundledRules.get()
    }

    /// Read and decoded once a process: a scan checks the configuration before reading and uses it again
    /// at the export (about 9 M instructions each time, the three tables together).
    private static let bundledRules = Result { try load(from: BundledData.url(named: "category-rules")) }
}
