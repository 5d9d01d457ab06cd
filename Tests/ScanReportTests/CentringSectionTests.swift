import ArchiveScan
import Foundation
import PixelAnalysis
import Testing
@testable import ScanReport

/// The "Patient centring" section: the bundled sample exam has no isocentre (manufacturer "ctdose",
/// no Data Collection Center (Patient)), so it is listed with its reason; the same exam given series
/// centrings of −10 and +30 mm gives their mean (10), sample SD (√800 = 28.28) and one below the isocentre.
@Suite struct CentringSectionTests {
    static func sampleRecord() throws -> ExamRecord {
        var exams: [ExamRecord] = []
        try SampleReportTests.folder.forEachExam { exams.append($0) }
        return try #require(exams.first)
    }

    @Test func sampleExamHasNoCentringAndSaysWhy() {
        let overview = SampleReportTests.content.centring
        #expect(overview.scanners.isEmpty)
        let reason = "none: no Data Collection Center (Patient), and the coordinate origin of ctdose is not known to be the isocentre"
        #expect(overview.seriesWithoutCentring == [reason: 1])
        let html = CentringSection.html(overview)
        #expect(html.contains("No measured series has a centring."))
        #expect(html.contains("<li>1 × \(reason)</li>"))
    }

    @Test func meansSpreadAndSideByScanner() throws {
        let record = try Self.sampleRecord()
        var tally = CentringOverview.Tally()
        for vertical in [-10.0, 30.0] {
            var centred = record
            centred.seriesMeasurements[0].centring = SeriesCentring(
                slices: [(CentringOffset(verticalMillimeters: vertical, lateralMillimeters: 0), false, 0)], midScanZMillimeters: nil)
            tally.add(centred)
        }
        tally.add(record)
        let overview = tally.overview
        let line = try #require(overview.scanners.first)
        #expect(overview.scanners.count == 1)
        #expect(line.scanner == "ctdose Synthetic Phantom Generator (SIM1)")
        #expect(line.seriesCount == 2 && line.belowIsocentreCount == 1 && line.flaggedCount == 0)
        #expect(line.meanVerticalMillimeters == 10)
        #expect(abs(try #require(line.verticalStandardDeviationMillimeters) - 800.0.squareRoot()) < 1e-9)
        #expect(overview.seriesWithoutCentring.values.reduce(0, +) == 1)
        let html = CentringSection.html(overview)
        #expect(html.contains("id=\"centring-table\""))
        #expect(html.contains("28.3"))
    }
}
