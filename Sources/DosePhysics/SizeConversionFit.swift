import Foundation

/// An exponential size-conversion fit f(D) = a · exp(−b · D), D in centimeters.
///
/// `verified` says whether the coefficients were confirmed against the report text; unverified fits
/// must be labelled as such wherever their result is shown.
public struct SizeConversionFit: Sendable, Codable, Equatable {
    public var coefficientA: Double
    public var exponentPerCentimeter: Double
    /// The phantom the CTDIvol must be referenced to for this fit.
    public var referencePhantom: DosimetryPhantom
    /// Human-readable source, e.g. "AAPM Report 204 (2011) exponential fit, 32 cm phantom".
    public var source: String
    public var verified: Bool

    public init(
        coefficientA: Double, exponentPerCentimeter: Double, referencePhantom: DosimetryPhantom,
        source: String, verified: Bool
    ) {
        self.coefficientA = coefficientA
        self.exponentPerCentimeter = exponentPerCentimeter
        self.referencePhantom = referencePhantom
        self.source = source
        self.verified = verified
    }

    /// Conversion factor for a diameter (effective diameter or water-equivalent diameter) in centimeters.
    public func factor(diameterCentimeters: Double) -> Double {
        coefficientA * exp(-exponentPerCentimeter * diameterCentimeters)
    }

    /// AAPM Report 204 (2011), body, CTDIvol referenced to the 32 cm phantom: f = 3.704369·exp(−0.03671937·D).
    public static let aapm204Body32CentimeterPhantom = SizeConversionFit(
        coefficientA: 3.704369,  // AAPM Report 204 (2011) exponential fit, 32 cm phantom
        exponentPerCentimeter: 0.03671937,  // AAPM Report 204 (2011) exponential fit, 32 cm phantom
        referencePhantom: .body32Centimeter,
        source: "AAPM Report 204 (2011) exponential fit, 32 cm phantom; D = effective diameter or Dw (AAPM Report 220)",
        verified: true
    )

    /// AAPM Report 204 (2011), body, CTDIvol referenced to the 16 cm phantom: f = 1.874799·exp(−0.03871313·D).
    public static let aapm204Body16CentimeterPhantom = SizeConversionFit(
        coefficientA: 1.874799,  // AAPM Report 204 (2011) exponential fit, 16 cm phantom
        exponentPerCentimeter: 0.03871313,  // AAPM Report 204 (2011) exponential fit, 16 cm phantom
        referencePhantom: .head16Centimeter,
        source: "AAPM Report 204 (2011) exponential fit, 16 cm phantom; D = effective diameter or Dw (AAPM Report 220)",
        verified: true
    )

    /// AAPM Report 293 (2019), head, CTDIvol referenced to the 16 cm phantom: f = 1.9852·exp(−0.0486·Dw).
    /// UNVERIFIED: the coefficients come from a third-party implementation, not the report text (cms1074.md §6.3 [S]/[U]).
    public static let aapm293HeadUnverified = SizeConversionFit(
        coefficientA: 1.9852,  // AAPM Report 293 (2019) head fit, as quoted by a third-party plugin; unverified
        exponentPerCentimeter: 0.0486,  // AAPM Report 293 (2019) head fit, as quoted by a third-party plugin; unverified
        referencePhantom: .head16Centimeter,
        source: "AAPM Report 293 (2019) head fit as quoted by third-party code (unverified against the report)",
        verified: false
    )
}

/// The set of fits an SSDE calculation chooses from. Replace any member to use other coefficients.
public struct SSDEFitTable: Sendable, Codable, Equatable {
    public var body32CentimeterPhantom: SizeConversionFit
    public var body16CentimeterPhantom: SizeConversionFit
    public var head16CentimeterPhantom: SizeConversionFit

    public init(
        body32CentimeterPhantom: SizeConversionFit = .aapm204Body32CentimeterPhantom,
        body16CentimeterPhantom: SizeConversionFit = .aapm204Body16CentimeterPhantom,
        head16CentimeterPhantom: SizeConversionFit = .aapm293HeadUnverified
    ) {
        self.body32CentimeterPhantom = body32CentimeterPhantom
        self.body16CentimeterPhantom = body16CentimeterPhantom
        self.head16CentimeterPhantom = head16CentimeterPhantom
    }

    public static let standard = SSDEFitTable()
}
