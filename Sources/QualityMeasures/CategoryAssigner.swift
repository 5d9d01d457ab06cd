import Foundation

/// Why a region, modifier or explicit rule fired: the source, the text and the pattern that matched.
public struct MatchEvidence: Sendable, Codable, Hashable {
    public var source: DescriptorSource
    public var text: String
    public var pattern: String
}

/// Result of category assignment, with the trace that produced it.
public struct CategoryAssignment: Sendable, Codable, Hashable {
    public enum Outcome: Sendable, Codable, Hashable {
        /// A category id (from the rules or an override).
        case assigned(categoryId: String)
        /// Nothing matched; the reason names every text that was examined.
        case uncategorized(reason: String)
    }

    public var outcome: Outcome
    /// "override", "explicit:<rule id>" or "combination:<regions>/<modifier>".
    public var ruleDescription: String?
    public var regions: [String]
    public var modifier: DoseModifier
    public var evidence: [MatchEvidence]

    public var categoryId: String? {
        if case .assigned(let id) = outcome { return id }
        return nil
    }
}

/// Assigns categories with a compiled rule set. Not Sendable (holds compiled regular expressions): create one per task.
public struct CategoryAssigner {
    struct CompiledPattern {
        var source: String
        var regex: NSRegularExpression
    }

    public let rules: CategoryRuleSet
    private var compiled: [String: CompiledPattern] = [:]
    /// Archives repeat their protocol and study descriptions: an assignment depends on the descriptors
    /// only, so each distinct set is matched once (bounded, so memory does not grow with the archive).
    private let assigned: RecentValues<ExamDescriptors, CategoryAssignment>
    /// The same texts recur in exams whose descriptor sets differ (a series description, a protocol
    /// name): which pattern of a list a text matches first is searched once per text and list (bounded
    /// too): the first pattern of the list it matched, nil when none did. A regular expression search
    /// costs some 25,000 instructions; a look-up here a few hundred.
    private let textMatches: RecentValues<TextAndPatterns, String?>

    public struct InvalidPattern: Error, CustomStringConvertible {
        public var pattern: String
        public var description: String { "invalid regular expression in category rules: \(pattern)" }
    }

    public init(rules: CategoryRuleSet) throws {
        try self.init(rules: rules, rememberedAssignments: 4096)
    }

    /// A capacity of 0 remembers nothing (for tests comparing assigners).
    init(rules: CategoryRuleSet, rememberedAssignments: Int, rememberedTextMatches: Int = 65536) throws {
        self.rules = rules
        assigned = RecentValues(capacity: rememberedAssignments)
        textMatches = RecentValues(capacity: rememberedTextMatches)
        var all: [String] = rules.explicitRules.flatMap { $0.patterns ?? [] }
        all += rules.regionDetectors.flatMap { $0.patterns ?? [] }
        all += rules.modifierDetectors.flatMap { $0.patterns ?? [] }
        for pattern in all where compiled[pattern] == nil {
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else {
                throw InvalidPattern(pattern: pattern)
            }
            compiled[pattern] = CompiledPattern(source: pattern, regex: regex)
        }
    }

    /// Splits camelCase words, turns '_' and '^' into spaces and lowercases ("ThoraxRoutine" → "thorax routine").
    public static func normalize(_ text: String) -> String {
        var output = ""
        var previous: Character?
        for character in text {
            if let previous, previous.isLowercase, character.isUppercase { output.append(" ") }
            output.append(character == "_" || character == "^" ? " " : character)
            previous = character
        }
        return output.lowercased()
    }

    /// The texts of one exam, each normalised once for all the patterns that look at it.
    private final class NormalizedTexts {
        private var normalized: [String: (text: String, range: NSRange)] = [:]

        subscript(_ original: String) -> (text: String, range: NSRange) {
            if let known = normalized[original] { return known }
            let text = CategoryAssigner.normalize(original)
            let entry = (text, NSRange(text.startIndex..., in: text))
            normalized[original] = entry
            return entry
        }
    }

    private func firstMatch(patterns: [String], in text: String, texts: NormalizedTexts) -> String? {
        let key = TextAndPatterns(text: text, patterns: patterns)
        if let known = textMatches[key] { return known }
        let (normalized, range) = texts[text]
        let pattern = patterns.first { compiled[$0]?.regex.firstMatch(in: normalized, range: range) != nil }
        textMatches[key] = .some(pattern)
        return pattern
    }

    private func textMatches(patterns: [String]?, fields: [DescriptorSource], descriptors: ExamDescriptors,
                             texts: NormalizedTexts) -> MatchEvidence? {
        guard let patterns, !patterns.isEmpty else { return nil }
        for field in fields where field != .cptCode && field != .targetRegion && field != .bodyPartExamined {
            for text in field.values(in: descriptors) {
                if let pattern = firstMatch(patterns: patterns, in: text, texts: texts) {
                    return MatchEvidence(source: field, text: text, pattern: pattern)
                }
            }
        }
        return nil
    }

    private func cptMatch(_ codes: [String]?, descriptors: ExamDescriptors) -> MatchEvidence? {
        guard let codes else { return nil }
        let present = descriptors.cptCodes.map { $0.trimmingCharacters(in: .whitespaces) }
        return present.first { codes.contains($0) }.map { MatchEvidence(source: .cptCode, text: $0, pattern: "CPT \($0)") }
    }

    /// Regions found by one detector in one tier of sources.
    private func detect(_ detector: CategoryRuleSet.RegionDetector, sources: [DescriptorSource], descriptors: ExamDescriptors,
                        texts: NormalizedTexts) -> MatchEvidence? {
        for source in sources {
            switch source {
            case .cptCode:
                if let hit = cptMatch(detector.cptCodes, descriptors: descriptors) { return hit }
            case .bodyPartExamined:
                let wanted = Set((detector.bodyPartExamined ?? []).map { $0.uppercased() })
                if let value = descriptors.bodyPartsExamined.first(where: { wanted.contains($0.trimmingCharacters(in: .whitespaces).uppercased()) }) {
                    return MatchEvidence(source: source, text: value, pattern: "Body Part Examined \(value.uppercased())")
                }
            case .targetRegion:
                let wanted = Set((detector.targetRegionCodes ?? []).map { "\($0.codeValue)^\($0.codingSchemeDesignator)" })
                if let code = descriptors.targetRegions.first(where: { wanted.contains("\($0.value)^\($0.scheme)") }) {
                    return MatchEvidence(source: source, text: "\(code.value)^\(code.scheme)", pattern: "Target Region code")
                }
            default:
                if let hit = textMatches(patterns: detector.patterns, fields: [source], descriptors: descriptors, texts: texts) { return hit }
            }
        }
        return nil
    }

    /// Assigns the category of one exam. `override` (a category id) bypasses the rules.
    public func assign(_ descriptors: ExamDescriptors, override: String? = nil) -> CategoryAssignment {
        if let override {
            return CategoryAssignment(outcome: .assigned(categoryId: override), ruleDescription: "override", regions: [], modifier: .routine, evidence: [])
        }
        if let known = assigned[descriptors] { return known }
        let assignment = matchRules(descriptors)
        assigned[descriptors] = assignment
        return assignment
    }

    private func matchRules(_ descriptors: ExamDescriptors) -> CategoryAssignment {
        let texts = NormalizedTexts()
        for rule in rules.explicitRules {
            let hit = cptMatch(rule.cptCodes, descriptors: descriptors)
                ?? textMatches(patterns: rule.patterns, fields: rule.fields ?? CategoryRuleSet.procedureLevelFields, descriptors: descriptors,
                               texts: texts)
            if let hit {
                return CategoryAssignment(
                    outcome: .assigned(categoryId: rule.category), ruleDescription: "explicit:\(rule.id)", regions: [],
                    modifier: .routine, evidence: [hit])
            }
        }
        var regionEvidence: [(String, MatchEvidence)] = []
        for tier in rules.regionSourceTiers {
            regionEvidence = rules.regionDetectors.compactMap { detector in
                detect(detector, sources: tier, descriptors: descriptors, texts: texts).map { (detector.region, $0) }
            }
            if !regionEvidence.isEmpty { break }
        }
        var modifierEvidence: [DoseModifier: MatchEvidence] = [:]
        for detector in rules.modifierDetectors where modifierEvidence[detector.modifier] == nil {
            let hit = cptMatch(detector.cptCodes, descriptors: descriptors)
                ?? textMatches(patterns: detector.patterns, fields: detector.fields ?? CategoryRuleSet.procedureLevelFields, descriptors: descriptors,
                               texts: texts)
            if let hit { modifierEvidence[detector.modifier] = hit }
        }
        let modifier = rules.modifierPrecedence.first { modifierEvidence[$0] != nil } ?? .routine
        let regions = Array(Set(regionEvidence.map(\.0))).sorted()
        let evidence = regionEvidence.map(\.1) + (modifierEvidence[modifier].map { [$0] } ?? [])
        let regionSet = Set(regions)
        if !regionSet.isEmpty,
            let combination = rules.combinations.first(where: { Set($0.regions) == regionSet && ($0.modifier == nil || $0.modifier == modifier) })
        {
            return CategoryAssignment(
                outcome: .assigned(categoryId: combination.category),
                ruleDescription: "combination:\(combination.regions.joined(separator: "+"))/\(combination.modifier?.rawValue ?? "any")",
                regions: regions, modifier: modifier, evidence: evidence)
        }
        let why = regions.isEmpty
            ? "no body region recognised"
            : "no combination rule for regions [\(regions.joined(separator: ", "))] with modifier \(modifier.rawValue)"
        return CategoryAssignment(
            outcome: .uncategorized(reason: "\(why); examined: \(Self.describe(descriptors))"), ruleDescription: nil,
            regions: regions, modifier: modifier, evidence: evidence)
    }

    /// Every text the rules looked at, quoted exactly, for the uncategorized reason.
    public static func describe(_ descriptors: ExamDescriptors) -> String {
        let parts = DescriptorSource.allCases.compactMap { source -> String? in
            let values = source.values(in: descriptors)
            guard !values.isEmpty else { return nil }
            return "\(source.rawValue)=" + values.map { "'\($0)'" }.joined(separator: ",")
        }
        return parts.isEmpty ? "(no descriptors)" : parts.joined(separator: "; ")
    }
}

/// A text and the pattern list it was searched with.
private struct TextAndPatterns: Hashable {
    var text: String
    var patterns: [String]
}

/// Values of recently seen keys, emptied when full so that memory does not grow with the archive; a
/// capacity of 0 remembers nothing.
private final class RecentValues<Key: Hashable, Value> {
    private let capacity: Int
    private var entries: [Key: Value] = [:]

    init(capacity: Int) { self.capacity = capacity }

    subscript(_ key: Key) -> Value? {
        get { entries[key] }
        set {
            guard capacity > 0 else { return }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = newValue
        }
    }
}
