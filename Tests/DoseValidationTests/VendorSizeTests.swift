import Testing
@testable import DoseModel
@testable import DoseValidation

@Suite struct VendorSizeTests {
    private func exam(vendorDwMillimeters: Double?, vendorSSDE: Double?, headerDwMillimeters: Double? = nil) -> Exam {
        var event = Fixture.event("e1", ctdi: 10, dlp: 300)
        var size = VendorSizeEstimate()
        size.waterEquivalentDiameterMillimeters = vendorDwMillimeters
        size.ssdeMilligray = vendorSSDE
        event.vendorSize = size
        var series = Fixture.series("s1", linkedTo: "e1")
        series.vendorWaterEquivalentDiameterMillimeters = headerDwMillimeters
        return Fixture.exam([Fixture.examEvent(event, series: ["s1"], diagnostic: "s1")], series: [series])
    }

    private let measured = [MeasuredSize(seriesInstanceUID: "s1", waterEquivalentDiameterCentimeters: 28, ssdeMilligray: 13.2)]

    @Test func vendorValuesWithinTenPercentPass() {
        let e = exam(vendorDwMillimeters: 290, vendorSSDE: 13.8, headerDwMillimeters: 275)
        #expect(Fixture.findings(.vendorDwMismatch, e, sizes: measured).isEmpty)
        #expect(Fixture.findings(.vendorSSDEMismatch, e, sizes: measured).isEmpty)
    }

    @Test func eventDwOutsideTenPercent() throws {
        let finding = try #require(Fixture.findings(.vendorDwMismatch, exam(vendorDwMillimeters: 340, vendorSSDE: nil), sizes: measured).first)
        #expect(finding.expected == "28 cm")
        #expect(finding.actual == "34 cm")
        #expect(finding.irradiationEventUID == "e1")
        #expect(finding.seriesInstanceUID == "s1")
    }

    @Test func headerDwOutsideTenPercent() {
        let findings = Fixture.findings(.vendorDwMismatch, exam(vendorDwMillimeters: nil, vendorSSDE: nil, headerDwMillimeters: 200),
                                        sizes: measured)
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("(0018,1271)") == true)
    }

    @Test func ssdeOutsideTenPercent() {
        let findings = Fixture.findings(.vendorSSDEMismatch, exam(vendorDwMillimeters: nil, vendorSSDE: 18), sizes: measured)
        #expect(findings.first?.expected == "13.2 mGy")
        #expect(findings.first?.actual == "18 mGy")
    }

    @Test func nothingToCompareWithoutAMeasurement() {
        #expect(Fixture.findings(.vendorSSDEMismatch, exam(vendorDwMillimeters: 500, vendorSSDE: 99)).isEmpty)
    }
}
