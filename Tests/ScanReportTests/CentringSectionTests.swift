import ArchiveScan
import Foundation
import PixelAnalysis
import Testing
@testable import ScanReport

/// The "Patient centring" section: the bundled sample exam's ellipse is centred on its isocentre (the
/// coordinate origin, which its Table Height confirms: Scripts/make-sample-exam), so its offset is 0; the
/// same exam given series centrings of −10 and +30 mm gives their mean (10), sample SD (√800 = 28.28) and
/// one below the isocentre; a series without one is listed with its reason.
@Suite struct CentringSectionTests {
    static func sampleRecord() throws -> ExamRecord {
        var exams: [ExamRecord] = []
        try SampleReportTests.folder.forEachExam { exams.append($0) }
        return try #require(exams.first)
    }

    @Test func sampleExamIsCentred() throws {
        let overview = SampleReportTests.content.centring
        let line = try #require(overview.scanners.first)
        #expect(overview.scanners.count == 1 && line.seriesCount == 1 && line.flaggedCount == 0)
        #expect(abs(line.meanVerticalMillimeters) < 0.5 && line.verticalStandardDeviationMillimeters == nil)
        #expect(overview.seriesWithoutCentring.isEmpty)
        #expect(CentringSection.html(CentringOverview()).contains("No measured series has a centring."))
    }

    @Test func reasonsCountTogetherWhateverTheirFigures() {
        let refused = "none: with the isocentre at the coordinate origin the body would rest -23.4 mm above the table top that "
            + "Table Height (0018,1130) gives (accepted: -15.0 mm to 80.0 mm): the origin is not the isocentre"
        #expect(CentringOverview.reasonKind(refused) == "none: with the isocentre at the coordinate origin the body would rest … mm above "
            + "the table top that Table Height (0018,1130) gives (accepted: … mm to … mm): the origin is not the isocentre")
        #expect(CentringOverview.reasonKind("none: gantry tilted -22.0° and no Data Collection Center (Patient)")
            == "none: gantry tilted …° and no Data Collection Center (Patient)")
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
        var without = record
        without.seriesMeasurements[0].centring = nil
        without.seriesMeasurements[0].centringMethod = "none: gantry tilted 18.5° and no Data Collection Center (Patient)"
        tally.add(without)
        let overview = tally.overview
        let line = try #require(overview.scanners.first)
        #expect(overview.scanners.count == 1)
        #expect(line.scanner == "ctdose Synthetic Phantom Generator (SIM1)")
        #expect(line.seriesCount == 2 && line.belowIsocentreCount == 1 && line.flaggedCount == 0)
        #expect(line.meanVerticalMillimeters == 10)
        #expect(abs(try #require(line.verticalStandardDeviationMillimeters) - 800.0.squareRoot()) < 1e-9)
        #expect(overview.seriesWithoutCentring == ["none: gantry tilted …° and no Data Collection Center (Patient)": 1])
        let html = CentringSection.html(overview)
        #expect(html.contains("id=\"centring-table\""))
        #expect(html.contains("<li>1 × none: gantry tilted …° and no Data Collection Center (Patient)</li>"))
        #expect(html.contains("28.3"))
    }
}
