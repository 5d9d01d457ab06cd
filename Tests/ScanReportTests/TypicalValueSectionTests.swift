import CSVFormat
import Foundation
import QualityMeasures
import Testing
@testable import ScanReport

/// The "Typical values and DRLs" section: the sample exam's values (TestData/sample-exam/README.md),
/// the count of groups above their DRL, and a folder written before typical-values.csv existed.
@Suite struct TypicalValueSectionTests {
    @Test func sampleExamHasOneGroupOnOneScanner() throws {
        let lines = try #require(SampleReportTests.content.typicalValues)
        #expect(lines.map(\.scanner) == ["all scanners", "SIM1 / Synthetic Phantom Generator"])
        #expect(lines.allSatisfy { $0.exams == 1 && !$0.enoughExams && $0.sizeBand == "all sizes" })
        #expect(lines[0].ctdiVolMedian == 12.5 && lines[0].dlpMedian == 159.6 && lines[0].phantom == "body32cm")
        let html = TypicalValueSection.html(lines)
        #expect(html.contains("No reference level given"))
        #expect(html.contains("<td class=\"num\" data-sort=\"159.6\">159.6 <span class=\"muted\">(159.6)</span></td>"))
        #expect(lines[0].effectiveDoseMedian == 2.39 && html.contains("<td class=\"num\" data-sort=\"2.39\">2.39</td>"))
    }

    static func lines(_ csv: String) -> [TypicalValueLine] {
        CSVDocument(parsing: CSVText.record(TypicalValuesCSVWriter.columns) + "\n" + csv).namedRows.map(TypicalValueLine.init)
    }

    @Test func groupsAboveTheirLevelAreCountedAndMarked() {
        let row = { (scanner: String, dlp: String, comparison: String) in
            let fields = ["period": "2025", "category": "headRoutineDose", "categoryName": "Head Routine Dose", "ageGroup": "adult",
                          "sizeBand": "all sizes", "phantom": "head16cm", "scanner": scanner, "exams": "30", "enoughExams": "yes",
                          "ctdiVolMedian_mGy": "50", "ctdiVol75th_mGy": "55", "dlpMedian_mGycm": dlp, "dlp75th_mGycm": "900",
                          "drlCtdiVol_mGy": "60", "drlDlp_mGycm": "1000", "comparison": comparison, "drlSource": "national",
                          "standardWeightExams": "12", "standardWeightDlpMedian_mGycm": "850"]
            return CSVText.record(TypicalValuesCSVWriter.columns.map { fields[$0] ?? "" }) + "\n"
        }
        let lines = Self.lines(row("A", "1100", "above DRL") + row("B", "800", "at or below DRL") + row("C", "700", "too few exams"))
        #expect(lines.map(\.isAboveReferenceLevel) == [true, false, false])
        #expect(lines.map(\.isCompared) == [true, true, false])
        let html = TypicalValueSection.html(lines)
        #expect(html.contains("<strong>1</strong> of 2 groups compared have a median above their DRL"))
        #expect(html.contains("<span class=\"flag\">above DRL</span>") && !html.contains("<span class=\"flag\">at or below"))
        #expect(html.contains(">60.0 / 1000.0<"))
        #expect(html.contains(">850.0 <span class=\"muted\">(n = 12)</span><"))
    }

    /// Median CTDIvol against band median Dw: one connected curve per group with two bands or more.
    @Test func sizeChartDrawsGroupsWithSeveralBands() throws {
        let band = { (category: String, band: String, dw: String, ctdi: String, exams: String) in
            let fields = ["period": "2025", "categoryName": category, "ageGroup": "adult", "sizeBand": band, "phantom": "body32cm",
                          "scanner": "all scanners", "exams": exams, "ctdiVolMedian_mGy": ctdi, "dwMedian_cm": dw]
            return CSVText.record(TypicalValuesCSVWriter.columns.map { fields[$0] ?? "" }) + "\n"
        }
        let bands = Self.lines(band("Abdomen", "20-25", "23.1", "8", "25") + band("Abdomen", "25-30", "27.4", "11", "40")
                               + band("Abdomen", "30-35", "31.9", "15.5", "30") + band("Head", "<20", "16.2", "45", "60"))
        let svg = try #require(TypicalValueSection.sizeChart(bands))
        #expect(svg.contains("id=\"typical-values-by-size\"") && svg.contains("role=\"img\""))
        #expect(svg.components(separatedBy: "<polyline").count == 2)  // the abdomen's curve only: the head has one band
        #expect(svg.contains("Abdomen, adult, body32cm (2025), Dw 20-25 cm: median CTDIvol 8.0 mGy, 25 exams"))
        #expect(!svg.contains("Head,"))
        #expect(TypicalValueSection.sizeChart(Array(bands.suffix(1))) == nil)
        #expect(TypicalValueSection.html([], bands: bands).contains("typical-values-by-size") == false)  // no groups: no table, no chart
    }

    @Test func aFolderWithoutTheFileSaysHowToGetIt() {
        #expect(TypicalValueSection.html(nil).contains("no typical-values.csv"))
        #expect(TypicalValueSection.html([]).contains("No categorised exam with dose values."))
    }
}
