/// The attributes of a CT image (or one frame of an enhanced CT image) that ctdose uses.
/// Units are in the names; absent attributes are nil.
public struct CTImageHeader: Sendable, Codable, Equatable {
    // Identity
    public var sopClassUID: String
    public var sopInstanceUID: String
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var frameOfReferenceUID: String?
    public var frameNumber: Int?
    public var patient: PatientAttributes = PatientAttributes()
    public var studyDate: String?
    public var studyTime: String?
    public var accessionNumber: String?
    public var acquisitionDateTime: String?
    public var seriesNumber: Int?
    public var instanceNumber: Int?
    public var modality: String?
    // Equipment and protocol
    public var equipment: Equipment = Equipment()
    public var institutionName: String?
    public var protocolName: String?
    public var studyDescription: String?
    public var seriesDescription: String?
    public var requestedProcedureDescription: String?
    public var bodyPartExamined: String?
    public var imageType: [String] = []
    // Acquisition
    public var kvp: Double?
    public var tubeCurrentMilliampere: Double?
    public var exposureMilliampereSeconds: Double?
    public var exposureTimeMilliseconds: Double?
    public var spiralPitchFactor: Double?
    public var singleCollimationWidthMillimeters: Double?
    public var totalCollimationWidthMillimeters: Double?
    public var tableFeedPerRotationMillimeters: Double?
    public var convolutionKernel: String?
    public var sliceThicknessMillimeters: Double?
    public var reconstructionDiameterMillimeters: Double?
    public var dataCollectionDiameterMillimeters: Double?
    public var gantryTiltDegrees: Double?
    public var acquisitionType: CTAcquisitionType = .unknown
    public var exposureModulationType: String?
    public var irradiationEventUID: String?
    // Geometry
    public var imagePositionMillimeters: [Double]?
    public var imageOrientation: [Double]?
    public var pixelSpacingMillimeters: [Double]?
    public var sliceLocationMillimeters: Double?
    public var rows: Int?
    public var columns: Int?
    public var numberOfFrames: Int?
    public var tableHeightMillimeters: Double?
    public var distanceSourceToDetectorMillimeters: Double?
    public var distanceSourceToPatientMillimeters: Double?
    /// Patient Position (0018,5100): HFS, FFS, HFP, FFP, HFDL, HFDR, FFDL, FFDR.
    public var patientPosition: String?
    /// Data Collection Center (Patient) (0018,9313): the centre of the region data were collected in (the
    /// isocentre in x and y), in patient coordinates (mm).
    public var dataCollectionCenterMillimeters: [Double]?
    // Dose and size written by the scanner
    public var ctdiVolMilligray: Double?
    public var ctdiPhantom: CTDIPhantom?
    public var waterEquivalentDiameterMillimeters: Double?
    public var transferSyntaxUID: String?
    /// The file this header was read from (for the pixel pass).
    public var filePath: String?

    public init(sopClassUID: String, sopInstanceUID: String, studyInstanceUID: String, seriesInstanceUID: String) {
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
    }

    /// Image Type value 3 LOCALIZER, or a constant-angle acquisition.
    public var isLocalizer: Bool {
        imageType.count >= 3 && imageType[2].uppercased() == "LOCALIZER" || acquisitionType == .constantAngle
    }

    /// Image Type value 1 ORIGINAL.
    public var isOriginal: Bool { imageType.first?.uppercased() == "ORIGINAL" }

    /// The slice normal is within 30° of the patient z axis (so tilted gantries still count).
    public var isAxial: Bool {
        guard let o = imageOrientation, o.count == 6 else { return false }
        let normalZ = o[0] * o[4] - o[1] * o[3]
        return abs(normalZ) > 0.866
    }

    /// Position along the slice normal (mm), for sorting and scan ranges.
    public var zMillimeters: Double? {
        if let p = imagePositionMillimeters, p.count == 3, let o = imageOrientation, o.count == 6 {
            let normal = (o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3])
            let dot = p[0] * normal.0 + p[1] * normal.1 + p[2] * normal.2
            return normal.2 < 0 ? -dot : dot
        }
        return imagePositionMillimeters?.last ?? sliceLocationMillimeters
    }
}

/// Patient attributes. Identifying values are kept only in memory and pseudonymised on output.
public struct PatientAttributes: Sendable, Codable, Equatable {
    public var patientID: String?
    public var patientName: String?
    public var birthDate: String?
    public var sex: String?
    public var age: String?
    public var sizeMeters: Double?
    public var weightKilograms: Double?
    /// Quality Control Subject (0010,0200): YES for a quality-control phantom.
    public var qualityControlSubject: Bool?
    /// Patient Comments (0010,4000): free text, kept only in memory like the name (the store drops it).
    public var comments: String?
    /// Patient Species Description (0010,2201), present for a non-human subject (veterinary, research).
    public var speciesDescription: String?
    /// Pregnancy Status (0010,21C0): 1 not pregnant, 2 possibly pregnant, 3 definitely pregnant, 4 unknown.
    public var pregnancyStatus: Int?
    /// Why the patient's name, ID or Quality Control Subject say this is not a patient
    /// (`NonPatientWords.indication(of:)`), made when the file is read: the store keeps this, not the name.
    public var nonPatientIndication: String?

    public init() {}
}
