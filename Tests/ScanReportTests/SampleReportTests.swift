import ArchiveScan
import CSVFormat
import Foundation
@testable import ScanReport
import ScratchFolders
import Testing

/// The report of the bundled synthetic exam (TestData/sample-exam): values checked against what
/// the scan is known to produce (SampleExamTests in ArchiveScanTests).
@Suite struct SampleReportTests {
    static let folder = try! ScanOutputFolder(ScannedFolders.sampleExam)
    static let content = try! ReportContent(reading: folder)

    static func rows(_ table: ScanOutputFolder.Table, in folder: ScanOutputFolder = folder) throws -> [CSVRow] {
        var rows: [CSVRow] = []
        try folder.forEachRow(of: table) { rows.append($0) }
        return rows
    }

    static var measures: [MeasureRow] { try! rows(.measures).map(MeasureRow.init) }

    @Test func folderReadsEveryFile() throws {
        var exams: [ExamRecord] = []
        try Self.folder.forEachExam { exams.append($0) }
        #expect(exams.count == 1)
        #expect(exams[0].dlpTotal == 159.6)
        #expect(try Self.rows(.measures).count == 1)
        #expect(try Self.rows(.sensitivity).count == 15)  // 5 diameter methods × 3 DLP definitions
        #expect(try Self.rows(.slices).compactMap(SliceRow.init).count == 20)
        #expect(try Self.rows(.problems).map(ProblemRow.init).map(\.severity) == ["setAside"])  // README.md
    }

    @Test func summaryCountsTheExam() {
        let s = Self.content.summary
        #expect(s.examCount == 1)
        #expect(s.patientCount == 1)
        #expect(s.firstStudyDate == "2025-03-15" && s.lastStudyDate == "2025-03-15")
        #expect(s.scanners == ["ctdose Synthetic Phantom Generator (SIM1)"])
        #expect(s.problemCount == 1)
        #expect(s.findingCount == 0)
        // Its dose report gives the dose values; its axial series is measured (README.md: 20 slices).
        #expect(s.examsByDoseSource == ["doseReport": 1] && s.examsWithSize == 1 && s.examsWithNoise == 1)
        let html = SummarySection.html(s)
        #expect(html.contains("<dd id=\"summary-dose-sources\">1 dose report</dd>"))
        #expect(html.contains("<dd id=\"summary-pixels\">size in 1 of 1 exams, noise in 1</dd>"))
        var mixed = s
        mixed.examCount = 4
        mixed.examsByDoseSource = ["none": 1, "computedFromImageAttributes": 1, "doseReport": 2]
        #expect(SummarySection.html(mixed).contains(">2 dose report, 1 computed from image headers, 1 none</dd>"))
    }

    @Test func categoryAndSADMatchTheHandComputation() throws {
        let c = try #require(Self.content.categories.first)
        #expect(c.category == "Abdomen and Pelvis Routine Dose")
        #expect(c.outOfRangeCount == 0 && c.evaluatedCount == 1)
        let exam = try #require(c.exams.first)
        // SAD = 159.6 × exp(0.087 × (30.3 − Dw)), Dw ≈ 27.7 cm → ≈ 200 mGy·cm (measure.csv: 2 decimals).
        let sad = try #require(exam.sizeAdjustedDoseMilligrayCentimeters)
        #expect(abs(sad - 159.6 * exp(0.087 * (30.3 - exam.diameterCentimeters!))) < 0.02)
        #expect(abs(exam.globalNoiseHounsfield! - 10) < 0.5)
    }

    @Test func distributionsLeaveOutTheLocalizer() throws {
        let byScanner = Self.content.byScanner
        let d = try #require(byScanner.first)
        #expect(byScanner.count == 1 && d.examCount == 1)
        let ctdi = try #require(d.summary(.ctdiVol, month: "2025-03"))
        #expect(ctdi.count == 1 && ctdi.median == 12.5)  // the spiral event only
        #expect(d.summary(.dlp, month: "2025-03")?.median == 150)
        #expect(abs((d.summary(.ssde, month: "2025-03")?.median ?? 0) - Self.measures[0].ssdeMilligray!) < 1e-9)
        #expect(d.summary(.effectiveDose, month: "2025-03")?.median == 2.39)  // 159.6 mGy·cm × 0.015 (AAPM Report 96, adult abdomen-pelvis)
    }

    @Test func inRangeExamWithoutFindingsIsNotFlagged() {
        #expect(Self.content.flagged.isEmpty && Self.content.flaggedCount == 0)
        let html = ScanReportPage(content: Self.content, sourceDescription: "sample").html
        #expect(html.contains("id=\"flagged-none\""))
        #expect(html.contains("<title>CT dose report: 1 exams</title>"))
    }

    /// The same exam with its verdict set out of range: its section shows the Dw(z) profile of the
    /// 20 slices and the mid-scan thumbnail the scan wrote (the measured outline on the slice); without
    /// a thumbnail, a schematic (LAT 32 cm, AP 24 cm, Dw 27.7 cm).
    @Test func flaggedExamSectionShowsProfileAndSchematic() throws {
        let copy = ScratchFolder.path("report-flagged")
        try FileManager.default.copyItem(atPath: Self.folder.path, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let measurePath = copy + "/measure.csv"
        let measureCSV = try String(contentsOfFile: measurePath, encoding: .utf8)
        #expect(measureCSV.components(separatedBy: ",inRange,").count == 2)
        try Data(measureCSV.replacingOccurrences(of: ",inRange,", with: ",outOfRange,").utf8).write(to: URL(fileURLWithPath: measurePath))
        var content = try ReportContent(reading: try ScanOutputFolder(copy))
        #expect(content.flaggedCount == 1 && content.flaggedOutOfRangeCount == 1)
        let exam = try #require(content.flagged.first)
        #expect(exam.reasons.first?.hasPrefix("out of range (Abdomen and Pelvis Routine Dose)") == true)
        let profile = try #require(exam.profiles.first)
        #expect(profile.slices.count == 20)
        #expect(profile.slices.map(\.zMillimeters) == profile.slices.map(\.zMillimeters).sorted())
        #expect(abs(profile.midScanLateralCentimeters! - 32) < 0.3 && abs(profile.midScanAPCentimeters! - 24) < 0.3)
        let png = try #require(profile.midScanThumbnailPNG)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let withThumbnail = ScanReportPage(content: content, sourceDescription: "sample").html
        #expect(withThumbnail.contains("<img src=\"data:image/png;base64,\(png.base64EncodedString())\""))
        #expect(withThumbnail.contains("with the measured patient outline in orange"))
        for (index, profile) in exam.profiles.enumerated() where profile.midScanThumbnailPNG != nil {
            content.flagged[0].profiles[index].midScanThumbnailPNG = nil
        }
        let html = ScanReportPage(content: content, sourceDescription: "sample").html
        #expect(html.contains("id=\"\(exam.anchor)\""))
        #expect(html.contains("LAT 32.1 cm") && html.contains("AP 24.0 cm") && html.contains("Dw 27.7 cm"))
        #expect(html.contains("Schematic, not the image"))
        #expect(html.components(separatedBy: "<title>z = ").count - 1 == 20)  // one marker per slice
        #expect(html.contains("<caption>Irradiation events</caption>"))
    }
}
