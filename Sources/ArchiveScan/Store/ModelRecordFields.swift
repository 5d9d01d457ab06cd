import DoseModel
import ResultStore

/// Field-by-field records (see `BinaryRecordFieldWriter`) of the small value types that several stored
/// records hold: patient, equipment and coded concepts. Each writes its fields in declaration order
/// and leaves nil ones out, as the synthesized Encodable does; a field added to one of these types
/// must be added here too (the record tests fail until it is).
enum ModelRecordFields {
    // Required fields by index, as the synthesized Decodable requires them (sets made once, not per record).
    private static let conceptRequired: Set<Int> = [0, 1, 2]

    static func write(_ p: PatientAttributes, to w: BinaryRecordFieldWriter) {
        w.field("patientID", p.patientID)
        w.field("patientName", p.patientName)
        w.field("birthDate", p.birthDate)
        w.field("sex", p.sex)
        w.field("age", p.age)
        w.field("sizeMeters", p.sizeMeters)
        w.field("weightKilograms", p.weightKilograms)
        w.field("qualityControlSubject", p.qualityControlSubject)
        w.field("comments", p.comments)
        w.field("speciesDescription", p.speciesDescription)
        w.field("pregnancyStatus", p.pregnancyStatus)
        w.field("nonPatientIndication", p.nonPatientIndication)
    }

    private static let patientKeys: [StaticString] = ["patientID", "patientName", "birthDate", "sex", "age", "sizeMeters", "weightKilograms",
                                                      "qualityControlSubject", "comments", "speciesDescription", "pregnancyStatus",
                                                      "nonPatientIndication"]

    static func patient(_ record: BinaryRecordValue) throws -> PatientAttributes {
        var p = PatientAttributes()
        try record.fields(patientKeys, required: []) { index, v in
            switch index {
            case 0: p.patientID = try v.string()
            case 1: p.patientName = try v.string()
            case 2: p.birthDate = try v.string()
            case 3: p.sex = try v.string()
            case 4: p.age = try v.string()
            case 5: p.sizeMeters = try v.double()
            case 6: p.weightKilograms = try v.double()
            case 7: p.qualityControlSubject = try v.bool()
            case 8: p.comments = try v.string()
            case 9: p.speciesDescription = try v.string()
            case 10: p.pregnancyStatus = try v.int()
            case 11: p.nonPatientIndication = try v.string()
            default: break
            }
        }
        return p
    }

    static func write(_ e: Equipment, to w: BinaryRecordFieldWriter) {
        w.field("manufacturer", e.manufacturer)
        w.field("model", e.model)
        w.field("stationName", e.stationName)
        w.field("softwareVersions", e.softwareVersions)
        w.field("deviceSerialNumber", e.deviceSerialNumber)
    }

    private static let equipmentKeys: [StaticString] = ["manufacturer", "model", "stationName", "softwareVersions", "deviceSerialNumber"]

    static func equipment(_ record: BinaryRecordValue) throws -> Equipment {
        var e = Equipment()
        try record.fields(equipmentKeys, required: []) { index, v in
            switch index {
            case 0: e.manufacturer = try v.string()
            case 1: e.model = try v.string()
            case 2: e.stationName = try v.string()
            case 3: e.softwareVersions = try v.string()
            case 4: e.deviceSerialNumber = try v.string()
            default: break
            }
        }
        return e
    }

    static func write(_ c: CodedConcept, to w: BinaryRecordFieldWriter) {
        w.field("value", c.value)
        w.field("scheme", c.scheme)
        w.field("meaning", c.meaning)
    }

    private static let conceptKeys: [StaticString] = ["value", "scheme", "meaning"]

    static func concept(_ record: BinaryRecordValue) throws -> CodedConcept {
        var parts = ["", "", ""]
        try record.fields(conceptKeys, required: conceptRequired) { index, v in parts[index] = try v.string() }
        return CodedConcept(parts[0], parts[1], parts[2])
    }
}
