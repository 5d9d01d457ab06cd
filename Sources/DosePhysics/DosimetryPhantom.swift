import Foundation

/// The CTDI dosimetry phantom a CTDIvol value is referenced to.
public enum DosimetryPhantom: String, Sendable, Codable, CaseIterable {
    /// 16 cm PMMA phantom. DICOM code 113690 "IEC Head Dosimetry Phantom" (PS3.16 CID 4052 / TID 10013 item 113835).
    case head16Centimeter = "head16cm"
    /// 32 cm PMMA phantom. DICOM code 113691 "IEC Body Dosimetry Phantom" (PS3.16 CID 4052 / TID 10013 item 113835).
    case body32Centimeter = "body32cm"

    /// The DICOM code scheme designator of the phantom codes.
    public static let dicomCodingSchemeDesignator = "DCM"

    /// DICOM code value (scheme DCM).
    public var dicomCodeValue: String {
        switch self {
        case .head16Centimeter: return "113690"  // DICOM PS3.16: IEC Head Dosimetry Phantom
        case .body32Centimeter: return "113691"  // DICOM PS3.16: IEC Body Dosimetry Phantom
        }
    }

    /// Phantom diameter in centimeters.
    public var diameterCentimeters: Double {
        switch self {
        case .head16Centimeter: return 16  // IEC 60601-2-44 head CTDI phantom
        case .body32Centimeter: return 32  // IEC 60601-2-44 body CTDI phantom
        }
    }

    /// Maps a DICOM code (value + scheme) to a phantom; `nil` for anything else.
    /// Matches on code value and scheme, never on code meaning (vendors spell meanings differently).
    public init?(dicomCodeValue: String, codingSchemeDesignator: String = "DCM") {
        guard codingSchemeDesignator.trimmingCharacters(in: .whitespaces) == Self.dicomCodingSchemeDesignator else {
            return nil
        }
        switch dicomCodeValue.trimmingCharacters(in: .whitespaces) {
        case "113690": self = .head16Centimeter
        case "113691": self = .body32Centimeter
        default: return nil
        }
    }
}

/// The anatomy an SSDE is computed for: it selects the conversion fit and drives the phantom-mismatch check.
public enum ScannedAnatomy: String, Sendable, Codable, CaseIterable {
    case head
    case body

    /// The phantom this anatomy is conventionally referenced to (ACR DIR: head → 16 cm, body → 32 cm).
    public var expectedPhantom: DosimetryPhantom {
        switch self {
        case .head: return .head16Centimeter
        case .body: return .body32Centimeter
        }
    }
}
