/// How event SSDEs are combined into a series or exam SSDE.
public enum SSDEAggregationMethod: String, Sendable, Codable, CaseIterable {
    /// Default. Mean of event SSDEs weighted by each event's scanning length: the dose averaged over the
    /// irradiated length, analogous to how DLP = CTDIvol × length accumulates.
    case lengthWeightedMean
    /// Mean weighted by each event's DLP.
    case dlpWeightedMean
    /// Plain mean of the event SSDEs.
    case arithmeticMean
}

/// One event's SSDE with the weights aggregation may use.
public struct WeightedSSDE: Sendable, Codable, Equatable {
    public var ssdeMilligray: Double
    public var scanningLengthCentimeters: Double?
    public var dlpMilligrayCentimeters: Double?

    public init(ssdeMilligray: Double, scanningLengthCentimeters: Double? = nil, dlpMilligrayCentimeters: Double? = nil) {
        self.ssdeMilligray = ssdeMilligray
        self.scanningLengthCentimeters = scanningLengthCentimeters
        self.dlpMilligrayCentimeters = dlpMilligrayCentimeters
    }
}

/// An aggregated SSDE and the method actually used (a weighted method falls back to the arithmetic mean
/// when any weight is missing or all weights are zero).
public struct AggregatedSSDE: Sendable, Codable, Equatable {
    public var ssdeMilligray: Double
    public var requestedMethod: SSDEAggregationMethod
    public var methodUsed: SSDEAggregationMethod
    public var eventCount: Int
}

public enum SSDEAggregation {
    /// Returns `nil` for an empty list.
    public static func aggregate(_ values: [WeightedSSDE], method: SSDEAggregationMethod = .lengthWeightedMean) -> AggregatedSSDE? {
        guard !values.isEmpty else { return nil }
        let weights: [Double]?
        switch method {
        case .lengthWeightedMean: weights = allPresent(values.map(\.scanningLengthCentimeters))
        case .dlpWeightedMean: weights = allPresent(values.map(\.dlpMilligrayCentimeters))
        case .arithmeticMean: weights = nil
        }
        if let weights, weights.reduce(0, +) > 0 {
            let total = zip(values, weights).reduce(0) { $0 + $1.0.ssdeMilligray * $1.1 }
            return AggregatedSSDE(
                ssdeMilligray: total / weights.reduce(0, +), requestedMethod: method, methodUsed: method,
                eventCount: values.count)
        }
        let mean = values.reduce(0) { $0 + $1.ssdeMilligray } / Double(values.count)
        return AggregatedSSDE(ssdeMilligray: mean, requestedMethod: method, methodUsed: .arithmeticMean, eventCount: values.count)
    }

    private static func allPresent(_ values: [Double?]) -> [Double]? {
        let present = values.compactMap { $0 }
        return present.count == values.count ? present : nil
    }
}

/// One reconstructed image position for SSDE(z) (IEC 62985).
public struct SliceDoseSample: Sendable, Codable, Equatable {
    public var zMillimeters: Double
    public var ctdiVolMilligray: Double
    public var waterEquivalentDiameterCentimeters: Double

    public init(zMillimeters: Double, ctdiVolMilligray: Double, waterEquivalentDiameterCentimeters: Double) {
        self.zMillimeters = zMillimeters
        self.ctdiVolMilligray = ctdiVolMilligray
        self.waterEquivalentDiameterCentimeters = waterEquivalentDiameterCentimeters
    }
}

/// SSDE(z) = f(Dw(z)) × CTDIvol(z) for each slice, and the scan averages (IEC 62985:2019 defines SSDE and Dw
/// as averages of SSDE(z), Dw(z) over the reconstruction length; here the arithmetic mean over the slices,
/// which equals the length average for equally spaced slices).
public struct SSDEProfile: Sendable, Codable, Equatable {
    public struct Point: Sendable, Codable, Equatable {
        public var zMillimeters: Double
        public var waterEquivalentDiameterCentimeters: Double
        public var conversionFactor: Double
        public var ssdeMilligray: Double
    }

    public var points: [Point]
    public var meanSSDEMilligray: Double
    public var meanWaterEquivalentDiameterCentimeters: Double
    public var fit: SizeConversionFit

    /// Returns `nil` for no samples. The samples are sorted by z; all must share one phantom reference (`fit`).
    public static func compute(samples: [SliceDoseSample], fit: SizeConversionFit) -> SSDEProfile? {
        guard !samples.isEmpty else { return nil }
        let points = samples.sorted { $0.zMillimeters < $1.zMillimeters }.map { sample in
            let factor = fit.factor(diameterCentimeters: sample.waterEquivalentDiameterCentimeters)
            return Point(
                zMillimeters: sample.zMillimeters,
                waterEquivalentDiameterCentimeters: sample.waterEquivalentDiameterCentimeters,
                conversionFactor: factor, ssdeMilligray: factor * sample.ctdiVolMilligray)
        }
        let count = Double(points.count)
        return SSDEProfile(
            points: points,
            meanSSDEMilligray: points.reduce(0) { $0 + $1.ssdeMilligray } / count,
            meanWaterEquivalentDiameterCentimeters: points.reduce(0) { $0 + $1.waterEquivalentDiameterCentimeters } / count,
            fit: fit)
    }
}
