import Testing
@testable import DICOMBridge

@Suite("Frame geometry")
struct FrameGeometryTests {
    /// Values read with pydicom 3.0.2 from eCT_Supplemental.dcm: per-frame Plane Position
    /// (99.5, -301.5, -159.0) and (99.5, -301.5, -149.0); shared Plane Orientation (-1,0,0, 0,1,0),
    /// Pixel Measures 0.388672 / 0.388672 mm, slice thickness 10 mm; shared Pixel Value Transformation
    /// slope 1, intercept -1024; no CT Exposure macro.
    @Test("enhanced CT multi-frame: per-frame and shared functional groups", .enabled(if: Corpus.isAvailable, Corpus.absentMessage))
    func enhancedCT() throws {
        let frames = try DICOMFile.read(Corpus.path("transfer-syntaxes/pydicom/eCT_Supplemental.dcm")) { file in
            #expect(file.hasFunctionalGroups)
            return try file.frameGeometries()
        }
        #expect(frames.count == 2)
        #expect(frames.map(\.positionMillimeters) == [
            PatientVector(x: 99.5, y: -301.5, z: -159.0), PatientVector(x: 99.5, y: -301.5, z: -149.0),
        ])
        for frame in frames {
            #expect(frame.orientation == FrameOrientation(row: PatientVector(x: -1, y: 0, z: 0), column: PatientVector(x: 0, y: 1, z: 0)))
            #expect(frame.pixelSpacingMillimeters == PixelSpacing(rowMillimeters: 0.388672, columnMillimeters: 0.388672))
            #expect(frame.sliceThicknessMillimeters == 10)
            #expect(frame.rescale == Rescale(slope: 1, intercept: -1024))
            #expect(frame.ctdiVolMilligray == nil)
        }
    }

    /// Values read with pydicom 3.0.2: position (-182.3082, -103.2066, 1718.5), axial orientation,
    /// spacing 0.618 mm, thickness 5 mm, slope 1, intercept 0, CTDIvol 2.8 mGy (also in SOURCES.md).
    @Test("classic CT: the same struct from top-level tags", .enabled(if: Corpus.isAvailable, Corpus.absentMessage))
    func classicCT() throws {
        let geometry = try DICOMFile.read(Corpus.path("ct-slices/tcia-covid19-ny-sbu/A046441/axial/19010101-23.dcm")) { file in
            #expect(!file.hasFunctionalGroups)
            return try file.frameGeometries()
        }
        #expect(geometry.count == 1)
        let frame = try #require(geometry.first)
        #expect(frame.positionMillimeters == PatientVector(x: -182.3082, y: -103.2066, z: 1718.5))
        #expect(frame.orientation == FrameOrientation(row: PatientVector(x: 1, y: 0, z: 0), column: PatientVector(x: 0, y: 1, z: 0)))
        #expect(frame.pixelSpacingMillimeters == PixelSpacing(rowMillimeters: 0.618, columnMillimeters: 0.618))
        #expect(frame.sliceThicknessMillimeters == 5)
        #expect(frame.rescale == Rescale(slope: 1, intercept: 0))
        #expect(frame.ctdiVolMilligray == 2.8)
    }
}
