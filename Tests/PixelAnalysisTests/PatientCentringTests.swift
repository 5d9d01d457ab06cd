import Foundation
import Testing
@testable import PixelAnalysis

/// The patient's centroid in patient coordinates and its offset from the isocentre, on analytic phantoms
/// whose centre is known exactly.
@Suite struct PatientCentringTests {
    private func size(_ slice: AxialSlice) -> SliceSize {
        SliceSizeMeasurement.measure(slice, outline: PatientSegmentation.segment(slice))
    }

    @Test func centroidOfAnOffCentreEllipseOnItsCouch() throws {
        // A 36 × 26 cm water ellipse centred at x = +15, y = +40 mm, on a couch 20 mm below it (removed).
        var phantom = SyntheticPhantom(lateralCentimeters: 36, apCentimeters: 26, centreOffsetMillimeters: (15, 40))
        phantom.couch = (20, 10, 250)
        phantom.noiseSigma = 20
        let slice = phantom.slice(seed: 3, positioned: true)
        let whole = size(slice)
        #expect(abs(try #require(whole.centroidXMillimeters) - 15) < 0.5)
        #expect(abs(try #require(whole.centroidYMillimeters) - 40) < 0.5)
        // Cropped to its content first (as the scan does): the same centroid.
        let cropped = size(slice.croppedToContent(thresholdHounsfield: -500, marginPixels: 40))
        #expect(abs(try #require(cropped.centroidXMillimeters) - 15) < 0.5)
        #expect(abs(try #require(cropped.centroidYMillimeters) - 40) < 0.5)
        // Supine with the isocentre at the origin: the centre lies 40 mm towards the back, i.e. below.
        let offset = CentringOffset(centroid: (cropped.centroidXMillimeters!, cropped.centroidYMillimeters!), isocentre: (0, 0), posture: .supine)
        #expect(abs(offset.verticalMillimeters - -40) < 0.5)
        #expect(abs(offset.lateralMillimeters - 15) < 0.5)
    }

    @Test func centroidFollowsImageOrientation() throws {
        // Rows along patient y, columns along x: the grid's column offset (+15) is a y offset, its row
        // offset (−12) an x offset (the ellipse, 36 cm along the rows, stays inside the 41 cm grid).
        let phantom = SyntheticPhantom(lateralCentimeters: 26, apCentimeters: 36, centreOffsetMillimeters: (15, -12))
        let s = size(phantom.slice(rowDirection: (0, 1, 0), columnDirection: (1, 0, 0), positioned: true))
        #expect(!s.truncated)
        #expect(abs(try #require(s.centroidXMillimeters) - -12) < 0.5)
        #expect(abs(try #require(s.centroidYMillimeters) - 15) < 0.5)
    }

    @Test func noCentroidWithoutImagePosition() {
        let s = size(SyntheticPhantom(lateralCentimeters: 32, apCentimeters: 32).slice())
        #expect(s.centroidXMillimeters == nil && s.centroidYMillimeters == nil)
    }

    @Test func offsetByPosture() {
        // Centroid 10 mm to the patient's left and 25 mm behind an isocentre at (0, 5): dx = 10, dy = 20.
        func offset(_ posture: TablePosture) -> CentringOffset {
            CentringOffset(centroid: (10, 25), isocentre: (0, 5), posture: posture)
        }
        #expect(offset(.supine) == CentringOffset(verticalMillimeters: -20, lateralMillimeters: 10))  // back down: behind is below
        #expect(offset(.prone) == CentringOffset(verticalMillimeters: 20, lateralMillimeters: 10))  // back up
        #expect(offset(.leftSideDown) == CentringOffset(verticalMillimeters: -10, lateralMillimeters: 20))  // left down
        #expect(offset(.rightSideDown) == CentringOffset(verticalMillimeters: 10, lateralMillimeters: 20))  // left up
    }

    @Test func postureFromPatientPosition() {
        let expected: [String: TablePosture] = [
            "HFS": .supine, "FFS": .supine, "HFP": .prone, "FFP": .prone, "HFDL": .leftSideDown, "FFDL": .leftSideDown,
            "HFDR": .rightSideDown, "FFDR": .rightSideDown, "hfs ": .supine,
        ]
        for (code, posture) in expected { #expect(TablePosture(patientPosition: code) == posture, "\(code)") }
        #expect(TablePosture(patientPosition: "") == nil)
        #expect(TablePosture(patientPosition: "AFDR") == nil)  // a quadruped position: not handled
    }

    @Test func seriesMeansLeaveTruncatedSlicesOut() throws {
        let slices: [(offset: CentringOffset?, truncated: Bool, zMillimeters: Double)] = [
            (CentringOffset(verticalMillimeters: -20, lateralMillimeters: 4), false, 0),
            (CentringOffset(verticalMillimeters: -30, lateralMillimeters: 6), false, 5),
            (CentringOffset(verticalMillimeters: 90, lateralMillimeters: 90), true, 10),  // truncated: its centroid is biased
            (nil, false, 15),
        ]
        let series = try #require(SeriesCentring(slices: slices, midScanZMillimeters: 5))
        #expect(series.meanVerticalOffsetMillimeters == -25)
        #expect(series.meanLateralOffsetMillimeters == 5)
        #expect(series.midScanVerticalOffsetMillimeters == -30)
        #expect(series.sliceCount == 2)
        let truncatedMid = try #require(SeriesCentring(slices: slices, midScanZMillimeters: 10))
        #expect(truncatedMid.midScanVerticalOffsetMillimeters == nil)
        #expect(SeriesCentring(slices: [slices[2], slices[3]], midScanZMillimeters: 10) == nil)
    }
}
