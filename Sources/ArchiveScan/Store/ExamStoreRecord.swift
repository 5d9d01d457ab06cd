import DoseModel
import Foundation
import ResultStore

/// The stored record of an assembled exam (exam.exam_record), written and read field by field: the same
/// bytes as `BinaryRecordEncoder().encode(exam)` (a test compares them, and reads each side's records
/// with the other). Every assembly encodes its exam once and every export decodes it. A field added to
/// Exam, ExamEvent, DoseReportSummary or SeriesSummary must be added here too.
enum ExamStoreRecord {
    // Required fields by index, as the synthesized Decodable requires them (sets made once, not per record).
    private static let examRequired: Set<Int> = [0, 1, 7, 9, 10, 11, 13]  // UID, patient, protocol names, events, reports, series, problems
    private static let eventRequired: Set<Int> = [0, 1, 5]
    private static let reportRequired: Set<Int> = [0, 1, 2, 3, 4]
    private static let seriesRequired: Set<Int> = [0, 3, 4, 5, 6, 12]

    static func encode(_ x: Exam) -> Data {
        let w = BinaryRecordFieldWriter()
        w.slot {
            w.field("studyInstanceUID", x.studyInstanceUID)
            w.field("patient") { ModelRecordFields.write(x.patient, to: w) }
            w.field("studyDate", x.studyDate)
            w.field("studyTime", x.studyTime)
            w.field("studyDescription", x.studyDescription)
            w.field("requestedProcedureDescription", x.requestedProcedureDescription)
            w.field("bodyPartExamined", x.bodyPartExamined)
            w.field("protocolNames", x.protocolNames)
            if let equipment = x.equipment { w.field("equipment") { ModelRecordFields.write(equipment, to: w) } }
            w.field("events") { for event in x.events { w.slot { write(event, to: w) } } }
            w.field("doseReports") { for report in x.doseReports { w.slot { write(report, to: w) } } }
            w.field("series") { for series in x.series { w.slot { write(series, to: w) } } }
            w.field("doseSource", x.doseSource?.rawValue)
            w.field("problems", x.problems)
        }
        return w.data
    }

    private static let keys: [StaticString] = [
        "studyInstanceUID", "patient", "studyDate", "studyTime", "studyDescription", "requestedProcedureDescription",
        "bodyPartExamined", "protocolNames", "equipment", "events", "doseReports", "series", "doseSource", "problems",
    ]

    static func decode(_ data: Data) throws -> Exam {
        try BinaryRecordFieldReader.read(data) { record in
            var x = Exam(studyInstanceUID: "")
            try record.fields(keys, required: examRequired) { index, v in
                switch index {
                case 0: x.studyInstanceUID = try v.string()
                case 1: x.patient = try ModelRecordFields.patient(v)
                case 2: x.studyDate = try v.string()
                case 3: x.studyTime = try v.string()
                case 4: x.studyDescription = try v.string()
                case 5: x.requestedProcedureDescription = try v.string()
                case 6: x.bodyPartExamined = try v.string()
                case 7: x.protocolNames = try v.strings()
                case 8: x.equipment = try ModelRecordFields.equipment(v)
                case 9: x.events = try v.elements().map(event)
                case 10: x.doseReports = try v.elements().map(report)
                case 11: x.series = try v.elements().map(series)
                case 12: x.doseSource = try v.value(DoseSource.self)
                case 13: x.problems = try v.strings()
                default: break
                }
            }
            return x
        }
    }

    private static func write(_ e: ExamEvent, to w: BinaryRecordFieldWriter) {
        w.field("event") { IrradiationEventRecord.write(e.event, to: w) }
        w.field("reportedBy", e.reportedBy)
        w.field("localizerSeriesUID", e.localizerSeriesUID)
        w.field("diagnosticSeriesUID", e.diagnosticSeriesUID)
        w.field("diagnosticSeriesChoice", e.diagnosticSeriesChoice)
        w.field("seriesUIDs", e.seriesUIDs)
    }

    private static let eventKeys: [StaticString] = [
        "event", "reportedBy", "localizerSeriesUID", "diagnosticSeriesUID", "diagnosticSeriesChoice", "seriesUIDs",
    ]

    private static func event(_ record: BinaryRecordValue) throws -> ExamEvent {
        var e = ExamEvent(event: IrradiationEvent(), reportedBy: [], seriesUIDs: [])
        try record.fields(eventKeys, required: eventRequired) { index, v in
            switch index {
            case 0: e.event = try IrradiationEventRecord.event(v)
            case 1: e.reportedBy = try v.strings()
            case 2: e.localizerSeriesUID = try v.string()
            case 3: e.diagnosticSeriesUID = try v.string()
            case 4: e.diagnosticSeriesChoice = try v.string()
            case 5: e.seriesUIDs = try v.strings()
            default: break
            }
        }
        return e
    }

    private static func write(_ r: DoseReportSummary, to w: BinaryRecordFieldWriter) {
        w.field("sopInstanceUID", r.sopInstanceUID)
        w.field("kind", r.kind.rawValue)
        w.field("eventCount", r.eventCount)
        w.field("reportedDLPTotals", r.reportedDLPTotals)
        w.field("readingNotes", r.readingNotes)
    }

    private static let reportKeys: [StaticString] = ["sopInstanceUID", "kind", "eventCount", "reportedDLPTotals", "readingNotes"]

    private static func report(_ record: BinaryRecordValue) throws -> DoseReportSummary {
        var r = DoseReportSummary(sopInstanceUID: "", kind: .otherSR, eventCount: 0, reportedDLPTotals: [], readingNotes: [])
        try record.fields(reportKeys, required: reportRequired) { index, v in
            switch index {
            case 0: r.sopInstanceUID = try v.string()
            case 1: r.kind = try v.value(DoseReportKind.self)
            case 2: r.eventCount = try v.int()
            case 3: r.reportedDLPTotals = try v.doubles()
            case 4: r.readingNotes = try v.strings()
            default: break
            }
        }
        return r
    }

    private static func write(_ s: SeriesSummary, to w: BinaryRecordFieldWriter) {
        w.field("seriesInstanceUID", s.seriesInstanceUID)
        w.field("seriesNumber", s.seriesNumber)
        w.field("seriesDescription", s.seriesDescription)
        w.field("imageCount", s.imageCount)
        w.field("isLocalizer", s.isLocalizer)
        w.field("isAxial", s.isAxial)
        w.field("isOriginal", s.isOriginal)
        w.field("convolutionKernel", s.convolutionKernel)
        w.field("sliceThicknessMillimeters", s.sliceThicknessMillimeters)
        w.field("zRangeMillimeters", s.zRangeMillimeters.map { [$0.lowerBound, $0.upperBound] })  // ClosedRange: [lower, upper]
        w.field("meanCTDIvolMilligray", s.meanCTDIvolMilligray)
        w.field("ctdiPhantom", s.ctdiPhantom?.rawValue)
        w.field("irradiationEventUIDs", s.irradiationEventUIDs)
        w.field("firstAcquisitionDateTime", s.firstAcquisitionDateTime)
        w.field("linkedEventUID", s.linkedEventUID)
        w.field("linkMethod", s.linkMethod)
        w.field("vendorWaterEquivalentDiameterMillimeters", s.vendorWaterEquivalentDiameterMillimeters)
    }

    private static let seriesKeys: [StaticString] = [
        "seriesInstanceUID", "seriesNumber", "seriesDescription", "imageCount", "isLocalizer", "isAxial", "isOriginal",
        "convolutionKernel", "sliceThicknessMillimeters", "zRangeMillimeters", "meanCTDIvolMilligray", "ctdiPhantom",
        "irradiationEventUIDs", "firstAcquisitionDateTime", "linkedEventUID", "linkMethod", "vendorWaterEquivalentDiameterMillimeters",
    ]

    private static func series(_ record: BinaryRecordValue) throws -> SeriesSummary {
        var s = SeriesSummary(seriesInstanceUID: "")
        try record.fields(seriesKeys, required: seriesRequired) { index, v in
            switch index {
            case 0: s.seriesInstanceUID = try v.string()
            case 1: s.seriesNumber = try v.int()
            case 2: s.seriesDescription = try v.string()
            case 3: s.imageCount = try v.int()
            case 4: s.isLocalizer = try v.bool()
            case 5: s.isAxial = try v.bool()
            case 6: s.isOriginal = try v.bool()
            case 7: s.convolutionKernel = try v.string()
            case 8: s.sliceThicknessMillimeters = try v.double()
            case 9: s.zRangeMillimeters = try range(v.doubles())
            case 10: s.meanCTDIvolMilligray = try v.double()
            case 11: s.ctdiPhantom = try v.value(CTDIPhantom.self)
            case 12: s.irradiationEventUIDs = try v.strings()
            case 13: s.firstAcquisitionDateTime = try v.string()
            case 14: s.linkedEventUID = try v.string()
            case 15: s.linkMethod = try v.string()
            case 16: s.vendorWaterEquivalentDiameterMillimeters = try v.double()
            default: break
            }
        }
        return s
    }

    /// As ClosedRange's Decodable: two bounds, the lower not above the upper.
    private static func range(_ bounds: [Double]) throws -> ClosedRange<Double> {
        guard bounds.count == 2, bounds[0] <= bounds[1] else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a range needs two ordered bounds, not \(bounds)"))
        }
        return bounds[0]...bounds[1]
    }
}
