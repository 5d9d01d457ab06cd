import DICOMBridge
import DoseModel
import Testing
@testable import ArchiveScan

/// Every CT dose report in the corpus gives exactly the event count and DLP listed in
/// ../shared/corpus/SOURCES.md (read independently with pydicom: events = 113819 containers,
/// total = 113813, sum = Σ 113838).
@Suite(.enabled(if: Corpus.isAvailable, Corpus.absentMessage))
struct CorpusDoseReportTests {
    struct Expected: Sendable, CustomStringConvertible {
        let file: String
        let events: Int
        let total: Double
        let eventSum: Double
        var description: String { file }
    }

    // Values copied from SOURCES.md ("CT events", "DLP total", "sum event DLP" columns).
    static let reports: [Expected] = [
        Expected(file: "CT-ESR-GE_VCT.dcm", events: 27, total: 2002.39, eventSum: 2002.39),
        Expected(file: "CT-RDSR-GEPixelMed.dcm", events: 2, total: 586.34, eventSum: 586.34),
        Expected(file: "CT-RDSR-Philips_BigBore4DCT.dcm", events: 1, total: 541.1, eventSum: 541.1),
        Expected(file: "CT-RDSR-Siemens-Continued-1.dcm", events: 2, total: 60.17, eventSum: 60.17),
        Expected(file: "CT-RDSR-Siemens-Continued-2.dcm", events: 2, total: 56.44, eventSum: 56.44),
        Expected(file: "CT-RDSR-Siemens-Multi-1.dcm", events: 1, total: 7.46, eventSum: 7.46),
        Expected(file: "CT-RDSR-Siemens-Multi-2.dcm", events: 2, total: 77.27, eventSum: 77.27),
        Expected(file: "CT-RDSR-Siemens-Multi-3.dcm", events: 3, total: 236.09, eventSum: 236.09),
        Expected(file: "CT-RDSR-Siemens_Flash-QA-DS.dcm", events: 9, total: 1590.0, eventSum: 1590.0),
        Expected(file: "CT-RDSR-SpectrumDynamics.dcm", events: 5, total: 187.339, eventSum: 187.339),
        Expected(file: "CT-RDSR-ToshibaPixelMed.dcm", events: 3, total: 349.70, eventSum: 349.70),
        Expected(file: "CT-RDSR-Toshiba_DoseCheck.dcm", events: 2, total: 502.40, eventSum: 502.40),
    ]

    @Test(arguments: reports) func eventCountAndDLP(_ expected: Expected) throws {
        guard case .doseReport(let report, _) = ObjectReader.read(path: Corpus.path("dose-reports/" + expected.file)) else {
            Issue.record("\(expected.file) was not read as a CT dose report")
            return
        }
        #expect(report.events.count == expected.events)
        #expect(report.reportedDLPTotals == [expected.total])
        let sum = report.events.compactMap(\.dlpMilligrayCentimeters).reduce(0, +)
        #expect(abs(sum - expected.eventSum) < 0.0005)
    }

    /// An exam seen only through its dose report has the report's patient and study, as dcmdump prints
    /// them from the file's top level.
    @Test(arguments: reports) func reportOnlyExamHasTheReportsPatientAndStudy(_ expected: Expected) throws {
        let path = Corpus.path("dose-reports/" + expected.file)
        guard case .doseReport(let report, _) = ObjectReader.read(path: path) else {
            Issue.record("\(expected.file) was not read as a CT dose report")
            return
        }
        let exam = ExamAssembler.assemble(images: [], reports: [report])[0]
        func dumped(_ tag: String) -> String? {
            let output = StoreFixture.runCapturingOutput("/usr/bin/dcmdump", ["+P", tag, path])
            guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("(") }),
                  let open = line.firstIndex(of: "["), let close = line[open...].firstIndex(of: "]") else { return nil }
            let value = line[line.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        #expect(exam.patient.patientID == dumped("0010,0020"))
        #expect(exam.patient.birthDate == dumped("0010,0030"))
        #expect(exam.patient.sex == dumped("0010,0040"))
        #expect(exam.patient.age == dumped("0010,1010"))
        #expect(exam.studyDate == dumped("0008,0020"))
        #expect(exam.studyTime == dumped("0008,0030"))
        #expect(exam.studyDescription == dumped("0008,1030"))
        #expect(exam.studyDate != nil && exam.patient.patientID != nil)
    }

    @Test func philipsDoseInfoScreen() throws {
        // SOURCES.md: 4 exposures (ExposureDoseSequence), total 1102.4 (comment text); per-series
        // CTDIvol 11.33 in the sequence vs "Average CTDIvol=11.5" in the comment.
        guard case .doseReport(let report, _) = ObjectReader.read(path: Corpus.path("dose-reports/CT-SC-Philips_Brilliance16P.dcm")) else {
            Issue.record("Dose Info screen not read"); return
        }
        #expect(report.kind == .philipsDoseInfo)
        #expect(report.events.count == 4)
        #expect(report.events.first?.acquisitionType == .constantAngle)
        #expect(abs(report.reportedDLPTotals[0] - 1102.4) < 0.05)
        #expect(abs(report.events.compactMap(\.dlpMilligrayCentimeters).reduce(0, +) - 1102.4) < 0.05)
        #expect(report.events.contains { abs(($0.ctdiVolMilligray ?? 0) - 11.33) < 0.005 })
        #expect(report.doseSummaryText?.contains("Total DLP=1102.4") == true)
    }

    @Test func mergedStudiesCountEachEventOnce() {
        let result = ArchiveScanner(jobs: 2).scan([Corpus.path("dose-reports")])
        let siemens = result.exams.filter { $0.equipment?.manufacturer == "SIEMENS" }
        let multi = siemens.first { $0.doseReports.count == 3 }
        let continued = siemens.first { $0.doseReports.count == 2 }
        #expect(multi?.events.count == 3)
        #expect(multi.flatMap(\.dlpTotalMilligrayCentimeters).map { abs($0 - 236.09) < 0.0005 } == true)
        #expect(continued?.events.count == 4)
        #expect(continued.flatMap(\.dlpTotalMilligrayCentimeters).map { abs($0 - 116.61) < 0.0005 } == true)
    }

    @Test(arguments: [
        // These four declare TID 10001 (DCMR) in their Content Template Sequence (dcmdump +P 0040,db00),
        // so their content is never read; RF-Pat-… is the 3.3 MB fluoroscopy report of 50,589 items.
        ("DX-RDSR-Canon_CXDI.dcm", "X-ray dose report that is not CT (template TID 10001 Projection X-Ray Radiation Dose)"),
        ("MG-RDSR-Hologic_2D.dcm", "X-ray dose report that is not CT (template TID 10001 Projection X-Ray Radiation Dose)"),
        ("RF-RDSR-Siemens-Zee.dcm", "X-ray dose report that is not CT (template TID 10001 Projection X-Ray Radiation Dose)"),
        ("RF-Pat-Orientation-Modifier-Missing.dcm", "X-ray dose report that is not CT (template TID 10001 Projection X-Ray Radiation Dose)"),
        ("NM-RRDSR-Siemens.dcm", "radiopharmaceutical dose report, not CT"),
        ("ESR_non-dose.dcm", "structured report is not a radiation dose report (root concept 18748-4 Diagnostic Imaging Report)"),
        ("reportsi.dcm", "structured report is not a radiation dose report (root concept IHE.01 Document Title)"),
    ]) func nonCTReportsAreSetAsideWithReason(file: String, reason: String) {
        guard case .setAside(let actual) = ObjectReader.read(path: Corpus.path("dose-reports/" + file)) else {
            Issue.record("\(file) was not set aside"); return
        }
        #expect(actual == reason)
    }

    /// The header shortcut loses nothing here: read in full, each report that declares TID 10001 is set
    /// aside by its content too (no CT acquisition or CT accumulated dose data in it).
    @Test(arguments: ["DX-RDSR-Canon_CXDI.dcm", "MG-RDSR-Hologic_2D.dcm", "RF-RDSR-Siemens-Zee.dcm",
                      "RF-Pat-Orientation-Modifier-Missing.dcm"])
    func projectionTemplateReportsHoldNoCTData(file: String) throws {
        let reading = try DICOMFile.read(Corpus.path("dose-reports/" + file), extent: .attributes) { file in
            #expect(file.structuredReportSetAsideReason() != nil)
            let header = try SRDocumentHeader(file: file)
            return RadiationDoseSRReader.read(try file.contentItems().items, header: header)
        }
        guard case .setAside(let reason) = reading else { Issue.record("\(file) read as CT by its content"); return }
        #expect(reason.hasPrefix("X-ray dose report that is not CT (procedure reported: "), "\(reason)")
    }

    /// CT reports declare TID 10011 (or nothing) and still go through their content.
    @Test func ctReportsAreNotSetAsideByTheirHeader() throws {
        for expected in Self.reports {
            let reason = try DICOMFile.read(Corpus.path("dose-reports/" + expected.file), extent: .documentHeader) {
                $0.structuredReportSetAsideReason()
            }
            #expect(reason == nil, "\(expected.file): \(reason ?? "")")
        }
    }
}
