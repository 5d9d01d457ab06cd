import ArchiveScan
import Foundation
import Testing
@testable import ScanReport

/// "CTDIvol and noise against size": fits recovered exactly from events made to follow
/// CTDIvol = 5 mGy · e^(0.04 Dw) and noise = 8 + 0.1 Dw HU (Dw 20 to 42 cm), truncated and localizer
/// events left out, and no fit below the minimum number of events.
@Suite struct ModulationSectionTests {
    static func records(dws: [Double], truncatedToo: Bool = false) throws -> [ExamRecord] {
        let sample = try CentringSectionTests.sampleRecord()
        let spiral = try #require(sample.events.firstIndex { $0.acquisitionType == "spiral" })
        return dws.map { dw in
            var record = sample
            record.events[spiral].ctdiVol = 5 * exp(0.04 * dw)
            record.seriesMeasurements[0].meanWaterEquivalentDiameterCentimeters = dw
            record.seriesMeasurements[0].globalNoiseTissueHounsfield = 8 + 0.1 * dw
            record.seriesMeasurements[0].midScanTruncated = truncatedToo
            return record
        }
    }

    @Test func exactFitsOfAnExponentialModulation() throws {
        let dws = stride(from: 20.0, through: 42, by: 2).map { $0 }  // 12 events, mean 31 cm
        var tally = ModulationResponse.Tally()
        for record in try Self.records(dws: dws) + Self.records(dws: [60], truncatedToo: true) { tally.add(record) }
        let response = try #require(tally.responses.first)
        #expect(tally.responses.count == 1)
        #expect(response.eventCount == 12 && response.noiseEventCount == 12)  // not the localizer, not the truncated one
        #expect(response.dwRangeCentimeters == 20...42 && abs(response.meanDwCentimeters - 31) < 1e-12)
        #expect(abs(try #require(response.ctdiVolChangePerCentimeter) - (exp(0.04) - 1)) < 1e-9)
        #expect(abs(try #require(response.ctdiVolRSquared) - 1) < 1e-9)
        #expect(abs(try #require(response.ctdiVolAtMeanDwMilligray) - 5 * exp(0.04 * 31)) < 1e-9)
        #expect(abs(try #require(response.noiseSlopeHounsfieldPerCentimeter) - 0.1) < 1e-9)
        let html = ModulationSection.html(tally.responses)
        #expect(html.contains("id=\"modulation-table\"") && html.contains("<td>20.0–42.0</td>"))
        #expect(html.contains(">4.1<"))  // e^0.04 − 1 = 4.08 %
        // Its chart: the 12 events and the fitted curve through them.
        #expect(response.points.count == 12)
        let fit = try #require(response.ctdiVolFit)
        #expect(abs(fit.slope - 0.04) < 1e-9 && abs(fit.intercept - log(5)) < 1e-9)
        #expect(html.contains("id=\"modulation-chart-1\"") && html.components(separatedBy: "role=\"img\"").count == 2)
        #expect(html.contains("e^(0.040 / cm × (Dw − 31.0 cm)), R² 1.00."))
    }

    @Test func chartsDrawAFixedSampleOfManyEvents() throws {
        // 200 events (Dw 20 to 39.9 cm): 150 drawn, the same ones whatever order the exams come in.
        var records = try Self.records(dws: (0..<200).map { 20 + Double($0) / 10 })
        for index in records.indices {
            let spiral = records[index].events.firstIndex { $0.acquisitionType == "spiral" }!
            records[index].events[spiral].irradiationEventUID = "2.25.\(index)"
        }
        var forward = ModulationResponse.Tally(), backward = ModulationResponse.Tally()
        records.forEach { forward.add($0) }
        records.reversed().forEach { backward.add($0) }
        let drawn = try #require(forward.responses.first?.points)
        #expect(drawn.count == ModulationResponse.chartPointLimit)
        #expect(Set(drawn.map(\.dwCentimeters)) == Set(try #require(backward.responses.first?.points).map(\.dwCentimeters)))
        #expect(ModulationSection.html(forward.responses).contains("events (150 of 200 drawn)"))
    }

    @Test func noFitBelowTheMinimumOrOverANarrowRange() throws {
        var few = ModulationResponse.Tally()
        for record in try Self.records(dws: (0..<9).map { 20 + Double($0) }) { few.add(record) }
        #expect(few.responses.first?.eventCount == 9 && few.responses.first?.ctdiVolChangePerCentimeter == nil)
        var narrow = ModulationResponse.Tally()
        for record in try Self.records(dws: (0..<12).map { 30 + Double($0) * 0.3 }) { narrow.add(record) }  // 3.3 cm
        #expect(narrow.responses.first?.eventCount == 12 && narrow.responses.first?.ctdiVolChangePerCentimeter == nil)
        // The sample exam alone: one event, listed without a fit.
        let sample = SampleReportTests.content.modulation
        #expect(sample.count == 1 && sample.first?.eventCount == 1 && sample.first?.ctdiVolRSquared == nil)
        #expect(ModulationSection.html(sample).contains("<td class=\"num\">–</td>"))
        #expect(ModulationSection.html([]).contains("No diagnostic event has a CTDIvol and a measured series."))
    }
}
