import DosePhysics
import DoseModel
import Foundation

/// The texts and codes category assignment looks at.
public struct ExamDescriptors: Sendable, Codable, Hashable {
    public var studyDescription: String?
    public var requestedProcedureDescriptions: [String]
    public var protocolNames: [String]
    public var seriesDescriptions: [String]
    public var cptCodes: [String]
    /// RDSR Target Region (123014) of the diagnostic events.
    public var targetRegions: [CodedConcept]
    /// Body Part Examined (0018,0015) values.
    public var bodyPartsExamined: [String]

    public init(
        studyDescription: String? = nil, requestedProcedureDescriptions: [String] = [], protocolNames: [String] = [],
        seriesDescriptions: [String] = [], cptCodes: [String] = [], targetRegions: [CodedConcept] = [],
        bodyPartsExamined: [String] = []
    ) {
        self.studyDescription = studyDescription
        self.requestedProcedureDescriptions = requestedProcedureDescriptions
        self.protocolNames = protocolNames
        self.seriesDescriptions = seriesDescriptions
        self.cptCodes = cptCodes
        self.targetRegions = targetRegions
        self.bodyPartsExamined = bodyPartsExamined
    }
}

/// One irradiation event's dose values (RDSR TID 10013).
public struct IrradiationEventDose: Sendable, Codable, Hashable {
    public var eventUID: String?
    public var acquisitionType: CTAcquisitionType
    public var ctdiVolMilligray: Double?
    public var dlpMilligrayCentimeters: Double?
    public var phantom: DosimetryPhantom?
    public var scanningLengthCentimeters: Double?
    public var seriesKey: String?
    /// What the event scanned, for its effective dose coefficient: its protocol and target region, and
    /// the descriptions of the image series linked to it.
    public var acquisitionProtocol: String?
    public var targetRegion: CodedConcept?
    public var seriesDescriptions: [String] = []
    /// The DLP was summed from image headers over the reconstructed length (DCM 113867): a lower bound.
    public var dlpFromImageHeaders = false

    public init(
        eventUID: String? = nil, acquisitionType: CTAcquisitionType, ctdiVolMilligray: Double? = nil,
        dlpMilligrayCentimeters: Double? = nil, phantom: DosimetryPhantom? = nil, scanningLengthCentimeters: Double? = nil,
        seriesKey: String? = nil, acquisitionProtocol: String? = nil, targetRegion: CodedConcept? = nil
    ) {
        self.eventUID = eventUID
        self.acquisitionType = acquisitionType
        self.ctdiVolMilligray = ctdiVolMilligray
        self.dlpMilligrayCentimeters = dlpMilligrayCentimeters
        self.phantom = phantom
        self.scanningLengthCentimeters = scanningLengthCentimeters
        self.seriesKey = seriesKey
        self.acquisitionProtocol = acquisitionProtocol
        self.targetRegion = targetRegion
    }
}

/// Exam dose: the RDSR total (113813) when present and the events.
public struct ExamDoseInput: Sendable, Codable, Hashable {
    public var dlpTotalMilligrayCentimeters: Double?
    public var events: [IrradiationEventDose]

    public init(dlpTotalMilligrayCentimeters: Double? = nil, events: [IrradiationEventDose] = []) {
        self.dlpTotalMilligrayCentimeters = dlpTotalMilligrayCentimeters
        self.events = events
    }
}

/// Patient-size measurements from one image (all centimeters).
public struct PatientSizeMeasurements: Sendable, Codable, Hashable {
    public var waterEquivalentDiameterCentimeters: Double?
    /// Area-equivalent diameter 2√(A/π) of the HU-thresholded body mask.
    public var areaEquivalentDiameterCentimeters: Double?
    public var lateralCentimeters: Double?
    public var apCentimeters: Double?
    /// The body outline touches the reconstruction field of view.
    public var truncated: Bool

    public init(
        waterEquivalentDiameterCentimeters: Double? = nil, areaEquivalentDiameterCentimeters: Double? = nil,
        lateralCentimeters: Double? = nil, apCentimeters: Double? = nil, truncated: Bool = false
    ) {
        self.waterEquivalentDiameterCentimeters = waterEquivalentDiameterCentimeters
        self.areaEquivalentDiameterCentimeters = areaEquivalentDiameterCentimeters
        self.lateralCentimeters = lateralCentimeters
        self.apCentimeters = apCentimeters
        self.truncated = truncated
    }
}

/// Size from the mid-scan axial image and, as fallback, the localizer.
public struct ExamSizeInput: Sendable, Codable, Hashable {
    public var midScanAxial: PatientSizeMeasurements?
    public var localizer: PatientSizeMeasurements?

    public init(midScanAxial: PatientSizeMeasurements? = nil, localizer: PatientSizeMeasurements? = nil) {
        self.midScanAxial = midScanAxial
        self.localizer = localizer
    }
}

/// The exam's global noise as computed by pixel analysis.
public struct GlobalNoiseInput: Sendable, Codable, Hashable {
    public var valueHounsfield: Double
    /// Free text naming the algorithm and parameters, e.g. "duke-mode tissue[0,100]HU kernel6mm".
    public var method: String

    public init(valueHounsfield: Double, method: String) {
        self.valueHounsfield = valueHounsfield
        self.method = method
    }
}

public struct PatientInput: Sendable, Codable, Hashable {
    /// Pseudonymous patient id; used for grouping and as FHIR `Patient/<pseudonym>`.
    public var pseudonym: String
    public var birthDate: CalendarDate?
    /// DICOM Patient's Age (AS), e.g. "045Y"; used only when `birthDate` is absent.
    public var dicomPatientAge: String?
    /// DICOM Patient's Weight (0010,1030), for the typical values of standard-weight patients.
    public var weightKilograms: Double?

    public init(pseudonym: String, birthDate: CalendarDate? = nil, dicomPatientAge: String? = nil, weightKilograms: Double? = nil) {
        self.pseudonym = pseudonym
        self.birthDate = birthDate
        self.dicomPatientAge = dicomPatientAge
        self.weightKilograms = weightKilograms
    }
}

/// Everything the measures need about one CT exam (study).
public struct MeasureExamInput: Sendable, Codable, Hashable {
    public var studyInstanceUID: String
    public var patient: PatientInput
    public var scanDateTime: ScanDateTime
    /// Station name / model string used for the per-scanner summary.
    public var scanner: String?
    public var descriptors: ExamDescriptors
    public var dose: ExamDoseInput
    public var size: ExamSizeInput
    public var noise: GlobalNoiseInput?
    /// A category decided elsewhere (category id or LOINC LA code); bypasses the rules when set.
    public var categoryOverride: String?
    /// Why the subject is not a patient (a QA phantom, a test patient), or nil: such an exam is
    /// outside the initial population and every population statistic.
    public var nonPatientReason: String?

    public init(
        studyInstanceUID: String, patient: PatientInput, scanDateTime: ScanDateTime, scanner: String? = nil,
        descriptors: ExamDescriptors = ExamDescriptors(), dose: ExamDoseInput = ExamDoseInput(),
        size: ExamSizeInput = ExamSizeInput(), noise: GlobalNoiseInput? = nil, categoryOverride: String? = nil,
        nonPatientReason: String? = nil
    ) {
        self.studyInstanceUID = studyInstanceUID
        self.patient = patient
        self.scanDateTime = scanDateTime
        self.scanner = scanner
        self.descriptors = descriptors
        self.dose = dose
        self.size = size
        self.noise = noise
        self.categoryOverride = categoryOverride
        self.nonPatientReason = nonPatientReason
    }
}
