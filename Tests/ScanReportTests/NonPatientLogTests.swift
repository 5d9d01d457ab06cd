import ArchiveScan
import Foundation
import Testing
@testable import ScanReport

/// "QA phantoms and test patients": five daily QA sessions of the sample exam's spiral, CTDIvol 10 mGy
/// and noise 5 HU on four days and 13 mGy and 6 HU on the fifth (its localizer is not listed), and one
/// patient's exam, which is not: the fifth day is 1.3 and 1.2 times the medians (10 mGy, 5 HU).
@Suite struct NonPatientLogTests {
    static func records() throws -> [ExamRecord] {
        let sample = try CentringSectionTests.sampleRecord()
        let spiral = try #require(sample.events.firstIndex { $0.acquisitionType == "spiral" })
        let sessions = (1...5).map { day in
            var record = sample
            record.studyInstanceUID = "2.25.\(day)"
            record.studyDate = "2025030\(day)"
            record.nonPatient = "Patient's Name has QA"
            record.events[spiral].ctdiVol = day == 5 ? 13 : 10
            record.seriesMeasurements[0].globalNoiseTissueHounsfield = day == 5 ? 6 : 5
            if day == 5, let area = record.seriesMeasurements[0].midScan?.areaEquivalent {
                record.seriesMeasurements[0].midScan?.waterEquivalent = 1.005 * area  // Aw = 1.010025 A: mean 10.025 HU
            }
            return record
        }
        return sessions + [sample]
    }

    @Test func eachEventBesideItsGroupsMedian() throws {
        var tally = NonPatientLog.Tally()
        for record in try Self.records() { tally.add(record) }
        let log = tally.result
        #expect(log.examCount == 5 && log.eventCount == 5 && log.lines.count == 5)
        #expect(log.lines.map(\.studyDate) == ["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04", "2025-03-05"])
        let last = try #require(log.lines.last)
        let ctdiVolRatio = try #require(last.ctdiVolRatio), noiseRatio = try #require(last.noiseRatio)
        #expect(last.ctdiVol == 13 && abs(ctdiVolRatio - 1.3) < 1e-12)
        #expect(last.noiseHounsfield == 6 && abs(noiseRatio - 1.2) < 1e-12)
        #expect(log.lines.dropLast().allSatisfy { $0.ctdiVolRatio == 1 && $0.noiseRatio == 1 })
        #expect(last.reason == "Patient's Name has QA" && last.acquisitionProtocol != "no protocol name")
        // The mean CT number of the cross-section: 1000 · (1.005² − 1) on the fifth day; the sample's water
        // ellipse (mean −0.003 HU inside, TestData/sample-exam/README.md) within a few HU of 0 on the others,
        // the partial-volume pixels of its edge included.
        let mean = try #require(last.meanHounsfield)
        #expect(abs(mean - 10.025) < 1e-9)
        let water = try #require(log.lines.first?.meanHounsfield)
        #expect(abs(water) < 5, "\(water)")
        let html = NonPatientSection.html(log)
        #expect(html.contains("5 exams, 5 events other than localizers") && html.contains("id=\"non-patients-table\""))
        #expect(html.contains("<td class=\"num\" data-sort=\"1.3\">1.30</td>"))
        #expect(NonPatientSection.html(NonPatientLog()).contains("No exam of a QA phantom or test patient."))
        // Control charts of the one group (5 events ≥ 3): its days 0…4, the fifth at 1.30 and 1.20 times the medians.
        #expect(html.contains("id=\"non-patients-ctdivol\"") && html.contains("id=\"non-patients-noise\""))
        #expect(html.contains("2025-03-05: 1.30") && html.contains("2025-03-05: 1.20") && html.contains("Days since 2025-03-01"))
        let two = NonPatientLog(examCount: 2, eventCount: 2, lines: Array(log.lines.prefix(2)))
        let fewer = NonPatientSection.html(two)
        #expect(fewer.contains("id=\"non-patients-table\"") && !fewer.contains("non-patients-ctdivol"))  // fewer than 3 events: no chart
    }

    @Test func daysAreCalendarDays() {
        #expect(NonPatientSection.day("1970-01-02") == 1)
        #expect(NonPatientSection.day("2024-03-01")! - NonPatientSection.day("2024-02-28")! == 2)  // a leap year
        #expect(NonPatientSection.day("2025-03-01")! - NonPatientSection.day("2025-02-28")! == 1)
        #expect(NonPatientSection.day("undated") == nil)
    }
}
