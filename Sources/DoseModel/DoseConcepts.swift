/// Every DICOM coded concept ctdose interprets, declared once. Codes from DICOM PS3.16
/// (TID 10011 / 10012 / 10013, CID 10013, CID 10023/10024/10069) as listed in
/// ../shared/reference/cms1074.md §7.2; matched by code value + scheme, never by meaning.
public enum DoseConcept {
    // TID 10011 CT Radiation Dose (root) — DICOM PS3.16 TID 10011.
    public static let xRayRadiationDoseReport = CodedConcept("113701", "DCM", "X-Ray Radiation Dose Report")
    public static let procedureReported = CodedConcept("121058", "DCM", "Procedure reported")
    public static let startOfXRayIrradiation = CodedConcept("113809", "DCM", "Start of X-Ray Irradiation")
    public static let endOfXRayIrradiation = CodedConcept("113810", "DCM", "End of X-Ray Irradiation")
    public static let scopeOfAccumulation = CodedConcept("113705", "DCM", "Scope of Accumulation")
    public static let sourceOfDoseInformation = CodedConcept("113854", "DCM", "Source of Dose Information")

    // TID 10012 CT Accumulated Dose Data.
    public static let ctAccumulatedDoseData = CodedConcept("113811", "DCM", "CT Accumulated Dose Data")
    public static let totalNumberOfIrradiationEvents = CodedConcept("113812", "DCM", "Total Number of Irradiation Events")
    public static let ctDoseLengthProductTotal = CodedConcept("113813", "DCM", "CT Dose Length Product Total")
    public static let ctEffectiveDoseTotal = CodedConcept("113814", "DCM", "CT Effective Dose Total")
    public static let ctDoseLengthProductSubTotal = CodedConcept("130745", "DCM", "CT Dose Length Product Sub-Total")

    // TID 10013 CT Irradiation Event Data.
    public static let ctAcquisition = CodedConcept("113819", "DCM", "CT Acquisition")
    public static let acquisitionProtocol = CodedConcept("125203", "DCM", "Acquisition Protocol")
    public static let targetRegion = CodedConcept("123014", "DCM", "Target Region")
    public static let ctAcquisitionType = CodedConcept("113820", "DCM", "CT Acquisition Type")
    public static let irradiationEventUID = CodedConcept("113769", "DCM", "Irradiation Event UID")
    public static let irradiationEventLabel = CodedConcept("113605", "DCM", "Irradiation Event Label")
    public static let dateTimeStarted = CodedConcept("111526", "DCM", "DateTime Started")
    public static let reconstructionAlgorithm = CodedConcept("113961", "DCM", "Reconstruction Algorithm")
    public static let ctAcquisitionParameters = CodedConcept("113822", "DCM", "CT Acquisition Parameters")
    public static let exposureTime = CodedConcept("113824", "DCM", "Exposure Time")
    public static let scanningLength = CodedConcept("113825", "DCM", "Scanning Length")
    public static let nominalSingleCollimationWidth = CodedConcept("113826", "DCM", "Nominal Single Collimation Width")
    public static let nominalTotalCollimationWidth = CodedConcept("113827", "DCM", "Nominal Total Collimation Width")
    public static let pitchFactor = CodedConcept("113828", "DCM", "Pitch Factor")
    public static let numberOfXRaySources = CodedConcept("113823", "DCM", "Number of X-Ray Sources")
    public static let ctXRaySourceParameters = CodedConcept("113831", "DCM", "CT X-Ray Source Parameters")
    public static let identificationOfXRaySource = CodedConcept("113832", "DCM", "Identification of the X-Ray Source")
    public static let kvp = CodedConcept("113733", "DCM", "KVP")
    public static let maximumXRayTubeCurrent = CodedConcept("113833", "DCM", "Maximum X-Ray Tube Current")
    public static let xRayTubeCurrent = CodedConcept("113734", "DCM", "X-Ray Tube Current")
    public static let exposureTimePerRotation = CodedConcept("113834", "DCM", "Exposure Time per Rotation")
    public static let ctDose = CodedConcept("113829", "DCM", "CT Dose")
    public static let meanCTDIvol = CodedConcept("113830", "DCM", "Mean CTDIvol")
    public static let ctdiwPhantomType = CodedConcept("113835", "DCM", "CTDIw Phantom Type")
    public static let dlp = CodedConcept("113838", "DCM", "DLP")
    public static let effectiveDose = CodedConcept("113839", "DCM", "Effective Dose")
    public static let comment = CodedConcept("121106", "DCM", "Comment")

    // Dose check (TID 10015 CT Dose Check Details) — DICOM PS3.16.
    public static let ctDoseCheckDetails = CodedConcept("113900", "DCM", "Dose Check Alert Details")
    public static let dlpAlertValueConfigured = CodedConcept("113901", "DCM", "DLP Alert Value Configured")
    public static let ctdiVolAlertValueConfigured = CodedConcept("113902", "DCM", "CTDIvol Alert Value Configured")
    public static let dlpAlertValue = CodedConcept("113903", "DCM", "DLP Alert Value")
    public static let ctdiVolAlertValue = CodedConcept("113904", "DCM", "CTDIvol Alert Value")
    public static let accumulatedDLPForwardEstimate = CodedConcept("113905", "DCM", "Accumulated DLP Forward Estimate")
    public static let accumulatedCTDIvolForwardEstimate = CodedConcept("113906", "DCM", "Accumulated CTDIvol Forward Estimate")
    public static let reasonForProceeding = CodedConcept("113907", "DCM", "Reason For Proceeding")
    public static let ctDoseCheckNotificationDetails = CodedConcept("113908", "DCM", "Dose Check Notification Details")
    public static let dlpNotificationValueConfigured = CodedConcept("113909", "DCM", "DLP Notification Value Configured")
    public static let ctdiVolNotificationValueConfigured = CodedConcept("113910", "DCM", "CTDIvol Notification Value Configured")
    public static let dlpNotificationValue = CodedConcept("113911", "DCM", "DLP Notification Value")
    public static let ctdiVolNotificationValue = CodedConcept("113912", "DCM", "CTDIvol Notification Value")
    public static let dlpForwardEstimate = CodedConcept("113913", "DCM", "DLP Forward Estimate")
    public static let ctdiVolForwardEstimate = CodedConcept("113914", "DCM", "CTDIvol Forward Estimate")

    // Size-specific items written by newer scanners (PS3.16 TID 10013, CID 10023/10024).
    public static let sizeSpecificDoseEstimate = CodedConcept("113930", "DCM", "Size Specific Dose Estimation")
    public static let measuredLateralDimension = CodedConcept("113931", "DCM", "Measured Lateral Dimension")
    public static let measuredAPDimension = CodedConcept("113932", "DCM", "Measured AP Dimension")
    public static let derivedEffectiveDiameter = CodedConcept("113933", "DCM", "Derived Effective Diameter")
    public static let waterEquivalentDiameter = CodedConcept("113980", "DCM", "Water Equivalent Diameter")

    // CID 10013 CT Acquisition Type.
    public static let sequencedAcquisition = CodedConcept("113804", "DCM", "Sequenced Acquisition")
    public static let constantAngleAcquisition = CodedConcept("113805", "DCM", "Constant Angle Acquisition")
    public static let stationaryAcquisition = CodedConcept("113806", "DCM", "Stationary Acquisition")
    public static let freeAcquisition = CodedConcept("113807", "DCM", "Free Acquisition")
    public static let spiralAcquisitionSRT = CodedConcept("P5-08001", "SRT", "Spiral Acquisition")
    public static let spiralAcquisitionSCT = CodedConcept("116152004", "SCT", "Spiral Acquisition")
    public static let conebeamAcquisitionSCT = CodedConcept("702569007", "SCT", "Cone Beam Acquisition")

    // CTDI phantoms (CID 4052).
    public static let iecHeadDosimetryPhantom = CodedConcept("113690", "DCM", "IEC Head Dosimetry Phantom")
    public static let iecBodyDosimetryPhantom = CodedConcept("113691", "DCM", "IEC Body Dosimetry Phantom")

    // Procedure reported values and other dose-report roots, to tell CT reports from the rest.
    public static let computedTomographyXRaySRT = CodedConcept("P5-08000", "SRT", "Computed Tomography X-Ray")
    public static let computedTomographyXRaySCT = CodedConcept("77477000", "SCT", "Computed Tomography X-Ray")
    public static let projectionXRayAccumulatedDoseData = CodedConcept("113702", "DCM", "Accumulated X-Ray Dose Data")
    public static let irradiationEventXRayData = CodedConcept("113706", "DCM", "Irradiation Event X-Ray Data")
    public static let radiopharmaceuticalRadiationDoseReport = CodedConcept("113500", "DCM", "Radiopharmaceutical Radiation Dose Report")

    // CID 10021 Source of Dose Information (subset ctdose writes).
    public static let automatedDataCollection = CodedConcept("113856", "DCM", "Automated Data Collection")
    public static let computedFromImageAttributes = CodedConcept("113867", "DCM", "Computed From Image Attributes")
    public static let derivedFromHumanReadableReports = CodedConcept("113868", "DCM", "Derived From Human-Readable Reports")
}

/// DICOM SOP Classes ctdose distinguishes (PS3.6 Annex A).
public enum SOPClass {
    public static let ctImage = "1.2.840.10008.5.1.4.1.1.2"
    public static let enhancedCTImage = "1.2.840.10008.5.1.4.1.1.2.1"
    public static let secondaryCapture = "1.2.840.10008.5.1.4.1.1.7"
    public static let xRayRadiationDoseSR = "1.2.840.10008.5.1.4.1.1.88.67"
    public static let enhancedXRayRadiationDoseSR = "1.2.840.10008.5.1.4.1.1.88.76"
    public static let radiopharmaceuticalRadiationDoseSR = "1.2.840.10008.5.1.4.1.1.88.68"
    public static let patientRadiationDoseSR = "1.2.840.10008.5.1.4.1.1.88.73"
    public static let basicTextSR = "1.2.840.10008.5.1.4.1.1.88.11"
    public static let enhancedSR = "1.2.840.10008.5.1.4.1.1.88.22"
    public static let comprehensiveSR = "1.2.840.10008.5.1.4.1.1.88.33"
    public static let comprehensive3DSR = "1.2.840.10008.5.1.4.1.1.88.34"
    public static let mediaStorageDirectory = "1.2.840.10008.1.3.10"

    // Classes a CT study's series may hold besides its images and reports, which ctdose does not read
    // (PS3.6 Annex A, as DCMTK's dcuid.h lists them).
    public static let legacyConvertedEnhancedCTImage = "1.2.840.10008.5.1.4.1.1.2.2"
    public static let multiframeGrayscaleByteSecondaryCapture = "1.2.840.10008.5.1.4.1.1.7.2"
    public static let multiframeGrayscaleWordSecondaryCapture = "1.2.840.10008.5.1.4.1.1.7.3"
    public static let multiframeTrueColorSecondaryCapture = "1.2.840.10008.5.1.4.1.1.7.4"
    public static let grayscaleSoftcopyPresentationState = "1.2.840.10008.5.1.4.1.1.11.1"
    public static let colorSoftcopyPresentationState = "1.2.840.10008.5.1.4.1.1.11.2"
    public static let rawData = "1.2.840.10008.5.1.4.1.1.66"
    public static let spatialRegistration = "1.2.840.10008.5.1.4.1.1.66.1"
    public static let segmentation = "1.2.840.10008.5.1.4.1.1.66.4"
    public static let keyObjectSelectionDocument = "1.2.840.10008.5.1.4.1.1.88.59"
    public static let encapsulatedPDF = "1.2.840.10008.5.1.4.1.1.104.1"
    public static let ctPerformedProcedureProtocol = "1.2.840.10008.5.1.4.1.1.200.2"
    public static let siemensCSANonImage = "1.3.12.2.1107.5.9.1"  // private: Siemens conformance statements [U]

    /// The unread classes above, which a C-GET proposes (uncompressed) so that a series holding one of
    /// them arrives whole.
    public static let unreadInCTStudies = [
        legacyConvertedEnhancedCTImage, multiframeGrayscaleByteSecondaryCapture, multiframeGrayscaleWordSecondaryCapture,
        multiframeTrueColorSecondaryCapture, grayscaleSoftcopyPresentationState, colorSoftcopyPresentationState, rawData,
        spatialRegistration, segmentation, keyObjectSelectionDocument, encapsulatedPDF, ctPerformedProcedureProtocol, siemensCSANonImage,
    ]

    /// SR classes that may carry TID 10011 content (older GE sends it in Enhanced SR).
    public static let structuredReports: Set<String> = [
        xRayRadiationDoseSR, enhancedXRayRadiationDoseSR, radiopharmaceuticalRadiationDoseSR, patientRadiationDoseSR,
        basicTextSR, enhancedSR, comprehensiveSR, comprehensive3DSR,
    ]
}
