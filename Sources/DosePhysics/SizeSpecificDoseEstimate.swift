/// What to do when the CTDIvol phantom does not match the anatomy (head on 32 cm, body on 16 cm).
public enum PhantomMismatchPolicy: String, Sendable, Codable, CaseIterable {
    /// Default. Flag the mismatch; compute SSDE only if a fit exists for the reported phantom
    /// (body on 16 cm: AAPM 204 16 cm fit; head on 32 cm: no fit, SSDE not computed).
    case flagOnly
    /// Convert CTDIvol to the anatomy's phantom with the ACR DIR factor 2.3, then apply that phantom's fit.
    /// The conversion is recorded in the result.
    case convertWithACRFactor
}

/// Outcome of the phantom-vs-anatomy check.
public enum PhantomCheck: String, Sendable, Codable {
    case consistent
    case headAnatomyOnBodyPhantom
    case bodyAnatomyOnHeadPhantom
    case phantomUnknown

    public var isMismatch: Bool { self == .headAnatomyOnBodyPhantom || self == .bodyAnatomyOnHeadPhantom }

    public static func check(anatomy: ScannedAnatomy, phantom: DosimetryPhantom?) -> PhantomCheck {
        guard let phantom else { return .phantomUnknown }
        switch (anatomy, phantom) {
        case (.head, .body32Centimeter): return .headAnatomyOnBodyPhantom
        case (.body, .head16Centimeter): return .bodyAnatomyOnHeadPhantom
        default: return .consistent
        }
    }
}

/// SSDE of one irradiation event (or any single CTDIvol + diameter pair).
public struct SSDEResult: Sendable, Codable, Equatable {
    /// `nil` when it cannot be computed (unknown phantom, or head on 32 cm phantom under `.flagOnly`).
    public var ssdeMilligray: Double?
    public var ctdiVolMilligray: Double
    public var diameterCentimeters: Double
    public var anatomy: ScannedAnatomy
    public var phantom: DosimetryPhantom?
    public var phantomCheck: PhantomCheck
    /// The conversion factor f applied, when SSDE was computed.
    public var conversionFactor: Double?
    /// The fit used, when SSDE was computed.
    public var fit: SizeConversionFit?
    /// The phantom conversion factor applied to CTDIvol before the fit (only under `.convertWithACRFactor`).
    public var appliedPhantomConversionFactor: Double?
    /// True when the fit used is labelled unverified (AAPM 293 head coefficients by default).
    public var usesUnverifiedCoefficients: Bool { fit.map { !$0.verified } ?? false }
    public var warnings: [String]
}

/// SSDE = f(D) × CTDIvol (AAPM Report 204; D may be Dw per AAPM Report 220; head per AAPM Report 293).
public enum SizeSpecificDoseEstimate {
    public static func compute(
        ctdiVolMilligray: Double,
        diameterCentimeters: Double,
        phantom: DosimetryPhantom?,
        anatomy: ScannedAnatomy,
        fits: SSDEFitTable = .standard,
        mismatchPolicy: PhantomMismatchPolicy = .flagOnly
    ) -> SSDEResult {
        let phantomCheck = PhantomCheck.check(anatomy: anatomy, phantom: phantom)
        var result = SSDEResult(
            ssdeMilligray: nil, ctdiVolMilligray: ctdiVolMilligray, diameterCentimeters: diameterCentimeters,
            anatomy: anatomy, phantom: phantom, phantomCheck: phantomCheck, conversionFactor: nil, fit: nil,
            appliedPhantomConversionFactor: nil, warnings: []
        )
        guard let phantom else {
            result.warnings.append("CTDIvol phantom unknown: SSDE not computed")
            return result
        }
        var ctdi = ctdiVolMilligray
        var effectivePhantom = phantom
        if phantomCheck.isMismatch {
            result.warnings.append("phantom mismatch: \(anatomy.rawValue) anatomy reported against the \(phantom.rawValue) phantom")
            if mismatchPolicy == .convertWithACRFactor {
                ctdi = PhantomNormalization.convert(ctdiVolMilligray, from: phantom, to: anatomy.expectedPhantom)
                effectivePhantom = anatomy.expectedPhantom
                result.appliedPhantomConversionFactor = ctdi / ctdiVolMilligray
                result.warnings.append("CTDIvol converted to the \(effectivePhantom.rawValue) phantom with the ACR DIR factor 2.3")
            }
        }
        let fit: SizeConversionFit?
        switch (anatomy, effectivePhantom) {
        case (.body, .body32Centimeter): fit = fits.body32CentimeterPhantom
        case (.body, .head16Centimeter): fit = fits.body16CentimeterPhantom
        case (.head, .head16Centimeter): fit = fits.head16CentimeterPhantom
        case (.head, .body32Centimeter): fit = nil
        }
        guard let fit else {
            result.warnings.append("no head SSDE fit for CTDIvol referenced to the 32 cm phantom: SSDE not computed")
            return result
        }
        let factor = fit.factor(diameterCentimeters: diameterCentimeters)
        result.fit = fit
        result.conversionFactor = factor
        result.ssdeMilligray = factor * ctdi
        if !fit.verified {
            result.warnings.append("SSDE uses unverified coefficients: \(fit.source)")
        }
        return result
    }
}
