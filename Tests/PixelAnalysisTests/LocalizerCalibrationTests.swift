import Foundation
import Testing
@testable import PixelAnalysis

/// Localizer water-equivalent diameter, calibrated on axial slices: analytic elliptic water phantoms
/// whose semi-axes change along z, projected as the localizer would (values = vendor scale × water path
/// length + background), so the exact Dw at every z is 2√(a·b).
struct LocalizerWaterEquivalentTests {
    /// Semi-axes (mm) at z: lateral a, AP b.
    static func semiAxes(_ z: Double) -> (a: Double, b: Double) { (140 + 0.3 * z, 100 + 0.15 * z) }
    static func exactDw(_ z: Double) -> Double { let (a, b) = semiAxes(z); return 2 * (a * b).squareRoot() / 10 }

    /// Rows from z = +100 (row 0) to −100 mm, 1 mm apart; columns 600 pixels of `spacing` mm centred on 0.
    /// Frontal: a row runs along x and each pixel holds the AP chord; lateral: along y, the lateral chord.
    /// `magnification`: the shadow's width at the stated pixel spacing over the true width (a patient
    /// off the isocentre in a fan beam).
    static func localizer(frontal: Bool, spacing: Double = 1, scale: Float = 2.5, background: Float = 7,
                          magnification: Double = 1) -> LocalizerImage {
        let rows = 201, columns = 600
        var values = [Float](repeating: background, count: rows * columns)
        for r in 0..<rows {
            let (a, b) = semiAxes(100 - Double(r))
            let (across, along) = frontal ? (a, b) : (b, a)  // half-width along the row, half-depth along the ray
            for c in 0..<columns {
                let u = ((Double(c) - Double(columns - 1) / 2) * spacing) / (across * magnification)
                guard abs(u) < 1 else { continue }
                values[r * columns + c] += scale * Float(2 * along * (1 - u * u).squareRoot())
            }
        }
        let row: (x: Double, y: Double, z: Double) = frontal ? (1, 0, 0) : (0, 1, 0)
        return LocalizerImage(rows: rows, columns: columns, values: values, rowSpacingMillimeters: 1, columnSpacingMillimeters: spacing,
                              rowDirection: row, columnDirection: (0, 0, -1),
                              originMillimeters: (-Double(columns - 1) / 2 * spacing, 0, 100))
    }

    /// An axial slice at z as the slices would measure it: exact Dw, AP 2b and LAT 2a.
    static func slice(z: Double, dw: Double, truncated: Bool = false) -> SliceSize {
        let (a, b) = semiAxes(z)
        return SliceSize(zMillimeters: z, areaSquareCentimeters: 0, areaEquivalentDiameterCentimeters: dw, waterEquivalentDiameterCentimeters: dw,
                         apCentimeters: 2 * b / 10, lateralCentimeters: 2 * a / 10, truncated: truncated, truncatedOutlineFraction: truncated ? 0.2 : 0)
    }

    @Test(arguments: [true, false])
    func calibratedDwMatchesTheExactDiameterAtMidScan(frontal: Bool) throws {
        let image = Self.localizer(frontal: frontal)
        // Axial slices every 20 mm; the mid-scan one (z = 0) is truncated, its Dw far too small.
        let slices = stride(from: -80.0, through: 80, by: 20).map { z in
            z == 0 ? Self.slice(z: z, dw: 0.8 * Self.exactDw(z), truncated: true) : Self.slice(z: z, dw: Self.exactDw(z))
        }
        let measured = try #require(LocalizerMeasurement.measure(image, atZ: 0, calibratingOn: slices))
        let dw = try #require(measured.waterEquivalentDiameterCentimeters, "\(measured.waterEquivalentMethod ?? "")")
        #expect(abs(dw / Self.exactDw(0) - 1) < 0.005, "localizer Dw \(dw) cm, exact \(Self.exactDw(0)) cm")
        #expect(measured.waterEquivalentMethod?.hasPrefix("localizer profile integral calibrated on 8 non-truncated axial slices") == true)
        // The width is the other check: 2a (frontal) or 2b (lateral) at z = 0, short by the chord's edges
        // below 10 % of its peak (|u| > 0.995: 0.5 % of the width) and by up to one pixel.
        let (a, b) = Self.semiAxes(0)
        let width = 2 * (frontal ? a : b)
        #expect(abs(measured.widthCentimeters * 10 - width) <= 0.005 * width + 1)
    }

    /// A localizer 6 % magnified (frontal) or 4 % reduced (lateral): the width at the mid-scan z is
    /// divided by its median ratio to the axial slices and is the true 2a (2b) again, as is the
    /// calibrated Dw; the ratio absorbs the 0.5 % the 10 % edge threshold takes off (1 mm pixels).
    @Test(arguments: [(true, 1.06), (false, 0.96)])
    func widthIsScaledToTheAxialSlices(frontal: Bool, magnification: Double) throws {
        let image = Self.localizer(frontal: frontal, magnification: magnification)
        let slices = stride(from: -80.0, through: 80, by: 20).map { Self.slice(z: $0, dw: Self.exactDw($0), truncated: $0 == 0) }
        let measured = try #require(LocalizerMeasurement.measure(image, atZ: 0, calibratingOn: slices))
        let (a, b) = Self.semiAxes(0)
        let width = 2 * (frontal ? a : b) / 10
        #expect(measured.widthAgreesWithAxialSlices == true)
        // Within 1.5 pixels (0.15 cm): the mid-scan row's width and the ratios are whole pixels.
        #expect(abs(measured.widthCentimeters - width) <= 0.15, "\(measured.widthCentimeters) cm, true \(width) cm")
        #expect(abs(try #require(measured.unscaledWidthCentimeters) / (width * magnification) - 1) < 0.01)
        let effective = frontal ? AAPM204Conversion.fromLateral(measured.widthCentimeters) : AAPM204Conversion.fromAP(measured.widthCentimeters)
        #expect(measured.effectiveDiameterCentimeters == effective)
        #expect(measured.method.contains("median ratio to the axial \(frontal ? "LAT" : "AP") of 8 slices"))
        #expect(abs(try #require(measured.waterEquivalentDiameterCentimeters) / Self.exactDw(0) - 1) < 0.005)
    }

    /// A localizer that shows the patient at half its width (a display-processed image, a phantom
    /// shell) disagrees with the slices: its width is kept but marked as not to be used.
    @Test func aWidthFarFromTheAxialSlicesIsMarkedNotUsed() throws {
        let image = Self.localizer(frontal: true, magnification: 0.5)
        let slices = stride(from: -80.0, through: 80, by: 20).map { Self.slice(z: $0, dw: Self.exactDw($0)) }
        let measured = try #require(LocalizerMeasurement.measure(image, atZ: 0, calibratingOn: slices))
        #expect(measured.widthAgreesWithAxialSlices == false)
        #expect(measured.unscaledWidthCentimeters == nil)
        #expect(measured.method.contains("not used: the width is 0.50 times the axial LAT of 9 slices"))
        // Without slices the width cannot be checked and is used as measured.
        let alone = try #require(LocalizerMeasurement.measure(image, atZ: 0, calibratingOn: []))
        #expect(alone.widthAgreesWithAxialSlices == nil)
        #expect(alone.method.hasSuffix("width not checked: 0 non-truncated axial slice(s) on the localizer, 3 needed"))
    }

    @Test func theProfileIntegralIsTheScaledWaterArea() throws {
        // Σ (value − background) · pixel width = scale · π·a·b, whatever the pixel size.
        for spacing in [0.7, 1.0] {
            let measured = try #require(LocalizerMeasurement.measure(Self.localizer(frontal: true, spacing: spacing), atZ: 40))
            let (a, b) = Self.semiAxes(40)
            #expect(abs(try #require(measured.profileIntegral) / (2.5 * Double.pi * a * b) - 1) < 0.002)
        }
    }

    @Test func tooFewOrInconsistentSlicesGiveTheReasonInsteadOfADiameter() throws {
        let image = Self.localizer(frontal: true)
        let two = [Self.slice(z: -40, dw: Self.exactDw(-40)), Self.slice(z: 40, dw: Self.exactDw(40)), Self.slice(z: 60, dw: 20, truncated: true)]
        let few = try #require(LocalizerMeasurement.measure(image, atZ: 0, calibratingOn: two))
        #expect(few.waterEquivalentDiameterCentimeters == nil)
        #expect(few.waterEquivalentMethod == LocalizerWaterEquivalent.Refusal.tooFewSlices(2).description)
        // Slices whose Dw disagree with the localizer by ±25 %: the ratios spread far beyond 10 %.
        let inconsistent = [-60.0, -20, 20, 60].enumerated().map { i, z in Self.slice(z: z, dw: Self.exactDw(z) * (i % 2 == 0 ? 1.25 : 0.75)) }
        let spread = try #require(LocalizerMeasurement.measure(image, atZ: 0, calibratingOn: inconsistent))
        #expect(spread.waterEquivalentDiameterCentimeters == nil)
        #expect(spread.waterEquivalentMethod?.hasPrefix("no localizer Dw: the 4 calibration slices' ratios spread") == true)
    }

    @Test func calibrationIsTheMedianRatioWithItsSpread() throws {
        // Ratios π(10·Dw)²/4 / integral of 1.0, 1.1 and 0.95: median 1.0, spread = sd/mean.
        let pairs = [1.0, 1.1, 0.95].map { ratio in
            LocalizerWaterEquivalent.Pair(waterEquivalentDiameterCentimeters: 30, profileIntegral: Double.pi * 300 * 300 / 4 / ratio)
        }
        let calibration = try LocalizerWaterEquivalent.calibrate(pairs).get()
        #expect(abs(calibration.areaPerProfileIntegral - 1.0) < 1e-12)
        let mean = (1.0 + 1.1 + 0.95) / 3
        let sd = ([1.0, 1.1, 0.95].map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
        #expect(abs(calibration.spread - sd / mean) < 1e-12)
        // Dw of a row: Aw = 1.0 · integral; an integral of π·150² gives Dw = 30 cm.
        #expect(abs(LocalizerWaterEquivalent.diameterCentimeters(profileIntegral: Double.pi * 22_500, calibration: calibration)! - 30) < 1e-9)
        #expect(LocalizerWaterEquivalent.diameterCentimeters(profileIntegral: 0, calibration: calibration) == nil)
    }
}

/// Corrupt localizers give no number that JSON could not hold.
struct LocalizerWaterEquivalentLimitTests {
    @Test func hugeValuesGiveNoInfiniteIntegralOrDiameter() throws {
        // A band of 2e38 over −1e37 (a corrupt rescale): each difference is near Float's limit, the sum
        // stays finite in Double; a larger contrast already gives no measurement (its threshold overflows).
        var values = [Float](repeating: -1e37, count: 10 * 100)
        for r in 0..<10 { for c in 30..<70 { values[r * 100 + c] = 2e38 } }
        let image = LocalizerImage(rows: 10, columns: 100, values: values, rowSpacingMillimeters: 1, columnSpacingMillimeters: 1,
                                   rowDirection: (1, 0, 0), columnDirection: (0, 0, -1), originMillimeters: (-50, 0, 5))
        let measured = try #require(LocalizerMeasurement.measure(image, atZ: 0))
        #expect(abs(try #require(measured.profileIntegral) / (40 * 2.1e38) - 1) < 1e-6)
        values = values.map { $0 == 2e38 ? 3.4e38 : $0 }
        #expect(LocalizerMeasurement.measure(LocalizerImage(
            rows: 10, columns: 100, values: values, rowSpacingMillimeters: 1, columnSpacingMillimeters: 1,
            rowDirection: (1, 0, 0), columnDirection: (0, 0, -1), originMillimeters: (-50, 0, 5)), atZ: 0) == nil)
        let calibration = LocalizerCalibration(areaPerProfileIntegral: 1e300, sliceCount: 3, spread: 0)
        #expect(LocalizerWaterEquivalent.diameterCentimeters(profileIntegral: 1e300, calibration: calibration) == nil)
    }
}
