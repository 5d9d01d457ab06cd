import DoseModel
import Foundation
import ResultStore

/// The stored record of a dose report (dicom_file.object_record), written and read field by field: the
/// same bytes as `BinaryRecordEncoder().encode(report)` (a test compares them, and reads each side's
/// records with the other). Each report is encoded once when read and decoded at each assembly of its
/// study. A field added to DoseReport or ReportedDLPTotal must be added here too.
enum DoseReportRecord {
    // Required fields by index, as the synthesized Decodable requires them (sets made once, not per record).
    private static let reportRequired: Set<Int> = [0, 1, 3, 4, 8, 9, 13]  // the two UIDs, kind, equipment, events, totals, notes
    private static let totalRequired: Set<Int> = [0, 1]

    static func encode(_ r: DoseReport) -> Data {
        let w = BinaryRecordFieldWriter()
        w.slot {
            w.field("sopInstanceUID", r.sopInstanceUID)
            w.field("studyInstanceUID", r.studyInstanceUID)
            w.field("seriesInstanceUID", r.seriesInstanceUID)
            w.field("kind", r.kind.rawValue)
            w.field("equipment") { ModelRecordFields.write(r.equipment, to: w) }
            w.field("contentDateTime", r.contentDateTime)
            w.field("startOfIrradiation", r.startOfIrradiation)
            w.field("endOfIrradiation", r.endOfIrradiation)
            w.field("events") { for event in r.events { w.slot { IrradiationEventRecord.write(event, to: w) } } }
            w.field("reportedTotals") {
                for total in r.reportedTotals {
                    w.slot {
                        w.field("valueMilligrayCentimeters", total.valueMilligrayCentimeters)
                        w.field("isSubTotal", total.isSubTotal)
                        w.field("phantom", total.phantom?.rawValue)
                    }
                }
            }
            w.field("reportedNumberOfEvents", r.reportedNumberOfEvents)
            if let source = r.sourceOfDoseInformation { w.field("sourceOfDoseInformation") { ModelRecordFields.write(source, to: w) } }
            w.field("doseSummaryText", r.doseSummaryText)
            w.field("readingNotes", r.readingNotes)
            if let study = r.reportedStudy {
                w.field("reportedStudy") {
                    w.field("patient") { ModelRecordFields.write(study.patient, to: w) }
                    w.field("studyDate", study.studyDate)
                    w.field("studyTime", study.studyTime)
                    w.field("studyDescription", study.studyDescription)
                }
            }
        }
        return w.data
    }

    private static let keys: [StaticString] = [
        "sopInstanceUID", "studyInstanceUID", "seriesInstanceUID", "kind", "equipment", "contentDateTime", "startOfIrradiation",
        "endOfIrradiation", "events", "reportedTotals", "reportedNumberOfEvents", "sourceOfDoseInformation", "doseSummaryText",
        "readingNotes", "reportedStudy",
    ]
    private static let totalKeys: [StaticString] = ["valueMilligrayCentimeters", "isSubTotal", "phantom"]

    static func decode(_ data: Data) throws -> DoseReport {
        try BinaryRecordFieldReader.read(data) { record in
            var r = DoseReport(sopInstanceUID: "", studyInstanceUID: "", kind: .otherSR)
            try record.fields(keys, required: reportRequired) { index, v in
                switch index {
                case 0: r.sopInstanceUID = try v.string()
                case 1: r.studyInstanceUID = try v.string()
                case 2: r.seriesInstanceUID = try v.string()
                case 3: r.kind = try v.value(DoseReportKind.self)
                case 4: r.equipment = try ModelRecordFields.equipment(v)
                case 5: r.contentDateTime = try v.string()
                case 6: r.startOfIrradiation = try v.string()
                case 7: r.endOfIrradiation = try v.string()
                case 8: r.events = try v.elements().map(IrradiationEventRecord.event)
                case 9: r.reportedTotals = try v.elements().map(total)
                case 10: r.reportedNumberOfEvents = try v.int()
                case 11: r.sourceOfDoseInformation = try ModelRecordFields.concept(v)
                case 12: r.doseSummaryText = try v.string()
                case 13: r.readingNotes = try v.strings()
                case 14: r.reportedStudy = try reportedStudy(v)
                default: break
                }
            }
            return r
        }
    }

    private static let studyKeys: [StaticString] = ["patient", "studyDate", "studyTime", "studyDescription"]

    private static func reportedStudy(_ record: BinaryRecordValue) throws -> ReportedStudy {
        var study = ReportedStudy()
        try record.fields(studyKeys, required: [0]) { index, v in
            switch index {
            case 0: study.patient = try ModelRecordFields.patient(v)
            case 1: study.studyDate = try v.string()
            case 2: study.studyTime = try v.string()
            case 3: study.studyDescription = try v.string()
            default: break
            }
        }
        return study
    }

    private static func total(_ record: BinaryRecordValue) throws -> ReportedDLPTotal {
        var t = ReportedDLPTotal(valueMilligrayCentimeters: 0)
        try record.fields(totalKeys, required: totalRequired) { index, v in
            switch index {
            case 0: t.valueMilligrayCentimeters = try v.double()
            case 1: t.isSubTotal = try v.bool()
            case 2: t.phantom = try v.value(CTDIPhantom.self)
            default: break
            }
        }
        return t
    }
}
