import Foundation
import Testing
@testable import PixelAnalysis

@Suite struct NoiseAndProfileTests {
    @Test(arguments: [(10.0, 0.8), (25.0, 0.7)]) func tissueAndAirNoiseMatchSigma(sigma: Double, spacing: Double) {
        // Water ellipse and the air around it, both with Gaussian noise σ: the local-SD mode must be σ
        // within 5 % (the mode of the sample SD of n ≥ 49 pixels is ≈ σ·√((n−2)/(n−1)) ≥ 0.989σ).
        var phantom = SyntheticPhantom(lateralCentimeters: 30, apCentimeters: 22)
        phantom.spacingMillimeters = spacing
        phantom.noiseSigma = sigma
        let slice = phantom.slice(seed: 42)
        let outline = PatientSegmentation.segment(slice)
        let noise = GlobalNoise.measure(slice, body: outline.body)
        let tissue = try! #require(noise.tissueHounsfield)
        let air = try! #require(noise.airHounsfield)
        #expect(relativeError(tissue, sigma) < 0.05)
        #expect(relativeError(air, sigma) < 0.05)
        // 6 mm kernel, odd pixel count: 0.8 mm → 7.5 rounds to 8 → 9; 0.7 mm → 8.57 rounds to 9.
        #expect(noise.kernelPixels == 9)
    }

    @Test func kernelSizeIsOddAndNearSixMillimeters() {
        let settings = GlobalNoiseSettings()
        #expect(settings.kernelPixels(spacingMillimeters: 1.0) == 7)   // 6 px → 7
        #expect(settings.kernelPixels(spacingMillimeters: 0.5) == 13)  // 12 px → 13
        #expect(settings.kernelPixels(spacingMillimeters: 1.2) == 5)   // 5 px
        #expect(settings.kernelPixels(spacingMillimeters: 3.0) == 3)   // minimum
    }

    @Test func noNoiseValueWithoutTissue() {
        // A −200 HU object (outside the 0–100 HU tissue window) gives no tissue value.
        let slice = SyntheticPhantom(lateralCentimeters: 30, apCentimeters: 22, insideHounsfield: -200, noiseSigma: 5).slice()
        let noise = GlobalNoise.measure(slice, body: PatientSegmentation.segment(slice).body)
        #expect(noise.tissueHounsfield == nil)
        #expect(noise.airHounsfield != nil)
    }

    private func size(z: Double, dw: Double) -> SliceSize {
        SliceSize(zMillimeters: z, areaSquareCentimeters: 0, areaEquivalentDiameterCentimeters: dw,
                  waterEquivalentDiameterCentimeters: dw, apCentimeters: 0, lateralCentimeters: 0, truncated: false,
                  truncatedOutlineFraction: 0)
    }

    @Test func midScanSliceAndLengthWeightedMean() {
        // z = 0, 10, 20, 40 mm: mid-range 20 mm → the slice at 20. Coverage: 10, 10, 15, 20 mm.
        // Dw 20, 22, 24, 30 → mean = (200 + 220 + 360 + 600) / 55 = 25.0909 cm.
        let profile = SeriesSizeProfile(slices: [size(z: 40, dw: 30), size(z: 0, dw: 20), size(z: 10, dw: 22), size(z: 20, dw: 24)])
        #expect(profile.midScan?.zMillimeters == 20)
        #expect(profile.midScanIndex == 2)
        #expect(abs(profile.meanWaterEquivalentDiameterCentimeters! - 1380.0 / 55) < 1e-9)
    }

    @Test func sliceSelectionPlans() {
        let z = [0.0, 5, 10, 15, 20, 25, 30]
        #expect(SliceSelection.all.indices(sortedZ: z) == [0, 1, 2, 3, 4, 5, 6])
        #expect(SliceSelection.midScanOnly.indices(sortedZ: z) == [3])
        #expect(SliceSelection.everyNth(4).indices(sortedZ: z) == [0, 3, 4])  // every 4th plus the mid-scan slice
        #expect(SliceSelection(parsing: "every:4") == .everyNth(4))
        #expect(SliceSelection(parsing: "every:0") == nil)
    }

    @Test func localizerWidthAtZ() {
        // Frontal localizer: rows along patient x, columns along −z. A 32 cm wide band of value 500 over
        // background 0 at every row; 1 mm spacing at the isocentre. LAT = 32 cm → AAPM 204 LAT fit.
        let columns = 500, rows = 200
        var values = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows { for c in 90..<410 { values[r * columns + c] = 500 } }
        let image = LocalizerImage(rows: rows, columns: columns, values: values, rowSpacingMillimeters: 1, columnSpacingMillimeters: 1,
                                   rowDirection: (1, 0, 0), columnDirection: (0, 0, -1), originMillimeters: (-250, 0, 100))
        #expect(image.projection == .frontal)
        let measured = try! #require(LocalizerMeasurement.measure(image, atZ: 0))  // row 100
        #expect(abs(measured.widthCentimeters - 32) < 1e-9)
        #expect(abs(measured.effectiveDiameterCentimeters - AAPM204Conversion.fromLateral(32)) < 1e-9)
        #expect(LocalizerMeasurement.measure(image, atZ: 500) == nil)  // outside the localizer
        // Spacing at the detector: SDD 1040, SOD 570 → width × 570/1040.
        let magnified = LocalizerImage(rows: rows, columns: columns, values: values, rowSpacingMillimeters: 1, columnSpacingMillimeters: 1,
                                       rowDirection: (1, 0, 0), columnDirection: (0, 0, -1), originMillimeters: (-250, 0, 100),
                                       sourceToDetectorMillimeters: 1040, sourceToPatientMillimeters: 570, spacingIsAtDetector: true)
        #expect(abs(LocalizerMeasurement.measure(magnified, atZ: 0)!.widthCentimeters - 32 * 570 / 1040) < 1e-9)
    }
}
