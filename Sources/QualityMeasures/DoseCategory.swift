import Foundation

/// A version of the CMS CT measures whose category table applies (CMS1074/CMS1206/CMS1056 of one year).
public struct MeasureVersion: RawRepresentable, Sendable, Codable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let v2025 = MeasureVersion(rawValue: "2025")
    public static let v2026 = MeasureVersion(rawValue: "2026")
    public var description: String { rawValue }
    public static func < (lhs: MeasureVersion, rhs: MeasureVersion) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One CT Dose and Image Quality Category (LOINC 96914-7 answer) with its thresholds.
public struct DoseCategory: Sendable, Codable, Hashable {
    /// Stable identifier used by rule files, e.g. "chestLowDose".
    public var id: String
    /// LOINC answer code (answer list LL5824-9), e.g. "LA31758-8".
    public var loincAnswerCode: String
    public var displayName: String
    /// Out of range when global noise ≥ this (HU). `nil` for Full Body.
    public var noiseThresholdHounsfield: Double?
    /// Out of range when SAD ≥ this (mGy·cm). `nil` for Full Body.
    public var sadThresholdMilligrayCentimeters: Double?
    /// Full Body: denominator exclusion.
    public var isFullBody: Bool
    /// Key into the size-adjustment coefficient table.
    public var sizeAdjustmentRegion: String
    /// Anatomy for the auxiliary SSDE ("head" or "body").
    public var ssdeAnatomy: String

    enum CodingKeys: String, CodingKey {
        case id, loincAnswerCode, displayName
        case noiseThresholdHounsfield = "noiseThreshold_hu"
        case sadThresholdMilligrayCentimeters = "sadThreshold_mGycm"
        case isFullBody = "fullBody"
        case sizeAdjustmentRegion, ssdeAnatomy
    }
}

/// The versioned category tables (Data/categories.json or a user file with the same schema).
public struct CategoryCatalog: Sendable, Codable {
    public struct VersionEntry: Sendable, Codable {
        public var version: MeasureVersion
        public var measures: [String]
        public var categories: [DoseCategory]
    }

    public var provenance: String
    public var measureVersions: [VersionEntry]

    public static func load(from url: URL) throws -> CategoryCatalog {
        try JSONDecoder().decode(CategoryCatalog.self, from: Data(contentsOf: url))
    }

    /// The bundled Data/categories.json.
    public static func bundled() throws -> CategoryCatalog {
        try bundledCatalog.get()
    }

    /// Read and decoded once a process: a scan checks the configuration before reading and uses it again
    /// at the export (about 9 M instructions each time, the three tables together).
    private static let bundledCatalog = Result { try load(from: BundledData.url(named: "categories")) }

    public var versions: [MeasureVersion] { measureVersions.map(\.version).sorted() }

    public func categories(for version: MeasureVersion) -> [DoseCategory]? {
        measureVersions.first { $0.version == version }?.categories
    }

    /// The version to use for a measurement-period year: the same year when present, else the closest
    /// earlier version, else the earliest one.
    public func version(forYear year: Int) -> MeasureVersion? {
        let sorted = versions
        if let exact = sorted.first(where: { $0.rawValue == String(year) }) { return exact }
        let earlier = sorted.filter { (Int($0.rawValue) ?? Int.max) < year }
        return earlier.last ?? sorted.first
    }

    /// Looks a category up by its id or its LOINC answer code.
    public func category(_ idOrLoincCode: String, version: MeasureVersion) -> DoseCategory? {
        categories(for: version)?.first { $0.id == idOrLoincCode || $0.loincAnswerCode == idOrLoincCode }
    }
}

/// Locates the module's bundled data files.
public enum BundledData {
    public struct MissingResource: Error, CustomStringConvertible {
        public var name: String
        public var description: String { "bundled data file \(name).json not found" }
    }

    public static func url(named name: String) throws -> URL {
        if let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Data") { return url }
        if let url = Bundle.module.url(forResource: name, withExtension: "json") { return url }
        throw MissingResource(name: name)
    }
}
