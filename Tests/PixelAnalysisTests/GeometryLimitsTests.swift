import Testing
@testable import PixelAnalysis

/// Header geometry from corrupt files (fuzzed corpus files found these): sizes and indices derived
/// from it are clamped or refused, never converted with a trapping `Int(_:)`.
@Suite struct GeometryLimitsTests {
    @Test func roundingClampedToARange() {
        #expect(Int(rounding: 2.4, clampedTo: 0...10) == 2)
        #expect(Int(rounding: 2.6, clampedTo: 0...10) == 3)
        #expect(Int(rounding: 1e300, clampedTo: 0...10) == 10)
        #expect(Int(rounding: -1e300, clampedTo: 0...10) == 0)
        #expect(Int(rounding: .infinity, clampedTo: -1...10) == 10)
        #expect(Int(rounding: .nan, clampedTo: -1...10) == -1)
    }

    @Test func noiseKernelOfAnAbsurdSpacingIsBounded() {
        let settings = GlobalNoiseSettings()
        #expect(settings.kernelPixels(spacingMillimeters: 0.75) == 9)  // 6 mm / 0.75 mm = 8 → odd 9
        #expect(settings.kernelPixels(spacingMillimeters: 1e-300) == 1_001)
        #expect(settings.kernelPixels(spacingMillimeters: 1e300) == 3)
        #expect(settings.kernelPixels(spacingMillimeters: .nan) == 3)
    }

    @Test func spacingOutsideTheMeasurableRangeIsNamed() {
        #expect(GeometryLimits.spacingProblem([0.7, 0.7]) == nil)
        let problem = GeometryLimits.spacingProblem([1e-300, 1e-300])
        #expect(problem?.contains("Pixel Spacing (0028,0030)") == true)
        #expect(problem?.contains("1e-300") == true)
        #expect(GeometryLimits.spacingProblem([.nan, 1]) != nil)
    }

    /// A localizer row far outside the image (origin or spacing corrupt) gives no measurement.
    @Test func localizerRowFarOutsideTheImageIsNoMeasurement() {
        let rows = 20, columns = 20
        let values = [Float](repeating: 100, count: rows * columns)
        func localizer(spacing: Double, originZ: Double) -> LocalizerImage {
            LocalizerImage(rows: rows, columns: columns, values: values, rowSpacingMillimeters: spacing, columnSpacingMillimeters: 1,
                           rowDirection: (1, 0, 0), columnDirection: (0, 0, -1), originMillimeters: (0, 0, originZ))
        }
        #expect(LocalizerMeasurement.measure(localizer(spacing: 1e-300, originZ: 0), atZ: -10) == nil)
        #expect(LocalizerMeasurement.measure(localizer(spacing: 1, originZ: 1e300), atZ: 0) == nil)
        #expect(LocalizerMeasurement.measure(localizer(spacing: 1, originZ: 0), atZ: .nan) == nil)
    }

    /// A field-of-view circle far off the image leaves no pixel in the field, and one of infinite extent
    /// covers it, instead of trapping.
    @Test func fieldCircleFarOffTheImage() {
        let slice = AxialSlice(rows: 4, columns: 4, hounsfieldUnits: [Float](repeating: 0, count: 16), rowSpacingMillimeters: 1,
                               columnSpacingMillimeters: 1, fieldOfViewCircle: (centerColumn: 1e300, centerRow: 1.5, radiusPixels: 10))
        #expect(slice.fieldMask().allSatisfy { !$0 })
        let inside = AxialSlice(rows: 4, columns: 4, hounsfieldUnits: [Float](repeating: 0, count: 16), rowSpacingMillimeters: 1,
                                columnSpacingMillimeters: 1, fieldOfViewCircle: (centerColumn: 1.5, centerRow: 1.5, radiusPixels: 1e300))
        #expect(inside.fieldMask().allSatisfy { $0 })
    }
}
