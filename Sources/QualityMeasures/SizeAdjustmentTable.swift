import Foundation

/// Coefficients of g(d) = exp(k · (d_ref − d)) for one body region. Provisional until official values exist.
public struct SizeAdjustmentCoefficients: Sendable, Codable, Hashable {
    public var region: String
    public var kPerCentimeter: Double
    public var referenceDiameterCentimeters: Double
    public var provisional: Bool
    public var source: String

    enum CodingKeys: String, CodingKey {
        case region
        case kPerCentimeter = "k_per_cm"
        case referenceDiameterCentimeters = "referenceDiameter_cm"
        case provisional, source
    }

    public init(region: String, kPerCentimeter: Double, referenceDiameterCentimeters: Double, provisional: Bool, source: String) {
        self.region = region
        self.kPerCentimeter = kPerCentimeter
        self.referenceDiameterCentimeters = referenceDiameterCentimeters
        self.provisional = provisional
        self.source = source
    }

    /// g(d) = exp(k · (d_ref − d)).
    public func factor(diameterCentimeters: Double) -> Double {
        exp(kPerCentimeter * (referenceDiameterCentimeters - diameterCentimeters))
    }

    /// Compact formula text, e.g. "exp(0.087*(30.3-d))".
    public var formula: String {
        kPerCentimeter == 0 ? "1 (no adjustment)" : "exp(\(kPerCentimeter)*(\(referenceDiameterCentimeters)-d))"
    }
}

/// The coefficient table (Data/size-adjustment.json or a user file with the same schema).
public struct SizeAdjustmentTable: Sendable, Codable {
    public var provenance: String
    public var regions: [SizeAdjustmentCoefficients]

    public init(provenance: String, regions: [SizeAdjustmentCoefficients]) {
        self.provenance = provenance
        self.regions = regions
    }

    public func coefficients(for region: String) -> SizeAdjustmentCoefficients? {
        regions.first { $0.region == region }
    }

    public static func load(from url: URL) throws -> SizeAdjustmentTable {
        try JSONDecoder().decode(SizeAdjustmentTable.self, from: Data(contentsOf: url))
    }

    /// The bundled Data/size-adjustment.json.
    public static func bundled() throws -> SizeAdjustmentTable {
        try bundledTable.get()
    }

    /// Read and decoded once a process: a scan checks the configuration before reading and uses it again
    /// at the export (about 9 M instructions each time, the three tables together).
    private static let bundledTable = Result { try load(from: BundledData.url(named: "size-adjustment")) }
}
