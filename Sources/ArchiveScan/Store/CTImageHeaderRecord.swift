import DoseModel
import Foundation
import ResultStore

/// The stored record of a CT file's headers, written and read field by field: the same bytes as
/// `BinaryRecordEncoder().encode([CTImageHeader])` (a test compares them, and reads each side's records
/// with the other), at a fraction of Codable's cost. Every CT file read is encoded once and decoded at
/// each assembly of its study. A field added to CTImageHeader, PatientAttributes or Equipment must be
/// added here too (the test fails until it is).
enum CTImageHeaderRecord {
    static func encode(_ headers: [CTImageHeader]) -> Data {
        let writer = BinaryRecordFieldWriter()
        writer.slot { for header in headers { writer.slot { write(header, to: writer) } } }
        return writer.data
    }

    static func decode(_ data: Data) throws -> [CTImageHeader] {
        try BinaryRecordFieldReader.read(data) { list in try list.elements().map(header) }
    }

    // Declaration order, as synthesized Codable writes them.
    private static let keys: [StaticString] = [
        "sopClassUID", "sopInstanceUID", "studyInstanceUID", "seriesInstanceUID", "frameOfReferenceUID", "frameNumber",
        "patient", "studyDate", "studyTime", "accessionNumber", "acquisitionDateTime", "seriesNumber", "instanceNumber",
        "modality", "equipment", "institutionName", "protocolName", "studyDescription", "seriesDescription",
        "requestedProcedureDescription", "bodyPartExamined", "imageType", "kvp", "tubeCurrentMilliampere",
        "exposureMilliampereSeconds", "exposureTimeMilliseconds", "spiralPitchFactor", "singleCollimationWidthMillimeters",
        "totalCollimationWidthMillimeters", "tableFeedPerRotationMillimeters", "convolutionKernel", "sliceThicknessMillimeters",
        "reconstructionDiameterMillimeters", "dataCollectionDiameterMillimeters", "gantryTiltDegrees", "acquisitionType",
        "exposureModulationType", "irradiationEventUID", "imagePositionMillimeters", "imageOrientation",
        "pixelSpacingMillimeters", "sliceLocationMillimeters", "rows", "columns", "numberOfFrames", "tableHeightMillimeters",
        "distanceSourceToDetectorMillimeters", "distanceSourceToPatientMillimeters", "patientPosition",
        "dataCollectionCenterMillimeters", "ctdiVolMilligray", "ctdiPhantom",
        "waterEquivalentDiameterMillimeters", "transferSyntaxUID", "filePath",
    ]
    /// Fields the synthesized decoder requires: the four UIDs, patient, equipment, imageType, acquisitionType.
    private static let required: Set<Int> = [0, 1, 2, 3, 6, 14, 21, 35]

    private static func write(_ h: CTImageHeader, to w: BinaryRecordFieldWriter) {
        w.field("sopClassUID", h.sopClassUID)
        w.field("sopInstanceUID", h.sopInstanceUID)
        w.field("studyInstanceUID", h.studyInstanceUID)
        w.field("seriesInstanceUID", h.seriesInstanceUID)
        w.field("frameOfReferenceUID", h.frameOfReferenceUID)
        w.field("frameNumber", h.frameNumber)
        w.field("patient") { ModelRecordFields.write(h.patient, to: w) }
        w.field("studyDate", h.studyDate)
        w.field("studyTime", h.studyTime)
        w.field("accessionNumber", h.accessionNumber)
        w.field("acquisitionDateTime", h.acquisitionDateTime)
        w.field("seriesNumber", h.seriesNumber)
        w.field("instanceNumber", h.instanceNumber)
        w.field("modality", h.modality)
        w.field("equipment") { ModelRecordFields.write(h.equipment, to: w) }
        w.field("institutionName", h.institutionName)
        w.field("protocolName", h.protocolName)
        w.field("studyDescription", h.studyDescription)
        w.field("seriesDescription", h.seriesDescription)
        w.field("requestedProcedureDescription", h.requestedProcedureDescription)
        w.field("bodyPartExamined", h.bodyPartExamined)
        w.field("imageType", h.imageType)
        w.field("kvp", h.kvp)
        w.field("tubeCurrentMilliampere", h.tubeCurrentMilliampere)
        w.field("exposureMilliampereSeconds", h.exposureMilliampereSeconds)
        w.field("exposureTimeMilliseconds", h.exposureTimeMilliseconds)
        w.field("spiralPitchFactor", h.spiralPitchFactor)
        w.field("singleCollimationWidthMillimeters", h.singleCollimationWidthMillimeters)
        w.field("totalCollimationWidthMillimeters", h.totalCollimationWidthMillimeters)
        w.field("tableFeedPerRotationMillimeters", h.tableFeedPerRotationMillimeters)
        w.field("convolutionKernel", h.convolutionKernel)
        w.field("sliceThicknessMillimeters", h.sliceThicknessMillimeters)
        w.field("reconstructionDiameterMillimeters", h.reconstructionDiameterMillimeters)
        w.field("dataCollectionDiameterMillimeters", h.dataCollectionDiameterMillimeters)
        w.field("gantryTiltDegrees", h.gantryTiltDegrees)
        w.field("acquisitionType", h.acquisitionType.rawValue)
        w.field("exposureModulationType", h.exposureModulationType)
        w.field("irradiationEventUID", h.irradiationEventUID)
        w.field("imagePositionMillimeters", h.imagePositionMillimeters)
        w.field("imageOrientation", h.imageOrientation)
        w.field("pixelSpacingMillimeters", h.pixelSpacingMillimeters)
        w.field("sliceLocationMillimeters", h.sliceLocationMillimeters)
        w.field("rows", h.rows)
        w.field("columns", h.columns)
        w.field("numberOfFrames", h.numberOfFrames)
        w.field("tableHeightMillimeters", h.tableHeightMillimeters)
        w.field("distanceSourceToDetectorMillimeters", h.distanceSourceToDetectorMillimeters)
        w.field("distanceSourceToPatientMillimeters", h.distanceSourceToPatientMillimeters)
        w.field("patientPosition", h.patientPosition)
        w.field("dataCollectionCenterMillimeters", h.dataCollectionCenterMillimeters)
        w.field("ctdiVolMilligray", h.ctdiVolMilligray)
        w.field("ctdiPhantom", h.ctdiPhantom?.rawValue)
        w.field("waterEquivalentDiameterMillimeters", h.waterEquivalentDiameterMillimeters)
        w.field("transferSyntaxUID", h.transferSyntaxUID)
        w.field("filePath", h.filePath)
    }

    private static func header(_ record: BinaryRecordValue) throws -> CTImageHeader {
        var h = CTImageHeader(sopClassUID: "", sopInstanceUID: "", studyInstanceUID: "", seriesInstanceUID: "")
        try record.fields(keys, required: required) { index, v in
            switch index {
            case 0: h.sopClassUID = try v.string()
            case 1: h.sopInstanceUID = try v.string()
            case 2: h.studyInstanceUID = try v.string()
            case 3: h.seriesInstanceUID = try v.string()
            case 4: h.frameOfReferenceUID = try v.string()
            case 5: h.frameNumber = try v.int()
            case 6: h.patient = try ModelRecordFields.patient(v)
            case 7: h.studyDate = try v.string()
            case 8: h.studyTime = try v.string()
            case 9: h.accessionNumber = try v.string()
            case 10: h.acquisitionDateTime = try v.string()
            case 11: h.seriesNumber = try v.int()
            case 12: h.instanceNumber = try v.int()
            case 13: h.modality = try v.string()
            case 14: h.equipment = try ModelRecordFields.equipment(v)
            case 15: h.institutionName = try v.string()
            case 16: h.protocolName = try v.string()
            case 17: h.studyDescription = try v.string()
            case 18: h.seriesDescription = try v.string()
            case 19: h.requestedProcedureDescription = try v.string()
            case 20: h.bodyPartExamined = try v.string()
            case 21: h.imageType = try v.strings()
            case 22: h.kvp = try v.double()
            case 23: h.tubeCurrentMilliampere = try v.double()
            case 24: h.exposureMilliampereSeconds = try v.double()
            case 25: h.exposureTimeMilliseconds = try v.double()
            case 26: h.spiralPitchFactor = try v.double()
            case 27: h.singleCollimationWidthMillimeters = try v.double()
            case 28: h.totalCollimationWidthMillimeters = try v.double()
            case 29: h.tableFeedPerRotationMillimeters = try v.double()
            case 30: h.convolutionKernel = try v.string()
            case 31: h.sliceThicknessMillimeters = try v.double()
            case 32: h.reconstructionDiameterMillimeters = try v.double()
            case 33: h.dataCollectionDiameterMillimeters = try v.double()
            case 34: h.gantryTiltDegrees = try v.double()
            case 35: h.acquisitionType = try v.value(CTAcquisitionType.self)
            case 36: h.exposureModulationType = try v.string()
            case 37: h.irradiationEventUID = try v.string()
            case 38: h.imagePositionMillimeters = try v.doubles()
            case 39: h.imageOrientation = try v.doubles()
            case 40: h.pixelSpacingMillimeters = try v.doubles()
            case 41: h.sliceLocationMillimeters = try v.double()
            case 42: h.rows = try v.int()
            case 43: h.columns = try v.int()
            case 44: h.numberOfFrames = try v.int()
            case 45: h.tableHeightMillimeters = try v.double()
            case 46: h.distanceSourceToDetectorMillimeters = try v.double()
            case 47: h.distanceSourceToPatientMillimeters = try v.double()
            case 48: h.patientPosition = try v.string()
            case 49: h.dataCollectionCenterMillimeters = try v.doubles()
            case 50: h.ctdiVolMilligray = try v.double()
            case 51: h.ctdiPhantom = try v.value(CTDIPhantom.self)
            case 52: h.waterEquivalentDiameterMillimeters = try v.double()
            case 53: h.transferSyntaxUID = try v.string()
            case 54: h.filePath = try v.string()
            default: break
            }
        }
        return h
    }
}
