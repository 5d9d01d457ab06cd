/// A reconstructed axial CT slice in Hounsfield units, with the geometry needed to measure it.
/// Pure values: no DICOM types. Padding and pixels without data are NaN.
public struct AxialSlice: Sendable {
    public let rows: Int
    public let columns: Int
    /// Row-major HU values; NaN marks padding / pixels outside the reconstructed field.
    public let hounsfieldUnits: [Float]
    /// Pixel Spacing (0028,0030): distance between rows, then between columns (mm).
    public let rowSpacingMillimeters: Double
    public let columnSpacingMillimeters: Double
    /// Image Orientation (Patient) (0020,0037): direction of increasing column index, then of increasing row index.
    public let rowDirection: (x: Double, y: Double, z: Double)
    public let columnDirection: (x: Double, y: Double, z: Double)
    /// Position along the scan axis (mm), for profiles and the mid-scan slice.
    public let zMillimeters: Double
    /// Reconstruction field of view as a circle in pixel coordinates (centre column, centre row, radius);
    /// nil when unknown (then only the image border and padding limit the field).
    public let fieldOfViewCircle: (centerColumn: Double, centerRow: Double, radiusPixels: Double)?

    public init(
        rows: Int, columns: Int, hounsfieldUnits: [Float], rowSpacingMillimeters: Double, columnSpacingMillimeters: Double,
        rowDirection: (x: Double, y: Double, z: Double) = (1, 0, 0), columnDirection: (x: Double, y: Double, z: Double) = (0, 1, 0),
        zMillimeters: Double = 0, fieldOfViewCircle: (centerColumn: Double, centerRow: Double, radiusPixels: Double)? = nil
    ) {
        precondition(hounsfieldUnits.count == rows * columns, "HU array does not match rows × columns")
        self.rows = rows
        self.columns = columns
        self.hounsfieldUnits = hounsfieldUnits
        self.rowSpacingMillimeters = rowSpacingMillimeters
        self.columnSpacingMillimeters = columnSpacingMillimeters
        self.rowDirection = rowDirection
        self.columnDirection = columnDirection
        self.zMillimeters = zMillimeters
        self.fieldOfViewCircle = fieldOfViewCircle
    }

    /// Area of one pixel (mm²).
    public var pixelAreaSquareMillimeters: Double { rowSpacingMillimeters * columnSpacingMillimeters }

    /// A field-of-view circle from Reconstruction Diameter (0018,1100), centred on the image.
    public static func centredFieldOfView(reconstructionDiameterMillimeters: Double, rows: Int, columns: Int,
                                          columnSpacingMillimeters: Double) -> (centerColumn: Double, centerRow: Double, radiusPixels: Double) {
        ((Double(columns) - 1) / 2, (Double(rows) - 1) / 2, reconstructionDiameterMillimeters / 2 / columnSpacingMillimeters)
    }

    /// True for pixels that hold image data: not padding and inside the field-of-view circle.
    func isInField(_ row: Int, _ column: Int) -> Bool {
        guard !hounsfieldUnits[row * columns + column].isNaN else { return false }
        guard let circle = fieldOfViewCircle else { return true }
        let dc = Double(column) - circle.centerColumn
        let dr = Double(row) - circle.centerRow
        return dc * dc + dr * dr <= circle.radiusPixels * circle.radiusPixels
    }
}
