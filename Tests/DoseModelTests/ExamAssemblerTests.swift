import Testing
@testable import DoseModel

@Suite struct ExamAssemblerTests {
    private func event(_ uid: String?, _ type: CTAcquisitionType, dlp: Double, ctdi: Double = 10, start: String? = nil) -> IrradiationEvent {
        var e = IrradiationEvent()
        e.irradiationEventUID = uid
        e.acquisitionType = type
        e.dlpMilligrayCentimeters = dlp
        e.ctdiVolMilligray = ctdi
        e.startDateTime = start
        return e
    }

    private func report(_ sop: String, study: String = "1.2", _ events: [IrradiationEvent], total: Double? = nil) -> DoseReport {
        DoseReport(sopInstanceUID: sop, studyInstanceUID: study, kind: .xRayRadiationDoseSR, events: events,
                   reportedTotals: [ReportedDLPTotal(valueMilligrayCentimeters: total ?? events.compactMap(\.dlpMilligrayCentimeters).reduce(0, +))])
    }

    private func image(_ sop: String, series: String, event: String?, z: Double, localizer: Bool = false,
                       acquired: String? = nil, thickness: Double = 5) -> CTImageHeader {
        var h = CTImageHeader(sopClassUID: SOPClass.ctImage, sopInstanceUID: sop, studyInstanceUID: "1.2", seriesInstanceUID: series)
        h.irradiationEventUID = event
        h.imageType = localizer ? ["ORIGINAL", "PRIMARY", "LOCALIZER"] : ["ORIGINAL", "PRIMARY", "AXIAL"]
        h.imageOrientation = localizer ? [1, 0, 0, 0, 0, -1] : [1, 0, 0, 0, 1, 0]
        h.imagePositionMillimeters = [0, 0, z]
        h.acquisitionDateTime = acquired
        h.sliceThicknessMillimeters = thickness
        return h
    }

    @Test func cumulativeReportsCountEachEventOnce() {
        // Siemens-style cumulative reports: each a superset of the previous (1, 2, 3 events).
        let a = event("e1", .constantAngle, dlp: 7.46)
        let b = event("e2", .spiral, dlp: 69.81)
        let c = event("e3", .spiral, dlp: 158.82)
        let exams = ExamAssembler.assemble(images: [], reports: [
            report("r1", [a]), report("r2", [a, b]), report("r3", [a, b, c]),
        ])
        #expect(exams.count == 1)
        let exam = exams[0]
        #expect(exam.events.count == 3)
        #expect(abs(exam.dlpTotalMilligrayCentimeters! - (7.46 + 69.81 + 158.82)) < 1e-9)
        #expect(exam.reportedDLPTotals.count == 3)
        #expect(exam.events[0].reportedBy.count == 3)  // e1 listed by all three reports
        #expect(exam.problems.isEmpty)
    }

    @Test func continuedReportsAddDisjointEvents() {
        let exams = ExamAssembler.assemble(images: [], reports: [
            report("r1", [event("e1", .constantAngle, dlp: 10), event("e2", .spiral, dlp: 50)]),
            report("r2", [event("e3", .constantAngle, dlp: 6), event("e4", .spiral, dlp: 50.5)]),
        ])
        #expect(exams[0].events.count == 4)
        #expect(exams[0].dlpTotalMilligrayCentimeters == 116.5)
    }

    @Test func duplicateInstanceIsReadOnceAndDisagreementIsReported() {
        let r = report("r1", [event("e1", .spiral, dlp: 100)])
        let exams = ExamAssembler.assemble(images: [], reports: [r, r, report("r2", [event("e1", .spiral, dlp: 120)])])
        #expect(exams[0].events.count == 1)
        #expect(exams[0].dlpTotalMilligrayCentimeters == 100)
        #expect(exams[0].problems.contains("1 duplicate dose report instance(s) ignored"))
        #expect(exams[0].problems.contains { $0.hasPrefix("reports disagree on event e1: DLP 100.0 vs 120.0") })
    }

    @Test func linksSeriesByEventUIDThenByTimeAndNamesLocalizerAndDiagnosticSeries() {
        let events = [
            event("e1", .constantAngle, dlp: 5, start: "20250315101000"),
            event("e2", .spiral, dlp: 300, start: "20250315101200"),
        ]
        let images = [
            image("i1", series: "s-loc", event: "e1", z: 0, localizer: true),
            image("i2", series: "s-thin", event: "e2", z: 0, thickness: 1),
            image("i3", series: "s-thin", event: "e2", z: 1, thickness: 1),
            image("i4", series: "s-thick", event: nil, z: 0, acquired: "20250315101230", thickness: 5),
        ]
        let exam = ExamAssembler.assemble(images: images, reports: [report("r1", events)])[0]
        #expect(exam.events[0].localizerSeriesUID == "s-loc")
        #expect(exam.events[1].seriesUIDs.sorted() == ["s-thick", "s-thin"])
        #expect(exam.events[1].diagnosticSeriesUID == "s-thick")  // original, axial, thickest
        let thick = exam.series.first { $0.seriesInstanceUID == "s-thick" }
        #expect(thick?.linkMethod == "acquisitionTime")
        #expect(exam.series.first { $0.seriesInstanceUID == "s-thin" }?.zRangeMillimeters == 0...1)
    }

    @Test func studyWithoutDoseReportSaysSo() {
        let exam = ExamAssembler.assemble(images: [image("i1", series: "s", event: nil, z: 0)], reports: [])[0]
        #expect(exam.events.isEmpty)
        #expect(exam.dlpTotalMilligrayCentimeters == nil)
        #expect(exam.problems == ["no dose report for this study, and no image header carries CTDIvol"])
    }

    /// A study seen only through its dose report takes the report's patient and study; a study with
    /// images keeps the images' (the report's do not override them); with neither, the study date
    /// comes from the report's content date.
    @Test func reportOnlyStudyTakesThePatientAndStudyTheReportGives() {
        var patient = PatientAttributes()
        patient.patientID = "PID-R"
        patient.birthDate = "19580105"
        patient.sex = "M"
        patient.age = "060Y"
        var withStudy = report("r1", [event("e1", .spiral, dlp: 100)])
        withStudy.reportedStudy = ReportedStudy(patient: patient, studyDate: "20180105", studyTime: "171712", studyDescription: "Thorax")
        withStudy.contentDateTime = "20180106120000"
        let alone = ExamAssembler.assemble(images: [], reports: [withStudy])[0]
        #expect(alone.patient == patient)
        #expect(alone.studyDate == "20180105" && alone.studyTime == "171712" && alone.studyDescription == "Thorax")

        var header = image("i1", series: "s", event: "e1", z: 0)
        header.patient.patientID = "PID-I"
        header.studyDate = "20180107"
        let withImages = ExamAssembler.assemble(images: [header], reports: [withStudy])[0]
        #expect(withImages.patient.patientID == "PID-I" && withImages.patient.birthDate == nil)
        #expect(withImages.studyDate == "20180107" && withImages.studyDescription == nil)

        var older = withStudy
        older.reportedStudy = nil  // a record stored before reports kept their study
        let fallback = ExamAssembler.assemble(images: [], reports: [older])[0]
        #expect(fallback.patient == PatientAttributes() && fallback.studyDate == "20180106")
    }

    @Test func axialDetectionToleratesGantryTilt() {
        var h = CTImageHeader(sopClassUID: SOPClass.ctImage, sopInstanceUID: "1", studyInstanceUID: "2", seriesInstanceUID: "3")
        let tilt = 20.0 * Double.pi / 180  // 20° gantry tilt: row along x, column tilted in the y-z plane
        h.imageOrientation = [1, 0, 0, 0, cos(tilt), -sin(tilt)]
        #expect(h.isAxial)
        h.imageOrientation = [1, 0, 0, 0, 0, -1]  // coronal
        #expect(!h.isAxial)
    }
}

private func cos(_ x: Double) -> Double { Foundation.cos(x) }
private func sin(_ x: Double) -> Double { Foundation.sin(x) }
import Foundation
