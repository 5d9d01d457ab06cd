import CSVFormat
import Foundation
import QualityMeasures
import Testing
@testable import ScanReport

/// The "Cumulative dose per patient" section: the sample exam's patient (2.39 mSv: 159.6 mGy·cm ×
/// 0.015, TestData/sample-exam/README.md and AAPM Report 96), patients at the threshold counted and
/// marked, the list cut at its limit, and a folder written before patient-dose.csv existed.
@Suite struct CumulativeDoseSectionTests {
    @Test func sampleExamHasOnePatientBelowTheThreshold() throws {
        let overview = try #require(SampleReportTests.content.cumulativeDose)
        #expect(overview.patientCount == 1 && overview.repeatPatientCount == 0 && overview.atOrAboveThresholdCount == 0)
        #expect(overview.thresholdMillisieverts == 100 && overview.windowYears == 5)
        #expect(overview.highest.first?.windowEffectiveDose == 2.39 && overview.highest.first?.exams == 1)
        #expect(CumulativeDoseSection.html(overview).contains("<strong>0</strong> of 1 patients reach 100 mSv within 5 years"))
    }

    @Test func patientsAtTheThresholdAreCountedMarkedAndTheListCut() {
        let csv = CSVText.record(PatientDoseCSVWriter.columns) + "\n" + [
            "P-a,6,1,2019-01-01,2024-05-01,9000,130,5,120,5,2019-06-01,2024-05-01,yes,100",
            "P-b,3,0,2024-01-01,2024-03-01,6700,100,5,100,3,2024-01-01,2024-03-01,yes,100",
            "P-c,2,0,2025-01-01,2025-02-01,1000,15,5,15,2,2025-01-01,2025-02-01,no,100",
            "P-d,1,0,2025-01-01,2025-01-01,100,1.5,5,1.5,1,2025-01-01,2025-01-01,no,100",
        ].joined(separator: "\n")
        var tally = CumulativeDoseOverview.Tally(listLimit: 3)
        CSVDocument(parsing: csv).namedRows.forEach { tally.add(PatientDoseLine($0)) }
        let overview = tally.overview
        #expect(overview.patientCount == 4 && overview.repeatPatientCount == 3 && overview.atOrAboveThresholdCount == 2)
        #expect(overview.highest.map(\.patientPseudonym) == ["P-a", "P-b", "P-c"])
        let html = CumulativeDoseSection.html(overview)
        #expect(html.contains("<strong>2</strong> of 4 patients reach 100 mSv within 5 years <span class=\"flag\">(marked)</span>; 3 had more than one exam."))
        #expect(html.contains("The 3 highest of 4 patients, highest sum within 5 years first"))
        #expect(html.components(separatedBy: "<span class=\"flag\">≥ 100 mSv</span>").count - 1 == 2)
        #expect(html.contains("2019-06-01 – 2024-05-01"))
        #expect(CumulativeDoseSection.html(nil).contains("no patient-dose.csv"))
    }
}
