import ArchiveScan
import CSVFormat
import Foundation
import ScratchFolders
import Testing

/// events.csv gives each event the water-equivalent diameter and SSDE of its diagnostic series: for the
/// sample exam's spiral, its water ellipse (Dw exactly 2·√(16·12) = 27.7128 cm, TestData/sample-exam/README.md)
/// and CTDIvol 12.5 mGy × AAPM 204's f(Dw) = 3.704369·e^(−0.03671937·Dw) for the 32 cm phantom; the
/// localizer, without a measured series, has neither; and its global noise, the water's σ.
struct EventSizeColumnsTests {
    @Test func eachEventHasItsDiagnosticSeriesDwAndSSDE() throws {
        let out = ScratchFolder.path("event-size")
        let result = ArchiveScanner(jobs: 2).scan([StoreFixture.sampleExam])
        try ScanOutputWriter(folder: out, pseudonymizer: .identity).write(result)
        let events = CSVDocument(parsing: try String(contentsOfFile: out + "/events.csv", encoding: .utf8)).namedRows
        #expect(events.map { $0["acquisitionType"] } == ["constantAngle", "spiral"])
        #expect(events[0]["waterEquivalentDiameter_cm"].isEmpty && events[0]["ssde_mGy"].isEmpty && events[0]["globalNoise_hu"].isEmpty)
        let exactDw = 2 * (16.0 * 12).squareRoot()
        let dw = try #require(events[1].number("waterEquivalentDiameter_cm"))
        #expect(abs(dw / exactDw - 1) < 0.005, "\(dw)")
        let ssde = try #require(events[1].number("ssde_mGy"))
        let expected = 12.5 * 3.704369 * exp(-0.03671937 * exactDw)
        #expect(abs(ssde / expected - 1) < 0.005, "\(ssde) against \(expected)")
        // Its global noise: the water's, σ = 10.016 HU in the stored pixels (the sample's README), within 5 %.
        let noise = try #require(events[1].number("globalNoise_hu"))
        #expect(abs(noise / 10.016 - 1) < 0.05, "\(noise)")
    }
}
