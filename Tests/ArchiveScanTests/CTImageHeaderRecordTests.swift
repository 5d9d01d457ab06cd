import DoseModel
import Foundation
import ResultStore
import Testing
@testable import ArchiveScan

/// The hand-written CT header record against the Codable one it replaces on the hot path: the same
/// bytes, and each reads the other's records.
struct CTImageHeaderRecordTests {
    /// Every stored property set, each to a distinct value.
    static var everyField: CTImageHeader {
        var h = CTImageHeader(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", sopInstanceUID: "2.25.1", studyInstanceUID: "2.25.2",
                              seriesInstanceUID: "2.25.3")
        h.frameOfReferenceUID = "2.25.4"
        h.frameNumber = 7
        h.patient.patientID = "PID"
        h.patient.patientName = "Doe^Jane"
        h.patient.birthDate = "19700101"
        h.patient.sex = "F"
        h.patient.age = "055Y"
        h.patient.sizeMeters = 1.65
        h.patient.weightKilograms = 61.5
        h.patient.qualityControlSubject = false
        h.patient.comments = "Daily phantom"
        h.patient.speciesDescription = "Homo sapiens"
        h.patient.pregnancyStatus = 4
        h.patient.nonPatientIndication = "Patient ID has QA"
        h.studyDate = "20260101"
        h.studyTime = "101500"
        h.accessionNumber = "ACC"
        h.acquisitionDateTime = "20260101101500"
        h.seriesNumber = 3
        h.instanceNumber = 42
        h.modality = "CT"
        h.equipment = Equipment(manufacturer: "Vendor", model: "Model", stationName: "CT1", softwareVersions: "1.0",
                                deviceSerialNumber: "SN")
        h.institutionName = "Hospital"
        h.protocolName = "Chest"
        h.studyDescription = "CT chest"
        h.seriesDescription = "Axial 5mm"
        h.requestedProcedureDescription = "Chest w/o"
        h.bodyPartExamined = "CHEST"
        h.imageType = ["ORIGINAL", "PRIMARY", "AXIAL", "Ünïcode ☢"]
        h.kvp = 120
        h.tubeCurrentMilliampere = 250.5
        h.exposureMilliampereSeconds = 125.25
        h.exposureTimeMilliseconds = 500
        h.spiralPitchFactor = 0.984375
        h.singleCollimationWidthMillimeters = 0.625
        h.totalCollimationWidthMillimeters = 40
        h.tableFeedPerRotationMillimeters = 39.375
        h.convolutionKernel = "STANDARD"
        h.sliceThicknessMillimeters = 5
        h.reconstructionDiameterMillimeters = 360
        h.dataCollectionDiameterMillimeters = 500
        h.gantryTiltDegrees = -0.0
        h.acquisitionType = .spiral
        h.exposureModulationType = "XYZ_EC"
        h.irradiationEventUID = "2.25.5"
        h.imagePositionMillimeters = [-180, -180, .leastNonzeroMagnitude]
        h.imageOrientation = [1, 0, 0, 0, 1, 0]
        h.pixelSpacingMillimeters = [0.703125, 0.703125]
        h.sliceLocationMillimeters = -12.5
        h.rows = 512
        h.columns = 512
        h.numberOfFrames = 1
        h.tableHeightMillimeters = 150
        h.distanceSourceToDetectorMillimeters = 1040
        h.distanceSourceToPatientMillimeters = 570
        h.patientPosition = "FFS"
        h.dataCollectionCenterMillimeters = [0.5, -12.25, -12.5]
        h.ctdiVolMilligray = 12.34
        h.ctdiPhantom = .body32cm
        h.waterEquivalentDiameterMillimeters = 280
        h.transferSyntaxUID = "1.2.840.10008.1.2.1"
        h.filePath = "/archive/a/IM0001.dcm"
        return h
    }

    /// Stored properties left nil or empty in `value`, by name (nested structs included).
    static func unset(_ value: Any, prefix: String = "") -> [String] {
        Mirror(reflecting: value).children.flatMap { child -> [String] in
            let name = prefix + (child.label ?? "?")
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .optional { return inner.children.isEmpty ? [name] : [] }
            if let list = child.value as? [Any] { return list.isEmpty ? [name] : [] }
            if inner.displayStyle == .struct { return unset(child.value, prefix: name + ".") }
            return []
        }
    }

    static let codable = BinaryRecordEncoder()

    @Test func theFixtureSetsEveryField() {
        // A field added to the header (or its patient or equipment) shows up here first: set it in the
        // fixture, then write and read it in CTImageHeaderRecord.
        #expect(Self.unset(Self.everyField).isEmpty, "\(Self.unset(Self.everyField))")
        let bare = Self.unset(CTImageHeader(sopClassUID: "1", sopInstanceUID: "2", studyInstanceUID: "3", seriesInstanceUID: "4"))
        #expect(bare.contains("patient.patientID") && bare.contains("imageType") && bare.contains("filePath"))
    }

    @Test func sameBytesAsCodableAndEachReadsTheOther() throws {
        let sparse = CTImageHeader(sopClassUID: "1.2", sopInstanceUID: "1.3", studyInstanceUID: "1.4", seriesInstanceUID: "1.5")
        var localizer = sparse
        localizer.acquisitionType = .constantAngle
        localizer.ctdiPhantom = .unknown
        localizer.imageType = ["", "LOCALIZER"]
        let long = String(repeating: "x", count: 300)  // slot headers wider than one byte
        var wide = Self.everyField
        wide.seriesDescription = long
        wide.patient.patientName = long
        for headers in [[Self.everyField], [sparse, localizer, wide], []] {
            let fast = CTImageHeaderRecord.encode(headers)
            #expect(fast == (try Self.codable.encode(headers)))
            #expect(try CTImageHeaderRecord.decode(try Self.codable.encode(headers)) == headers)
            #expect(try BinaryRecordDecoder().decode([CTImageHeader].self, from: fast) == headers)
        }
    }

    @Test func sameBytesForTheSampleExamsHeaders() throws {
        let folder = SampleExamTests.folder
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.hasSuffix(".dcm") }.sorted()
        var compared = 0
        for file in files {
            guard case .ctImage(let headers) = ObjectReader.read(path: folder + "/" + file) else { continue }
            #expect(CTImageHeaderRecord.encode(headers) == (try Self.codable.encode(headers)), "\(file)")
            #expect(try CTImageHeaderRecord.decode(CTImageHeaderRecord.encode(headers)) == headers, "\(file)")
            compared += 1
        }
        #expect(compared >= 20)
    }

    /// A record with the fields a reader requires, optionally without one, plus a field of a later version.
    private struct RecordWithUnknownField: Encodable {
        var omitting: String?
        enum Keys: String, CodingKey {
            case sopClassUID, sopInstanceUID, studyInstanceUID, seriesInstanceUID, patient, equipment, imageType, acquisitionType,
                 fieldOfALaterVersion
        }

        func encode(to encoder: Encoder) throws {
            var list = encoder.unkeyedContainer()
            var c = list.nestedContainer(keyedBy: Keys.self)
            for key in [Keys.sopClassUID, .sopInstanceUID, .studyInstanceUID, .seriesInstanceUID] where key.rawValue != omitting {
                try c.encode("1.\(key.rawValue.count)", forKey: key)
            }
            try c.encode("ignored", forKey: .fieldOfALaterVersion)
            if omitting != "patient" { try c.encode(PatientAttributes(), forKey: .patient) }
            try c.encode(Equipment(manufacturer: "GE"), forKey: .equipment)
            try c.encode(["DERIVED"], forKey: .imageType)
            try c.encode("sequenced", forKey: .acquisitionType)
        }
    }

    @Test func unknownFieldsAreSkippedAndMissingRequiredOnesRefusedLikeCodable() throws {
        let data = try Self.codable.encode(RecordWithUnknownField())
        let fast = try CTImageHeaderRecord.decode(data)
        #expect(fast == (try BinaryRecordDecoder().decode([CTImageHeader].self, from: data)))
        #expect(fast.first?.equipment.manufacturer == "GE" && fast.first?.acquisitionType == .sequenced)
        for omitted in ["sopInstanceUID", "patient"] {
            let broken = try Self.codable.encode(RecordWithUnknownField(omitting: omitted))
            #expect(throws: DecodingError.self) { try CTImageHeaderRecord.decode(broken) }
            #expect(throws: DecodingError.self) { try BinaryRecordDecoder().decode([CTImageHeader].self, from: broken) }
        }
    }
}
