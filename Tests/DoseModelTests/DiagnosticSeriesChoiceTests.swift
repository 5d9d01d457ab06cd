import Testing
@testable import DoseModel

@Suite struct DiagnosticSeriesChoiceTests {
    private func series(_ uid: String, kernel: String?, thickness: Double, images: Int = 40, original: Bool = true,
                        description: String? = nil, axial: Bool = true) -> SeriesSummary {
        var s = SeriesSummary(seriesInstanceUID: uid, imageCount: images, isLocalizer: false, isAxial: axial, isOriginal: original)
        s.convolutionKernel = kernel
        s.sliceThicknessMillimeters = thickness
        s.seriesDescription = description
        return s
    }

    @Test func softTissueKernelBeatsSharpAtEqualThickness() throws {
        let choice = try #require(DiagnosticSeriesPolicy().choose([
            series("lung", kernel: "B70f", thickness: 5), series("soft", kernel: "B30f", thickness: 5),
        ]))
        #expect(choice.series.seriesInstanceUID == "soft")
        #expect(choice.reason.contains("soft-tissue kernel 'B30f'"))
    }

    @Test func originalBeatsReformatAndThickerBeatsThinner() throws {
        let policy = DiagnosticSeriesPolicy()
        #expect(policy.choose([series("thin", kernel: "STANDARD", thickness: 1.25, images: 300),
                               series("thick", kernel: "STANDARD", thickness: 5, images: 60)])?.series.seriesInstanceUID == "thick")
        #expect(policy.choose([series("mpr", kernel: "STANDARD", thickness: 5, description: "COR MPR"),
                               series("axial", kernel: "STANDARD", thickness: 2)])?.series.seriesInstanceUID == "axial")
        #expect(policy.choose([series("derived", kernel: "STANDARD", thickness: 5, original: false),
                               series("original", kernel: "BONE", thickness: 1)])?.series.seriesInstanceUID == "original")
        #expect(policy.choose([series("coronal", kernel: "STANDARD", thickness: 5, axial: false)]) == nil)
    }

    @Test func kernelTokensMatchAsDocumented() {
        let policy = DiagnosticSeriesPolicy()
        #expect(policy.kernelClass("FC13") == .softTissue)
        #expect(policy.kernelClass("YC") == .sharp)        // Philips two-letter kernel must equal a token
        #expect(policy.kernelClass("BONEPLUS") == .sharp)  // longer keyword starts a token
        #expect(policy.kernelClass("XYZ") == .unrecognised)
        #expect(policy.kernelClass(nil) == .unrecognised)
    }
}
