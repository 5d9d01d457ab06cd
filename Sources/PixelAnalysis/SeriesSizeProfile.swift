/// Which slices of a series to analyse.
public enum SliceSelection: Sendable, Equatable {
    case all
    case everyNth(Int)
    case midScanOnly

    /// Parses "all", "mid" or "every:N".
    public init?(parsing text: String) {
        switch text {
        case "all": self = .all
        case "mid": self = .midScanOnly
        default:
            guard text.hasPrefix("every:"), let n = Int(text.dropFirst(6)), n >= 1 else { return nil }
            self = .everyNth(n)
        }
    }

    /// Indices (into `sortedZ`, ascending) to analyse; the mid-scan slice is always included.
    public func indices(sortedZ: [Double]) -> [Int] {
        guard !sortedZ.isEmpty else { return [] }
        let mid = SeriesSizeProfile.midScanIndex(sortedZ: sortedZ)
        switch self {
        case .all: return Array(sortedZ.indices)
        case .midScanOnly: return [mid]
        case .everyNth(let n): return Array(Set(stride(from: 0, to: sortedZ.count, by: n)).union([mid])).sorted()
        }
    }
}

/// Size along the scan: per-slice values, their mean over the reconstructed length (IEC 62985) and
/// the mid-scan value (the slice nearest the middle of the scanned z-range: what CMS1074 asks for).
public struct SeriesSizeProfile: Sendable, Equatable, Codable {
    public var slices: [SliceSize]
    public var midScan: SliceSize?
    public var midScanIndex: Int?
    /// Length-weighted means over the analysed slices (each slice weighted by the z-interval it stands for).
    public var meanWaterEquivalentDiameterCentimeters: Double?
    public var meanAreaEquivalentDiameterCentimeters: Double?
    public var truncatedSliceCount: Int

    public init(slices unsorted: [SliceSize]) {
        slices = unsorted.sorted { $0.zMillimeters < $1.zMillimeters }
        truncatedSliceCount = slices.filter(\.truncated).count
        guard !slices.isEmpty else { return }
        let z = slices.map(\.zMillimeters)
        let index = Self.midScanIndex(sortedZ: z)
        midScanIndex = index
        midScan = slices[index]
        let weights = Self.coverage(sortedZ: z)
        let total = weights.reduce(0, +)
        func mean(_ value: (SliceSize) -> Double) -> Double {
            total > 0 ? zip(slices, weights).map { value($0) * $1 }.reduce(0, +) / total
                : slices.map(value).reduce(0, +) / Double(slices.count)
        }
        meanWaterEquivalentDiameterCentimeters = mean(\.waterEquivalentDiameterCentimeters)
        meanAreaEquivalentDiameterCentimeters = mean(\.areaEquivalentDiameterCentimeters)
    }

    /// The slice nearest (z_min + z_max) / 2; ties go to the lower z.
    public static func midScanIndex(sortedZ: [Double]) -> Int {
        guard let low = sortedZ.first, let high = sortedZ.last else { return 0 }
        let middle = (low + high) / 2
        return sortedZ.indices.min { abs(sortedZ[$0] - middle) < abs(sortedZ[$1] - middle) } ?? 0
    }

    /// Half the distance to each neighbour (edge slices mirror their one neighbour).
    static func coverage(sortedZ z: [Double]) -> [Double] {
        guard z.count > 1 else { return [1] }
        return z.indices.map { i in
            let before = i > 0 ? z[i] - z[i - 1] : z[1] - z[0]
            let after = i < z.count - 1 ? z[i + 1] - z[i] : z[i] - z[i - 1]
            return (before + after) / 2
        }
    }
}
