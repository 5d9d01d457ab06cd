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

    @Test func thicknessPreferenceRanksOtherwiseEqualSeries() throws {
        let candidates = [series("one", kernel: "B30f", thickness: 1), series("three", kernel: "B30f", thickness: 3),
                          series("five", kernel: "B30f", thickness: 5)]
        func chosen(_ preference: DiagnosticSeriesPolicy.ThicknessPreference) -> String? {
            DiagnosticSeriesPolicy(thickness: preference).choose(candidates)?.series.seriesInstanceUID
        }
        #expect(chosen(.thickest) == "five")
        #expect(chosen(.thinnest) == "one")
        #expect(chosen(.nearest(millimeters: 3)) == "three")
        #expect(chosen(.nearest(millimeters: 2.2)) == "three")  // 0.8 mm from 3 mm, 1.2 mm from 1 mm
        #expect(chosen(.nearest(millimeters: 1.9)) == "one")    // 0.9 mm from 1 mm, 1.1 mm from 3 mm
        let reason = try #require(DiagnosticSeriesPolicy(thickness: .thinnest).choose(candidates)?.reason)
        #expect(reason.contains("1.0 mm slices (thinnest preferred)"), "\(reason)")
        // A series without Slice Thickness comes after every series with one, whatever is preferred.
        var unknown = series("unknown", kernel: "B30f", thickness: 0)
        unknown.sliceThicknessMillimeters = nil
        #expect(DiagnosticSeriesPolicy(thickness: .thinnest).choose([unknown, candidates[2]])?.series.seriesInstanceUID == "five")
        // The kernel still ranks first: a sharp 3 mm series loses to a soft 5 mm one when 3 mm is preferred.
        let kernels = [series("sharp3", kernel: "B70f", thickness: 3), series("soft5", kernel: "B30f", thickness: 5)]
        #expect(DiagnosticSeriesPolicy(thickness: .nearest(millimeters: 3)).choose(kernels)?.series.seriesInstanceUID == "soft5")
    }

    @Test func thicknessPreferenceIsParsed() {
        #expect(DiagnosticSeriesPolicy.ThicknessPreference(parsing: "Thickest") == .thickest)
        #expect(DiagnosticSeriesPolicy.ThicknessPreference(parsing: "thinnest") == .thinnest)
        #expect(DiagnosticSeriesPolicy.ThicknessPreference(parsing: "2.5") == .nearest(millimeters: 2.5))
        for bad in ["0", "-3", "thick", "", "nan", "inf"] { #expect(DiagnosticSeriesPolicy.ThicknessPreference(parsing: bad) == nil, "\(bad)") }
    }

    @Test func aSiteKernelListReplacesTheDefaults() throws {
        // A photon-counting "Hr40" is not among the default words: the default list takes the B30f series;
        // a site that names Hr40 its soft-tissue kernel (and nothing else) gets the Hr40 series.
        let candidates = [series("hr40", kernel: "Hr40", thickness: 1), series("b30", kernel: "B30f", thickness: 5)]
        #expect(DiagnosticSeriesPolicy().choose(candidates)?.series.seriesInstanceUID == "b30")
        let site = DiagnosticSeriesPolicy(softTissueKernelKeywords: ["HR40"])
        let choice = try #require(site.choose(candidates))
        #expect(choice.series.seriesInstanceUID == "hr40" && choice.reason.contains("soft-tissue kernel 'Hr40'"))
    }
}
