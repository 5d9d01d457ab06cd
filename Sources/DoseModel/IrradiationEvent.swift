/// CT acquisition type of an irradiation event (DICOM CID 10013).
public enum CTAcquisitionType: String, Sendable, Codable, CaseIterable {
    case spiral, sequenced, constantAngle, stationary, free, coneBeam, unknown

    /// Constant Angle acquisitions are localizers (scouts / topograms).
    public var isLocalizer: Bool { self == .constantAngle }
    /// Stationary acquisitions are bolus-tracking / monitoring scans.
    public var isMonitoring: Bool { self == .stationary }

    public init(code: CodedConcept?) {
        switch code {
        case DoseConcept.spiralAcquisitionSRT?, DoseConcept.spiralAcquisitionSCT?: self = .spiral
        case DoseConcept.sequencedAcquisition?: self = .sequenced
        case DoseConcept.constantAngleAcquisition?: self = .constantAngle
        case DoseConcept.stationaryAcquisition?: self = .stationary
        case DoseConcept.freeAcquisition?: self = .free
        case DoseConcept.conebeamAcquisitionSCT?: self = .coneBeam
        default: self = .unknown
        }
    }

    /// From the image attribute Acquisition Type (0018,9302) defined terms.
    public init(imageAttribute: String?) {
        switch imageAttribute?.uppercased() {
        case "SPIRAL": self = .spiral
        case "SEQUENCED": self = .sequenced
        case "CONSTANT_ANGLE": self = .constantAngle
        case "STATIONARY": self = .stationary
        case "FREE": self = .free
        case "CONE_BEAM": self = .coneBeam
        default: self = .unknown
        }
    }
}

/// The CTDI phantom a CTDIvol refers to.
public enum CTDIPhantom: String, Sendable, Codable {
    case head16cm, body32cm, unknown

    public init(code: CodedConcept?) {
        switch code {
        case DoseConcept.iecHeadDosimetryPhantom?: self = .head16cm
        case DoseConcept.iecBodyDosimetryPhantom?: self = .body32cm
        default: self = .unknown
        }
    }

    /// From free text such as Philips' private "16 CM" / "32 CM" or "HEAD" / "BODY".
    public init(text: String?) {
        let upper = (text ?? "").uppercased().replacingOccurrences(of: " ", with: "")
        if upper.contains("16CM") || upper.contains("HEAD") { self = .head16cm }
        else if upper.contains("32CM") || upper.contains("BODY") { self = .body32cm }
        else { self = .unknown }
    }
}

/// Parameters of one X-ray source during an event (dual-source scanners have two).
public struct XRaySourceParameters: Sendable, Codable, Equatable {
    public var identification: String?
    public var kvp: Double?
    public var maximumTubeCurrentMilliampere: Double?
    public var tubeCurrentMilliampere: Double?
    public var exposureTimePerRotationSeconds: Double?

    public init(identification: String? = nil, kvp: Double? = nil, maximumTubeCurrentMilliampere: Double? = nil,
                tubeCurrentMilliampere: Double? = nil, exposureTimePerRotationSeconds: Double? = nil) {
        self.identification = identification
        self.kvp = kvp
        self.maximumTubeCurrentMilliampere = maximumTubeCurrentMilliampere
        self.tubeCurrentMilliampere = tubeCurrentMilliampere
        self.exposureTimePerRotationSeconds = exposureTimePerRotationSeconds
    }
}

/// Dose-check (NEMA XR-25) alert and notification details recorded for an event.
public struct DoseCheckDetails: Sendable, Codable, Equatable {
    public var dlpAlertValueConfigured: Bool?
    public var ctdiVolAlertValueConfigured: Bool?
    public var dlpAlertValueMilligrayCentimeters: Double?
    public var ctdiVolAlertValueMilligray: Double?
    public var accumulatedDLPForwardEstimateMilligrayCentimeters: Double?
    public var accumulatedCTDIvolForwardEstimateMilligray: Double?
    public var dlpNotificationValueConfigured: Bool?
    public var ctdiVolNotificationValueConfigured: Bool?
    public var dlpNotificationValueMilligrayCentimeters: Double?
    public var ctdiVolNotificationValueMilligray: Double?
    public var dlpForwardEstimateMilligrayCentimeters: Double?
    public var ctdiVolForwardEstimateMilligray: Double?
    public var reasonsForProceeding: [String] = []

    public init() {}

    public var isEmpty: Bool { self == DoseCheckDetails() }
}

/// Patient-size values a scanner wrote into the report (newer software only).
public struct VendorSizeEstimate: Sendable, Codable, Equatable {
    public var ssdeMilligray: Double?
    public var waterEquivalentDiameterMillimeters: Double?
    public var lateralDimensionMillimeters: Double?
    public var apDimensionMillimeters: Double?
    public var effectiveDiameterMillimeters: Double?

    public init() {}
    public var isEmpty: Bool { self == VendorSizeEstimate() }
}

/// One CT irradiation event (TID 10013): one continuous actuation of the X-ray source.
public struct IrradiationEvent: Sendable, Codable, Equatable {
    public var irradiationEventUID: String?
    public var acquisitionType: CTAcquisitionType = .unknown
    public var acquisitionTypeCode: CodedConcept?
    public var acquisitionProtocol: String?
    public var targetRegion: CodedConcept?
    public var label: String?
    public var startDateTime: String?
    public var ctdiVolMilligray: Double?
    public var dlpMilligrayCentimeters: Double?
    public var phantom: CTDIPhantom = .unknown
    public var scanningLengthMillimeters: Double?
    public var exposureTimeSeconds: Double?
    public var pitchFactor: Double?
    public var nominalSingleCollimationMillimeters: Double?
    public var nominalTotalCollimationMillimeters: Double?
    public var numberOfXRaySources: Int?
    public var xRaySources: [XRaySourceParameters] = []
    public var doseCheck: DoseCheckDetails?
    public var vendorSize: VendorSizeEstimate?
    public var effectiveDoseMillisievert: Double?
    public var comment: String?
    /// Series Number of the images of this event, when the source states it (Philips Dose Info).
    public var imageSeriesNumber: Int?
    /// Where the values came from (RDSR, Philips Dose Info screen, image headers).
    public var source: DoseSource = .doseReport

    public init() {}
}

/// How an event's dose values were obtained.
public enum DoseSource: String, Sendable, Codable {
    case doseReport              // an RDSR / Enhanced SR with TID 10011 (DCM 113856 or as stated)
    case doseInfoScreen          // a Philips "Dose Info" secondary capture header
    case computedFromImageAttributes  // DCM 113867: derived from CT image headers
}
