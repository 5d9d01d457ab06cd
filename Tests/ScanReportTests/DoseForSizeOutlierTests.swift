import ArchiveScan
import CSVFormat
import Foundation
import Testing
@testable import ScanReport

/// dose-outliers.csv: a protocol whose 36 events follow CTDIvol = 5 mGy · e^(0.04 Dw) exactly, with two
/// pairs of events added at Dw 25 cm whose ln deviations cancel (×2.5 and ×0.4; ×1.8 and ×1/1.8), so that
/// the least-squares fit and the median residual are the line itself: the ×2.5 and ×0.4 events are
/// found at exactly those ratios, the ×1.8 pair is not (below 2). A protocol whose patients spread by
/// ×1.5 either way (robust SD 1.4826 · ln 1.5 = 0.60; 3 SDs = e^1.80, a factor 6.1) keeps a ×2.5 event.
@Suite struct DoseForSizeOutlierTests {
    /// Events of `protocolName`: 12 a month for three months on the line, each × `scales[i]` in turn, and
    /// `extra` events at Dw 25 cm × each factor. Positions count from `firstPosition`.
    static func observations(_ protocolName: String, scales: [Double] = [1], extra: [Double] = [], firstPosition: Int = 1) throws
        -> [[ProtocolChange.Observation]]
    {
        var records: [ExamRecord] = []
        for month in 1...3 {
            let dws = ProtocolChangeTests.dws
            records += try ProtocolChangeTests.named(protocolName, months: month...month).enumerated().map { index, record in
                var record = record
                let spiral = try #require(record.events.firstIndex { $0.acquisitionType == "spiral" })
                record.events[spiral].ctdiVol = 5 * exp(0.04 * dws[index]) * scales[index % scales.count]
                return record
            }
        }
        records += try extra.map { factor in
            var record = try #require(try ProtocolChangeTests.named(protocolName, months: 4...4).first)
            let spiral = try #require(record.events.firstIndex { $0.acquisitionType == "spiral" })
            record.events[spiral].ctdiVol = 5 * exp(0.04 * 25) * factor
            record.seriesMeasurements[0].meanWaterEquivalentDiameterCentimeters = 25
            return record
        }
        return records.enumerated().map { ProtocolChange.observations(of: $0.element, position: firstPosition + $0.offset) }
    }

    @Test func eventsTwiceOrHalfTheirProtocolsAtTheSameSizeAreFound() throws {
        var tally = DoseForSizeOutlier.Tally()
        let events = try Self.observations("Abdomen", extra: [2.5, 0.4, 1.8, 1 / 1.8])
        events.forEach { tally.add($0) }
        let outliers = tally.outliers
        #expect(outliers.count == 2, "\(outliers)")
        let expected = 5 * exp(0.04 * 25)
        // The farthest first: |ln 2.5| = |ln 0.4|, then by position (the ×2.5 event is the 37th).
        #expect(outliers.map(\.examPosition) == [37, 38])
        for (outlier, factor) in zip(outliers, [2.5, 0.4]) {
            #expect(abs(outlier.ratio - factor) < 1e-5 && abs(outlier.expectedCTDIvolMilligray - expected) / expected < 1e-5)
            #expect(abs(outlier.ctdiVolMilligray - expected * factor) / (expected * factor) < 1e-6)
            #expect(outlier.dwCentimeters == 25 && outlier.groupEvents == 40 && outlier.acquisitionProtocol == "Abdomen")
            #expect(abs(outlier.spreadFactor - 1) < 1e-5)  // every other residual is 0
            #expect(outlier.eventIndex == 1)  // the spiral, after the localizer
        }
        var strict = DoseForSizeOutlier.Settings()
        strict.ratio = 3
        var fewer = DoseForSizeOutlier.Tally(settings: strict)
        events.forEach { fewer.add($0) }
        #expect(fewer.outliers.isEmpty)
    }

    @Test func aProtocolThatSpreadsWidelyKeepsItsEvents() throws {
        var tally = DoseForSizeOutlier.Tally()
        try Self.observations("Trauma", scales: [1.5, 1 / 1.5], extra: [2.5, 0.4]).forEach { tally.add($0) }
        #expect(tally.outliers.isEmpty)
    }

    @Test func tooFewEventsForAFitGiveNothing() throws {
        var tally = DoseForSizeOutlier.Tally()
        // Nine events (a fit needs ten): even a ×10 one is not judged.
        let nine = try Self.observations("Sinus").flatMap { $0 }.prefix(8) + (try Self.observations("Sinus", extra: [10]).last ?? [])
        tally.add(Array(nine))
        #expect(tally.outliers.isEmpty)
    }

    @Test func theReportListsThemFarthestFirst() throws {
        let csv = """
            studyInstanceUID,studyDate,irradiationEventUID,scanner,acquisitionProtocol,waterEquivalentDiameter_cm,ctdiVol_mGy,expectedCtdiVol_mGy,ratio,spreadFactor,groupEvents
            2.25.37,20260415,2.25.1,ctdose SIM1,Abdomen,25.0000,34.9039,13.9616,2.5000,1.0000,40

            """
        var list = DoseOutlierList()
        CSVDocument(parsing: csv).namedRows.forEach { list.add($0) }
        let html = DoseOutlierSection.html(list)
        #expect(html.contains("id=\"dose-outlier-table\"") && html.contains("<p>1 event.</p>"))
        #expect(html.contains("<td>20260415</td><td>ctdose SIM1</td><td>Abdomen</td>"), "\(html)")
        #expect(html.contains(">2.50<") && html.contains(">34.90<") && html.contains(">13.96<"))
        #expect(DoseOutlierSection.html(DoseOutlierList()).contains("No outlier"))
        #expect(DoseOutlierSection.html(nil).contains("no dose-outliers.csv"))
    }
}
