import Foundation
import Testing
@testable import PixelAnalysis

@Suite struct PatientSizeTests {
    private func size(_ phantom: SyntheticPhantom, seed: UInt64 = 1) -> SliceSize {
        let slice = phantom.slice(seed: seed)
        return SliceSizeMeasurement.measure(slice, outline: PatientSegmentation.segment(slice))
    }

    @Test(arguments: [16.0, 32.0]) func waterCylinder(diameterCentimeters d: Double) {
        // Water (0 HU) in air: area π(d/2)², and Dw = area-equivalent diameter = AP = LAT = d.
        let s = size(SyntheticPhantom(lateralCentimeters: d, apCentimeters: d))
        #expect(relativeError(s.areaSquareCentimeters, Double.pi * d * d / 4) < 0.005)
        #expect(relativeError(s.waterEquivalentDiameterCentimeters, d) < 0.005)
        #expect(relativeError(s.areaEquivalentDiameterCentimeters, d) < 0.005)
        #expect(relativeError(s.apCentimeters, d) < 0.005)
        #expect(relativeError(s.lateralCentimeters, d) < 0.005)
        #expect(!s.truncated)
    }

    @Test func ellipseDiameters() {
        // 36 × 26 cm water ellipse: area π·18·13, Dw = 2√(18·13) = 30.594 cm, √(AP·LAT) = 30.594 cm,
        // (AP+LAT)/2 = 31 cm; AAPM 204 sum fit −0.203128 + 0.4958912·62 = 30.5422 cm.
        let s = size(SyntheticPhantom(lateralCentimeters: 36, apCentimeters: 26))
        let exact = 2 * (18.0 * 13.0).squareRoot()
        #expect(relativeError(s.waterEquivalentDiameterCentimeters, exact) < 0.005)
        #expect(relativeError(s.areaEquivalentDiameterCentimeters, exact) < 0.005)
        #expect(relativeError(s.geometricMeanDiameterCentimeters, exact) < 0.005)
        #expect(relativeError(s.arithmeticMeanDiameterCentimeters, 31) < 0.005)
        #expect(relativeError(s.effectiveDiameterFromSumCentimeters, -0.203128 + 0.4958912 * 62) < 0.005)
        #expect(relativeError(s.lateralCentimeters, 36) < 0.005)
        #expect(relativeError(s.apCentimeters, 26) < 0.005)
    }

    @Test func waterEquivalentDiameterWeightsByAttenuation() {
        // A 32 cm cylinder of +100 HU: Aw = 1.1 × area, so Dw = 32·√1.1 = 33.5619 cm, area-equivalent still 32.
        let s = size(SyntheticPhantom(lateralCentimeters: 32, apCentimeters: 32, insideHounsfield: 100))
        #expect(relativeError(s.waterEquivalentDiameterCentimeters, 32 * 1.1.squareRoot()) < 0.005)
        #expect(relativeError(s.areaEquivalentDiameterCentimeters, 32) < 0.005)
    }

    @Test(arguments: [20.0, 0.0]) func couchIsExcluded(gapMillimeters: Double) {
        // A 10 mm, +250 HU couch plate below the ellipse, separated by a gap or touching it.
        var phantom = SyntheticPhantom(lateralCentimeters: 36, apCentimeters: 26)
        phantom.couch = (gapMillimeters, 10, 250)
        let s = size(phantom)
        let exact = 2 * (18.0 * 13.0).squareRoot()
        #expect(relativeError(s.waterEquivalentDiameterCentimeters, exact) < 0.005)
        #expect(relativeError(s.apCentimeters, 26) < 0.005)
        #expect(relativeError(s.lateralCentimeters, 36) < 0.005)
    }

    @Test func noisyEllipseOnCouch() {
        var phantom = SyntheticPhantom(lateralCentimeters: 36, apCentimeters: 26)
        phantom.couch = (20, 10, 250)
        phantom.noiseSigma = 20
        let s = size(phantom, seed: 7)
        #expect(relativeError(s.waterEquivalentDiameterCentimeters, 2 * (18.0 * 13.0).squareRoot()) < 0.005)
        #expect(relativeError(s.areaEquivalentDiameterCentimeters, 2 * (18.0 * 13.0).squareRoot()) < 0.005)
    }

    @Test func truncatedAtFieldOfView() {
        // A 50 cm wide patient in a 38 cm reconstruction circle: touches the circle on both sides.
        var phantom = SyntheticPhantom(lateralCentimeters: 50, apCentimeters: 26)
        phantom.fieldOfViewMillimeters = 380
        let s = size(phantom)
        #expect(s.truncated)
        #expect(s.truncatedOutlineFraction > 0.1 && s.truncatedOutlineFraction < 0.9)
        #expect(s.lateralCentimeters < 38.1)  // only what is inside the field is measured
        let inside = size(SyntheticPhantom(lateralCentimeters: 30, apCentimeters: 20, fieldOfViewMillimeters: 380))
        #expect(!inside.truncated)
        #expect(inside.truncatedOutlineFraction == 0)
    }

    @Test func apAndLateralFollowImageOrientation() {
        // The same 36 × 26 ellipse, but the image rows run along patient y and columns along x
        // (transposed orientation): LAT must still be 36 and AP 26.
        let phantom = SyntheticPhantom(lateralCentimeters: 26, apCentimeters: 36)  // as drawn on the grid
        let slice = phantom.slice(rowDirection: (0, 1, 0), columnDirection: (1, 0, 0))
        let s = SliceSizeMeasurement.measure(slice, outline: PatientSegmentation.segment(slice))
        #expect(relativeError(s.lateralCentimeters, 36) < 0.005)
        #expect(relativeError(s.apCentimeters, 26) < 0.005)
    }

    @Test func tiltedGantryMeasuresTrueAP() {
        // A 20° gantry tilt cuts a z-aligned elliptic cylinder (LAT 36, AP 26) obliquely: in the image
        // plane the AP semi-axis is 13/cos 20°. Projected onto patient y the AP extent is 26 again.
        let tilt = 20 * Double.pi / 180
        let phantom = SyntheticPhantom(lateralCentimeters: 36, apCentimeters: 26 / cos(tilt))
        let slice = phantom.slice(rowDirection: (1, 0, 0), columnDirection: (0, cos(tilt), -sin(tilt)))
        let s = SliceSizeMeasurement.measure(slice, outline: PatientSegmentation.segment(slice))
        #expect(relativeError(s.apCentimeters, 26) < 0.005)
        #expect(relativeError(s.lateralCentimeters, 36) < 0.005)
    }

    @Test func aapm204SingleDimensionConversions() {
        // Hand-computed from the ACR DIR / AAPM 204 fits at AP 25 cm, LAT 35 cm.
        #expect(abs(AAPM204Conversion.fromSum(ap: 25, lateral: 35) - (-0.203128 + 0.4958912 * 60)) < 1e-12)  // 29.55034
        #expect(abs(AAPM204Conversion.fromAP(25) - 29.68002) < 0.0001)  // −3.744858 + 41.79335 − 8.368469
        #expect(abs(AAPM204Conversion.fromLateral(35) - 29.5696) < 0.001)  // 5.899298 + 11.44673 + 12.22415
    }
}
