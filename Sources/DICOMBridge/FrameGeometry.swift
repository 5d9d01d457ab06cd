/// A point or direction in the patient coordinate system, in millimetres (or unitless for directions).
public struct PatientVector: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(x: Double, y: Double, z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }
}

/// Direction cosines of the first row and the first column (Image Orientation (Patient)).
public struct FrameOrientation: Equatable, Sendable {
    public var row: PatientVector
    public var column: PatientVector
}

/// Pixel Spacing (0028,0030): distance between rows, then between columns, in millimetres.
public struct PixelSpacing: Equatable, Sendable {
    public var rowMillimeters: Double
    public var columnMillimeters: Double
}

/// Where one frame sits and how its values convert, from top-level tags (classic CT) or from the
/// per-frame / shared functional groups (enhanced multi-frame).
public struct FrameGeometry: Equatable, Sendable {
    public var frameIndex: Int
    /// Image Position (Patient) (0020,0032): centre of the first transmitted pixel.
    public var positionMillimeters: PatientVector?
    public var orientation: FrameOrientation?
    public var pixelSpacingMillimeters: PixelSpacing?
    public var sliceThicknessMillimeters: Double?
    public var rescale: Rescale?
    public var ctdiVolMilligray: Double?
    /// Data Collection Center (Patient) (0018,9313), from the CT Position macro.
    public var dataCollectionCenterMillimeters: PatientVector?
}

extension DICOMFile {
    /// True when the file carries functional groups (enhanced multi-frame IODs).
    public var hasFunctionalGroups: Bool {
        itemCount(DICOMTag.sharedFunctionalGroupsSequence) > 0 || itemCount(DICOMTag.perFrameFunctionalGroupsSequence) > 0
    }

    /// Geometry of frame `index`: Per-Frame Functional Groups first, then Shared, then top-level tags.
    public func frameGeometry(_ index: Int) -> FrameGeometry {
        let position = frameNumbers(index, macro: .planePositionSequence, tag: .imagePositionPatient)
        let orientation = frameNumbers(index, macro: .planeOrientationSequence, tag: .imageOrientationPatient)
        let spacing = frameNumbers(index, macro: .pixelMeasuresSequence, tag: .pixelSpacing)
        let thickness = frameNumbers(index, macro: .pixelMeasuresSequence, tag: .sliceThickness)
        let slope = frameNumbers(index, macro: .pixelValueTransformationSequence, tag: .rescaleSlope)
        let intercept = frameNumbers(index, macro: .pixelValueTransformationSequence, tag: .rescaleIntercept)
        let ctdiVol = frameNumbers(index, macro: .ctExposureSequence, tag: .ctdiVol)
        let collectionCenter = frameNumbers(index, macro: .ctPositionSequence, tag: .dataCollectionCenterPatient)

        var geometry = FrameGeometry(frameIndex: index)
        if position.count == 3 {
            geometry.positionMillimeters = PatientVector(x: position[0], y: position[1], z: position[2])
        }
        if orientation.count == 6 {
            geometry.orientation = FrameOrientation(
                row: PatientVector(x: orientation[0], y: orientation[1], z: orientation[2]),
                column: PatientVector(x: orientation[3], y: orientation[4], z: orientation[5]))
        }
        if spacing.count == 2 {
            geometry.pixelSpacingMillimeters = PixelSpacing(rowMillimeters: spacing[0], columnMillimeters: spacing[1])
        }
        geometry.sliceThicknessMillimeters = positiveSliceThickness(thickness.first)
        if slope.first != nil || intercept.first != nil {
            geometry.rescale = Rescale(slope: slope.first ?? 1, intercept: intercept.first ?? 0)
        }
        geometry.ctdiVolMilligray = ctdiVol.first
        if collectionCenter.count == 3 {
            geometry.dataCollectionCenterMillimeters = PatientVector(x: collectionCenter[0], y: collectionCenter[1], z: collectionCenter[2])
        }
        return geometry
    }

    /// Geometry of every frame (Number of Frames, at least one).
    public func frameGeometries() throws(DICOMError) -> [FrameGeometry] {
        let frames = max(1, try imageDescription().frames)
        return (0..<frames).map(frameGeometry)
    }

    /// Values of `tag` for frame `index`: in the macro `macro` of the frame's Per-Frame Functional Groups
    /// item, else of the Shared Functional Groups, else the top-level element. Empty when absent.
    private func frameNumbers(_ index: Int, macro macroTag: DICOMTag, tag: DICOMTag) -> [Double] {
        let perFrame = numbers(TagPath([(DICOMTag.perFrameFunctionalGroupsSequence, index), (macroTag, 0)], tag))
        if !perFrame.isEmpty { return perFrame }
        let shared = numbers(TagPath([(DICOMTag.sharedFunctionalGroupsSequence, 0), (macroTag, 0)], tag))
        if !shared.isEmpty { return shared }
        return numbers(tag)
    }
}

extension FrameGeometry {
    init(frameIndex: Int) {
        self.init(
            frameIndex: frameIndex, positionMillimeters: nil, orientation: nil, pixelSpacingMillimeters: nil,
            sliceThicknessMillimeters: nil, rescale: nil, ctdiVolMilligray: nil, dataCollectionCenterMillimeters: nil)
    }
}
