import DoseModel
import DosePhysics
import Foundation

/// Which DLP the SAD adjusts (cms1074.md §5.3, §7.5: the measure does not say) [U].
public enum DLPDefinition: String, Sendable, Codable, CaseIterable {
    /// RDSR CT Dose Length Product Total (113813) when present, else the sum of all event DLPs.
    case allEvents
    /// Sum of event DLPs excluding 113805 Constant Angle (localizer) events.
    case withoutLocalizers
    /// Sum of event DLPs excluding 113805 Constant Angle and 113806 Stationary (monitoring) events.
    case withoutLocalizersAndMonitoring
}

/// How patient diameter d is obtained (the five methods of Ge/Weaver et al., JACR 2025; cms1074.md §8.2–8.3).
public enum DiameterMethod: String, Sendable, Codable, CaseIterable {
    /// Water-equivalent diameter Dw (AAPM 220).
    case waterEquivalent
    /// Area-equivalent diameter 2√(A/π) of the HU-thresholded body mask.
    case areaEquivalent
    /// LAT (or, without LAT, AP) converted with the AAPM 204 single-dimension fit.
    case singleDimensionAAPM204
    /// √(AP·LAT) (AAPM 204 effective diameter).
    case geometricMeanAPLateral
    /// (AP + LAT) / 2.
    case arithmeticMeanAPLateral
}

/// Which image supplied the diameter.
public enum DiameterSource: String, Sendable, Codable {
    case midScanAxial
    /// Used when the mid-scan axial value is missing or truncated.
    case localizer
    /// Mid-scan axial value used although truncated (no localizer value available); flagged.
    case midScanAxialTruncated
}

/// A computed SAD with every input needed to recompute it.
public struct SizeAdjustedDoseResult: Sendable, Codable, Hashable {
    public var sizeAdjustedDoseMilligrayCentimeters: Double
    public var dlpMilligrayCentimeters: Double
    public var dlpDefinition: DLPDefinition
    /// e.g. "RDSR total (113813)" or "sum of 4 events".
    public var dlpSource: String
    public var diameterCentimeters: Double
    public var diameterMethod: DiameterMethod
    public var diameterSource: DiameterSource
    /// e.g. "LAT 30.0 cm" for the single-dimension method.
    public var diameterDetail: String?
    public var coefficients: SizeAdjustmentCoefficients
    public var adjustmentFactor: Double
    /// Always true while the coefficients are not official.
    public var provisional: Bool

    /// Compact description for CSV: "dlp=allEvents;d=waterEquivalent@midScanAxial;g=exp(...)".
    public var methodText: String {
        "dlp=\(dlpDefinition.rawValue);d=\(diameterMethod.rawValue)@\(diameterSource.rawValue);g=\(coefficients.formula)"
    }
}

/// SAD = DLP × g(d). Returns the result or the reason it cannot be computed.
public enum SizeAdjustedDoseCalculator {
    public static func dlp(_ dose: ExamDoseInput, definition: DLPDefinition) -> (value: Double, source: String)? {
        if definition == .allEvents, let total = dose.dlpTotalMilligrayCentimeters {
            return (total, "RDSR total (113813)")
        }
        let excluded: Set<CTAcquisitionType>
        switch definition {
        case .allEvents: excluded = []
        case .withoutLocalizers: excluded = [.constantAngle]
        case .withoutLocalizersAndMonitoring: excluded = [.constantAngle, .stationary]
        }
        let included = dose.events.filter { !excluded.contains($0.acquisitionType) }
        // A localizer without a dose container (GE) contributes 0; any other event without DLP makes the sum unknown.
        guard !included.isEmpty,
            included.allSatisfy({ $0.dlpMilligrayCentimeters != nil || $0.acquisitionType == .constantAngle })
        else { return nil }
        let sum = included.reduce(0) { $0 + ($1.dlpMilligrayCentimeters ?? 0) }
        return (sum, "sum of \(included.count) events")
    }

    static func diameter(from m: PatientSizeMeasurements, method: DiameterMethod) -> (Double, String?)? {
        switch method {
        case .waterEquivalent: return m.waterEquivalentDiameterCentimeters.map { ($0, nil) }
        case .areaEquivalent: return m.areaEquivalentDiameterCentimeters.map { ($0, nil) }
        case .singleDimensionAAPM204:
            if let lat = m.lateralCentimeters { return (EffectiveDiameter.fromLateral(lateralCentimeters: lat), "LAT \(lat) cm") }
            if let ap = m.apCentimeters { return (EffectiveDiameter.fromAP(apCentimeters: ap), "AP \(ap) cm") }
            return nil
        case .geometricMeanAPLateral:
            guard let ap = m.apCentimeters, let lat = m.lateralCentimeters else { return nil }
            return (EffectiveDiameter.fromAPAndLateral(apCentimeters: ap, lateralCentimeters: lat), nil)
        case .arithmeticMeanAPLateral:
            guard let ap = m.apCentimeters, let lat = m.lateralCentimeters else { return nil }
            return (EffectiveDiameter.arithmeticMean(apCentimeters: ap, lateralCentimeters: lat), nil)
        }
    }

    /// Mid-scan axial (not truncated) → localizer → truncated mid-scan axial.
    public static func diameter(_ size: ExamSizeInput, method: DiameterMethod) -> (value: Double, source: DiameterSource, detail: String?)? {
        if let axial = size.midScanAxial, !axial.truncated, let d = diameter(from: axial, method: method) {
            return (d.0, .midScanAxial, d.1)
        }
        if let localizer = size.localizer, let d = diameter(from: localizer, method: method) {
            return (d.0, .localizer, d.1)
        }
        if let axial = size.midScanAxial, let d = diameter(from: axial, method: method) {
            return (d.0, .midScanAxialTruncated, d.1)
        }
        return nil
    }

    public static func compute(
        dose: ExamDoseInput, size: ExamSizeInput, coefficients: SizeAdjustmentCoefficients,
        dlpDefinition: DLPDefinition, diameterMethod: DiameterMethod
    ) -> Result<SizeAdjustedDoseResult, SADUnavailable> {
        guard let dlp = dlp(dose, definition: dlpDefinition) else {
            return .failure(SADUnavailable(reason: "DLP unavailable for definition \(dlpDefinition.rawValue)"))
        }
        guard let d = diameter(size, method: diameterMethod) else {
            return .failure(SADUnavailable(reason: "patient diameter unavailable for method \(diameterMethod.rawValue)"))
        }
        let g = coefficients.factor(diameterCentimeters: d.value)
        return .success(
            SizeAdjustedDoseResult(
                sizeAdjustedDoseMilligrayCentimeters: dlp.value * g, dlpMilligrayCentimeters: dlp.value,
                dlpDefinition: dlpDefinition, dlpSource: dlp.source, diameterCentimeters: d.value,
                diameterMethod: diameterMethod, diameterSource: d.source, diameterDetail: d.detail,
                coefficients: coefficients, adjustmentFactor: g, provisional: true))
    }
}

/// Why SAD could not be computed.
public struct SADUnavailable: Error, Sendable, Codable, Hashable {
    public var reason: String
}
