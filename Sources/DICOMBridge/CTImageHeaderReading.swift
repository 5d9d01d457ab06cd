import DoseModel

extension CTImageHeader {
    /// Reads the CT header attributes of a classic CT image (or the frame-independent attributes of an
    /// enhanced CT image; for those, per-frame values come from the functional groups).
    public init(file: DICOMFile) throws(DICOMError) {
        guard let sopInstanceUID = file.string(.sopInstanceUID) else { throw .notFound("SOP Instance UID (0008,0018) missing") }
        guard let studyUID = file.string(.studyInstanceUID) else { throw .notFound("Study Instance UID (0020,000D) missing") }
        self.init(
            sopClassUID: file.string(.sopClassUID) ?? "", sopInstanceUID: sopInstanceUID,
            studyInstanceUID: studyUID, seriesInstanceUID: file.string(.seriesInstanceUID) ?? "")
        frameOfReferenceUID = file.string(.frameOfReferenceUID)
        patient = PatientAttributes(file: file)
        studyDate = file.string(.studyDate)
        studyTime = file.string(.studyTime)
        accessionNumber = file.string(.accessionNumber)
        acquisitionDateTime = file.string(.acquisitionDateTime)
            ?? file.string(.acquisitionDate).map { $0 + (file.string(.acquisitionTime) ?? "") }
        seriesNumber = file.integer(.seriesNumber)
        instanceNumber = file.integer(.instanceNumber)
        modality = file.string(.modality)
        equipment = Equipment(file: file)
        institutionName = file.string(.institutionName)
        protocolName = file.string(.protocolName)
        studyDescription = file.string(.studyDescription)
        seriesDescription = file.string(.seriesDescription)
        requestedProcedureDescription = file.string(.requestedProcedureDescription)
        bodyPartExamined = file.string(.bodyPartExamined)
        imageType = file.strings(.imageType)
        kvp = file.number(.kvp)
        tubeCurrentMilliampere = file.number(.xRayTubeCurrent)
        exposureMilliampereSeconds = file.number(.exposure)
        exposureTimeMilliseconds = file.number(.exposureTime)
        spiralPitchFactor = file.number(.spiralPitchFactor)
        singleCollimationWidthMillimeters = file.number(.singleCollimationWidth)
        totalCollimationWidthMillimeters = file.number(.totalCollimationWidth)
        tableFeedPerRotationMillimeters = file.number(.tableFeedPerRotation)
        convolutionKernel = file.string(.convolutionKernel)
        sliceThicknessMillimeters = positiveSliceThickness(file.number(.sliceThickness))
        reconstructionDiameterMillimeters = file.number(.reconstructionDiameter)
        dataCollectionDiameterMillimeters = file.number(.dataCollectionDiameter)
        gantryTiltDegrees = file.number(.gantryDetectorTilt)
        acquisitionType = CTAcquisitionType(imageAttribute: file.string(.acquisitionType))
        exposureModulationType = file.string(.exposureModulationType)
        irradiationEventUID = file.string(.irradiationEventUID)
        imagePositionMillimeters = file.numbers(.imagePositionPatient).nonEmpty(count: 3)
        imageOrientation = file.numbers(.imageOrientationPatient).nonEmpty(count: 6)
        pixelSpacingMillimeters = file.numbers(.pixelSpacing).nonEmpty(count: 2)
        sliceLocationMillimeters = file.number(.sliceLocation)
        rows = file.integer(.rows)
        columns = file.integer(.columns)
        numberOfFrames = file.integer(.numberOfFrames)
        tableHeightMillimeters = file.number(.tableHeight)
        distanceSourceToDetectorMillimeters = file.number(.distanceSourceToDetector)
        distanceSourceToPatientMillimeters = file.number(.distanceSourceToPatient)
        patientPosition = file.string(.patientPosition)
        dataCollectionCenterMillimeters = file.numbers(.dataCollectionCenterPatient).nonEmpty(count: 3)
        ctdiVolMilligray = file.number(.ctdiVol)
        if file.itemCount(.ctdiPhantomTypeCodeSequence) > 0 {
            let code = CodedConcept(
                file.string(.item(.ctdiPhantomTypeCodeSequence, 0, .codeValue)) ?? "",
                file.string(.item(.ctdiPhantomTypeCodeSequence, 0, .codingSchemeDesignator)) ?? "",
                file.string(.item(.ctdiPhantomTypeCodeSequence, 0, .codeMeaning)) ?? "")
            ctdiPhantom = CTDIPhantom(code: code)
        }
        waterEquivalentDiameterMillimeters = file.number(.waterEquivalentDiameter).map { $0 * 10 }  // (0018,1271) is in cm
        transferSyntaxUID = file.transferSyntaxUID
    }
}

extension PatientAttributes {
    init(file: DICOMFile) {
        self.init()
        patientID = file.string(.patientID)
        patientName = file.string(.patientName)
        birthDate = file.string(.patientBirthDate)
        sex = file.string(.patientSex)
        age = file.string(.patientAge)
        sizeMeters = file.number(.patientSize)
        weightKilograms = file.number(.patientWeight)
        qualityControlSubject = file.string(.qualityControlSubject).map { $0.uppercased() == "YES" }
        comments = file.string(.patientComments)
        speciesDescription = file.string(.patientSpeciesDescription)
        pregnancyStatus = file.integer(.pregnancyStatus)
    }
}

extension Equipment {
    init(file: DICOMFile) {
        self.init(
            manufacturer: file.string(.manufacturer), model: file.string(.manufacturerModelName),
            stationName: file.string(.stationName), softwareVersions: file.string(.softwareVersions),
            deviceSerialNumber: file.string(.deviceSerialNumber))
    }
}

extension Array where Element == Double {
    /// Self when it has exactly `count` finite values, else nil.
    func nonEmpty(count: Int) -> [Double]? {
        self.count == count && allSatisfy(\.isFinite) ? self : nil
    }
}

extension CTImageHeader {
    /// The headers of every image in the file: one for a classic CT image, one per frame for an
    /// enhanced CT image (position, orientation, spacing, thickness and CTDIvol from the functional groups).
    public static func headers(file: DICOMFile) throws(DICOMError) -> [CTImageHeader] {
        let base = try CTImageHeader(file: file)
        guard file.hasFunctionalGroups else { return [base] }
        // One Per-Frame Functional Groups item per frame (PS3.3 C.7.6.16): a corrupt Number of Frames
        // cannot ask for more headers than there are items (without items, at most 65,535 frames).
        let declared = max(1, file.integer(.numberOfFrames) ?? 1)
        let items = file.itemCount(DICOMTag.perFrameFunctionalGroupsSequence)
        let frames = items > 0 ? min(declared, items) : min(declared, 65_535)
        return (0..<frames).map { index in
            let geometry = file.frameGeometry(index)
            var header = base
            header.frameNumber = index + 1
            if let p = geometry.positionMillimeters { header.imagePositionMillimeters = [p.x, p.y, p.z] }
            if let o = geometry.orientation {
                header.imageOrientation = [o.row.x, o.row.y, o.row.z, o.column.x, o.column.y, o.column.z]
            }
            if let s = geometry.pixelSpacingMillimeters { header.pixelSpacingMillimeters = [s.rowMillimeters, s.columnMillimeters] }
            header.sliceThicknessMillimeters = geometry.sliceThicknessMillimeters ?? base.sliceThicknessMillimeters
            header.ctdiVolMilligray = geometry.ctdiVolMilligray ?? base.ctdiVolMilligray
            if let c = geometry.dataCollectionCenterMillimeters { header.dataCollectionCenterMillimeters = [c.x, c.y, c.z] }
            return header
        }
    }
}

/// A Slice Thickness (0018,0050) as read, or nil when it is not above 0: the nominal reconstructed
/// thickness in mm (PS3.3 C.7.6.2), positive by meaning; a negative one would turn z ranges around.
func positiveSliceThickness(_ value: Double?) -> Double? {
    value.flatMap { $0 > 0 ? $0 : nil }
}
