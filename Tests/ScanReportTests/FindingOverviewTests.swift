import ArchiveScan
import DoseValidation
import Foundation
import Testing
@testable import ScanReport

/// "Findings by scanner": scanner A's four exams, three raising SERIES_CTDIVOL_MISMATCH (one of them
/// twice), scanner B's two, one raising PATIENT_OFF_CENTRE: 3 of 4 exams (75 %, 4 findings) and 1 of 2
/// (50 %), most exams first.
@Suite struct FindingOverviewTests {
    static func record(model: String, uid: Int, codes: [FindingCode]) throws -> ExamRecord {
        var record = try CentringSectionTests.sampleRecord()
        record.studyInstanceUID = "2.25.\(uid)"
        record.manufacturer = "Maker"
        record.model = model
        record.stationName = nil
        record.findings = codes.map { code in
            Finding(studyInstanceUID: record.studyInstanceUID, code: code, severity: code.defaultSeverity, message: "test")
        }
        return record
    }

    @Test func findingsAreCountedPerScannerAndExam() throws {
        let records = [
            try Self.record(model: "A", uid: 1, codes: [.seriesCTDIvolMismatch, .seriesCTDIvolMismatch]),
            try Self.record(model: "A", uid: 2, codes: [.seriesCTDIvolMismatch]),
            try Self.record(model: "A", uid: 3, codes: [.seriesCTDIvolMismatch]),
            try Self.record(model: "A", uid: 4, codes: []),
            try Self.record(model: "B", uid: 5, codes: [.patientOffCentre]),
            try Self.record(model: "B", uid: 6, codes: []),
        ]
        var tally = FindingOverview.Tally()
        records.forEach { tally.add($0) }
        let lines = tally.overview.lines
        #expect(lines.count == 2)
        let first = try #require(lines.first), second = try #require(lines.last)
        #expect(first.scanner == "Maker A" && first.code == .seriesCTDIvolMismatch && first.examCount == 3 && first.findingCount == 4)
        #expect(first.scannerExamCount == 4 && first.examShare == 0.75 && first.severity == .warning)
        #expect(second.scanner == "Maker B" && second.code == .patientOffCentre && second.examCount == 1 && second.examShare == 0.5)
        let html = FindingOverviewSection.html(tally.overview)
        #expect(html.contains("<td>Maker A</td><td>SERIES_CTDIVOL_MISMATCH</td><td>warning</td>"))
        #expect(html.contains("<td class=\"num\" data-sort=\"75.0\">75.0</td>"))
        #expect(FindingOverviewSection.html(FindingOverview()).contains("No exam raised a finding."))
    }
}
