import Foundation

/// The body region a DLP-to-effective-dose coefficient applies to (the regions of AAPM Report 96, Table 4).
public enum EffectiveDoseRegion: String, Sendable, Codable, CaseIterable {
    case head, neck, headAndNeck, chest, abdomenPelvis, trunk

    /// As a coefficient file may spell it.
    public init?(tableValue: String) {
        let text = tableValue.trimmingCharacters(in: .whitespaces).lowercased().filter { $0.isLetter }
        guard let region = Self.allCases.first(where: { $0.rawValue.lowercased() == text }) else {
            switch text {
            case "headneck": self = .headAndNeck
            case "abdomenandpelvis": self = .abdomenPelvis
            case "chestabdomenpelvis", "chestabdomenandpelvis": self = .trunk
            default: return nil
            }
            return
        }
        self = region
    }
}

/// The phantom ages coefficients are tabulated for.
public enum ReferenceAge: String, Sendable, Codable, CaseIterable, Comparable {
    case newborn = "0y", oneYear = "1y", fiveYears = "5y", tenYears = "10y", adult

    /// The youngest age, in completed years, this column is used for.
    public var fromYears: Int {
        switch self {
        case .newborn: return 0
        case .oneYear: return 1
        case .fiveYears: return 5
        case .tenYears: return 10
        case .adult: return 18  // the adult age of the CMS measures and of the typical values (cms1074.md §2.2)
        }
    }

    /// The column for a patient of `years` completed years: the oldest reference age not above it (ctdose's
    /// choice [U]; AAPM Report 96 gives the columns, not the ages between them).
    public static func of(years: Int) -> ReferenceAge {
        allCases.last { $0.fromYears <= max(0, years) }!
    }

    public init?(tableValue: String) {
        let text = tableValue.trimmingCharacters(in: .whitespaces).lowercased()
        switch text {
        case "0", "0y", "newborn": self = .newborn
        case "1", "1y": self = .oneYear
        case "5", "5y": self = .fiveYears
        case "10", "10y": self = .tenYears
        case "adult": self = .adult
        default: return nil
        }
    }

    public static func < (lhs: ReferenceAge, rhs: ReferenceAge) -> Bool { lhs.fromYears < rhs.fromYears }
}

/// Effective dose per DLP for one region and reference age, for a DLP referenced to `phantom`.
public struct EffectiveDoseCoefficient: Sendable, Codable, Hashable {
    public var region: EffectiveDoseRegion
    public var age: ReferenceAge
    public var phantom: DosimetryPhantom
    public var millisievertsPerMilligrayCentimeter: Double

    public init(region: EffectiveDoseRegion, age: ReferenceAge, phantom: DosimetryPhantom, millisievertsPerMilligrayCentimeter: Double) {
        self.region = region
        self.age = age
        self.phantom = phantom
        self.millisievertsPerMilligrayCentimeter = millisievertsPerMilligrayCentimeter
    }
}

/// A set of coefficients (one per region and reference age at most) and where they come from.
public struct EffectiveDoseCoefficientTable: Sendable, Codable, Hashable {
    public var source: String
    public var coefficients: [EffectiveDoseCoefficient]

    public init(source: String, coefficients: [EffectiveDoseCoefficient]) {
        self.source = source
        self.coefficients = coefficients
    }

    public func coefficient(_ region: EffectiveDoseRegion, _ age: ReferenceAge) -> EffectiveDoseCoefficient? {
        coefficients.first { $0.region == region && $0.age == age }
    }

    /// AAPM Report 96 (2008), Table 4 (ICRP 60 tissue weights; from Shrimpton et al. and the 2004 European
    /// guidelines): head, chest, abdomen-pelvis and trunk read again in Lee et al., Med Phys 39:2129 (2012),
    /// Table XII; head-and-neck and neck rows as the report prints them [U: not re-read]. Its note puts the
    /// adult head and neck rows and every paediatric row on the 16 cm phantom, the other adult rows on the
    /// 32 cm one [U: re-read the note before relying on paediatric body estimates].
    public static let aapmReport96: EffectiveDoseCoefficientTable = {
        let columns: [ReferenceAge] = [.newborn, .oneYear, .fiveYears, .tenYears, .adult]
        let rows: [(EffectiveDoseRegion, [Double])] = [
            (.headAndNeck, [0.013, 0.0085, 0.0057, 0.0042, 0.0031]),  // AAPM Report 96, Table 4
            (.head, [0.011, 0.0067, 0.0040, 0.0032, 0.0021]),  // AAPM Report 96, Table 4
            (.neck, [0.017, 0.012, 0.011, 0.0079, 0.0059]),  // AAPM Report 96, Table 4
            (.chest, [0.039, 0.026, 0.018, 0.013, 0.014]),  // AAPM Report 96, Table 4
            (.abdomenPelvis, [0.049, 0.030, 0.020, 0.015, 0.015]),  // AAPM Report 96, Table 4
            (.trunk, [0.044, 0.028, 0.019, 0.014, 0.015]),  // AAPM Report 96, Table 4
        ]
        let headPhantomRegions: Set<EffectiveDoseRegion> = [.head, .neck, .headAndNeck]
        let coefficients = rows.flatMap { region, values in
            zip(columns, values).map { age, k in
                EffectiveDoseCoefficient(
                    region: region, age: age,
                    phantom: age != .adult || headPhantomRegions.contains(region) ? .head16Centimeter : .body32Centimeter,
                    millisievertsPerMilligrayCentimeter: k)
            }
        }
        return EffectiveDoseCoefficientTable(source: "AAPM Report 96 (ICRP 60)", coefficients: coefficients)
    }()
}
