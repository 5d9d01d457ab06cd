import DoseModel
import Foundation
import ResultStore
import Testing
@testable import ArchiveScan

/// The hand-written dose report and exam records against the Codable ones they replace: the same bytes,
/// and each reads the other's records.
struct DoseRecordTests {
    /// An event with every stored property set, each to a distinct value.
    static var everyEventField: IrradiationEvent {
        var e = IrradiationEvent()
        e.irradiationEventUID = "2.25.10"
        e.acquisitionType = .spiral
        e.acquisitionTypeCode = CodedConcept("116152004", "SCT", "Spiral Acquisition")
        e.acquisitionProtocol = "Thorax ☢ routine"
        e.targetRegion = CodedConcept("43799004", "SCT", "Chest")
        e.label = "Thorax 1.0"
        e.startDateTime = "20260101101500"
        e.ctdiVolMilligray = 7.25
        e.dlpMilligrayCentimeters = 251.5
        e.phantom = .body32cm
        e.scanningLengthMillimeters = 346.5
        e.exposureTimeSeconds = 4.75
        e.pitchFactor = 0.984375
        e.nominalSingleCollimationMillimeters = 0.6
        e.nominalTotalCollimationMillimeters = 38.4
        e.numberOfXRaySources = 2
        e.xRaySources = [
            XRaySourceParameters(identification: "A", kvp: 120, maximumTubeCurrentMilliampere: 400, tubeCurrentMilliampere: 215.5,
                                 exposureTimePerRotationSeconds: 0.28),
            XRaySourceParameters(identification: "B", kvp: 140),
        ]
        var check = DoseCheckDetails()
        check.dlpAlertValueConfigured = true
        check.ctdiVolAlertValueConfigured = false
        check.dlpAlertValueMilligrayCentimeters = 1000
        check.ctdiVolAlertValueMilligray = 80
        check.accumulatedDLPForwardEstimateMilligrayCentimeters = 1200.5
        check.accumulatedCTDIvolForwardEstimateMilligray = 85.25
        check.dlpNotificationValueConfigured = true
        check.ctdiVolNotificationValueConfigured = true
        check.dlpNotificationValueMilligrayCentimeters = 500
        check.ctdiVolNotificationValueMilligray = 50
        check.dlpForwardEstimateMilligrayCentimeters = 600.5
        check.ctdiVolForwardEstimateMilligray = 55.5
        check.reasonsForProceeding = ["Clinical need", ""]
        e.doseCheck = check
        var size = VendorSizeEstimate()
        size.ssdeMilligray = 9.5
        size.waterEquivalentDiameterMillimeters = 281
        size.lateralDimensionMillimeters = 330
        size.apDimensionMillimeters = 240
        size.effectiveDiameterMillimeters = 281.4
        e.vendorSize = size
        e.effectiveDoseMillisievert = 3.5
        e.comment = "Internal technical scan parameters"
        e.imageSeriesNumber = 3
        e.source = .doseInfoScreen
        return e
    }

    static var everyReportField: DoseReport {
        var r = DoseReport(sopInstanceUID: "2.25.20", studyInstanceUID: "2.25.21", seriesInstanceUID: "2.25.22", kind: .xRayRadiationDoseSR,
                           equipment: Equipment(manufacturer: "Vendor", model: "Model", stationName: "CT1", softwareVersions: "1.0",
                                                deviceSerialNumber: "SN"),
                           contentDateTime: "20260101102000", events: [everyEventField, IrradiationEvent()],
                           reportedTotals: [ReportedDLPTotal(valueMilligrayCentimeters: 251.5),
                                            ReportedDLPTotal(valueMilligrayCentimeters: 12.25, isSubTotal: true, phantom: .head16cm)],
                           readingNotes: ["a repaired unit", "Ünïcode"])
        r.startOfIrradiation = "20260101101400"
        r.endOfIrradiation = "20260101101900"
        r.reportedNumberOfEvents = 2
        r.sourceOfDoseInformation = CodedConcept("113856", "DCM", "Automated Data Collection")
        r.doseSummaryText = "Total DLP 251.5 mGy.cm"
        var patient = PatientAttributes()
        patient.patientID = "PID"
        patient.birthDate = "19700101"
        patient.age = "055Y"
        r.reportedStudy = ReportedStudy(patient: patient, studyDate: "20260101", studyTime: "101500", studyDescription: "CT chest")
        return r
    }

    static var everyExamField: Exam {
        var x = Exam(studyInstanceUID: "2.25.30")
        x.patient.patientID = "PID"
        x.patient.patientName = "Doe^Jane"
        x.patient.birthDate = "19700101"
        x.patient.sex = "F"
        x.patient.age = "055Y"
        x.patient.sizeMeters = 1.65
        x.patient.weightKilograms = 61.5
        x.patient.qualityControlSubject = true
        x.patient.comments = "Water phantom"
        x.patient.speciesDescription = "Canis familiaris"
        x.patient.pregnancyStatus = 2
        x.patient.nonPatientIndication = "Quality Control Subject is YES"
        x.studyDate = "20260101"
        x.studyTime = "101500"
        x.studyDescription = "CT chest"
        x.requestedProcedureDescription = "Chest w/o"
        x.bodyPartExamined = "CHEST"
        x.protocolNames = ["Thorax", "Topogram"]
        x.equipment = Equipment(manufacturer: "Vendor", model: "Model")
        x.events = [
            ExamEvent(event: everyEventField, reportedBy: ["2.25.20"], localizerSeriesUID: "2.25.40", diagnosticSeriesUID: "2.25.41",
                      diagnosticSeriesChoice: "original axial, soft tissue", seriesUIDs: ["2.25.41", "2.25.42"]),
            ExamEvent(event: IrradiationEvent(), reportedBy: [], seriesUIDs: []),
        ]
        x.doseReports = [DoseReportSummary(sopInstanceUID: "2.25.20", kind: .enhancedSR, eventCount: 2, reportedDLPTotals: [251.5],
                                           readingNotes: ["note"])]
        var series = SeriesSummary(seriesInstanceUID: "2.25.41", imageCount: 88, isLocalizer: false, isAxial: true, isOriginal: true,
                                   irradiationEventUIDs: ["2.25.10"])
        series.seriesNumber = 3
        series.seriesDescription = "Thorax 1.0 Br40"
        series.convolutionKernel = "Br40"
        series.sliceThicknessMillimeters = 1
        series.zRangeMillimeters = -350.5...(-4.0)
        series.meanCTDIvolMilligray = 7.25
        series.ctdiPhantom = .body32cm
        series.firstAcquisitionDateTime = "20260101101500"
        series.linkedEventUID = "2.25.10"
        series.linkMethod = "Irradiation Event UID"
        series.vendorWaterEquivalentDiameterMillimeters = 281
        x.series = [series, SeriesSummary(seriesInstanceUID: "2.25.40", isLocalizer: true)]
        x.doseSource = .doseReport
        x.problems = ["a problem"]
        return x
    }

    static let codable = BinaryRecordEncoder()

    @Test func theFixturesSetEveryField() {
        // A field added to these types shows up here first: set it in the fixture, then write and read it
        // in the record (IrradiationEventRecord, DoseReportRecord, ExamStoreRecord, ModelRecordFields).
        #expect(CTImageHeaderRecordTests.unset(Self.everyEventField).isEmpty, "\(CTImageHeaderRecordTests.unset(Self.everyEventField))")
        #expect(CTImageHeaderRecordTests.unset(Self.everyReportField).isEmpty, "\(CTImageHeaderRecordTests.unset(Self.everyReportField))")
        #expect(CTImageHeaderRecordTests.unset(Self.everyExamField).isEmpty, "\(CTImageHeaderRecordTests.unset(Self.everyExamField))")
        #expect(CTImageHeaderRecordTests.unset(Self.everyExamField.series[0]).isEmpty)
        #expect(CTImageHeaderRecordTests.unset(Self.everyExamField.events[0]).isEmpty)
        #expect(CTImageHeaderRecordTests.unset(Self.everyEventField.doseCheck!).isEmpty)
        #expect(CTImageHeaderRecordTests.unset(Self.everyEventField.xRaySources[0]).isEmpty)
    }

    static func expectSameRecords(_ report: DoseReport, _ comment: Comment? = nil) throws {
        let fast = DoseReportRecord.encode(report)
        #expect(fast == (try codable.encode(report)), comment)
        #expect(try DoseReportRecord.decode(try codable.encode(report)) == report, comment)
        #expect(try BinaryRecordDecoder().decode(DoseReport.self, from: fast) == report, comment)
    }

    static func expectSameRecords(_ exam: Exam, _ comment: Comment? = nil) throws {
        let fast = ExamStoreRecord.encode(exam)
        #expect(fast == (try codable.encode(exam)), comment)
        #expect(try ExamStoreRecord.decode(try codable.encode(exam)) == exam, comment)
        #expect(try BinaryRecordDecoder().decode(Exam.self, from: fast) == exam, comment)
    }

    @Test func sameBytesAsCodableAndEachReadsTheOther() throws {
        try Self.expectSameRecords(Self.everyReportField)
        try Self.expectSameRecords(DoseReport(sopInstanceUID: "1.2", studyInstanceUID: "1.3", kind: .philipsDoseInfo))
        var wide = Self.everyReportField
        wide.readingNotes.append(String(repeating: "x", count: 300))  // slot headers wider than one byte
        try Self.expectSameRecords(wide)
        try Self.expectSameRecords(Self.everyExamField)
        try Self.expectSameRecords(Exam(studyInstanceUID: "1.4"))
        var point = Self.everyExamField
        point.series[0].zRangeMillimeters = 12.5...12.5
        try Self.expectSameRecords(point)
    }

    @Test func sameBytesForTheSampleExam() throws {
        let folder = SampleExamTests.folder
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.hasSuffix(".dcm") }.sorted()
        var reports = 0
        for file in files {
            guard case .doseReport(let report, _) = ObjectReader.read(path: folder + "/" + file) else { continue }
            try Self.expectSameRecords(report, "\(file)")
            reports += 1
        }
        #expect(reports == 1)
        let exam = try #require(SampleExamTests.result.exams.first)
        try Self.expectSameRecords(exam)
    }

    @Test(.enabled(if: Corpus.isAvailable, Corpus.absentMessage))
    func sameBytesForTheCorpusDoseReports() throws {
        for expected in CorpusDoseReportTests.reports {
            guard case .doseReport(let report, _) = ObjectReader.read(path: Corpus.path("dose-reports/" + expected.file)) else {
                Issue.record("\(expected.file) was not read as a CT dose report")
                continue
            }
            try Self.expectSameRecords(report, "\(expected.file)")
        }
    }

    @Test func recordsOfAnotherTypeAreRefusedLikeCodable() throws {
        // A dose report summary has no Study Instance UID: both readers refuse it as a dose report.
        let summary = try Self.codable.encode(Self.everyExamField.doseReports[0])
        #expect(throws: DecodingError.self) { try DoseReportRecord.decode(summary) }
        #expect(throws: DecodingError.self) { try BinaryRecordDecoder().decode(DoseReport.self, from: summary) }
        // A dose report has no patient, protocol names, series or problems: both refuse it as an exam.
        let report = try Self.codable.encode(Self.everyReportField)
        #expect(throws: DecodingError.self) { try ExamStoreRecord.decode(report) }
        #expect(throws: DecodingError.self) { try BinaryRecordDecoder().decode(Exam.self, from: report) }
    }
}
