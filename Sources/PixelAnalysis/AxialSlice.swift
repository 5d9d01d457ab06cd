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
    /// Image Position (Patient) (0020,0032): the centre of the first pixel in patient coordinates (mm);
    /// nil when unknown (then the patient's centroid is not located).
    public let imagePositionMillimeters: (x: Double, y: Double, z: Double)?

    public init(
        rows: Int, columns: Int, hounsfieldUnits: [Float], rowSpacingMillimeters: Double, columnSpacingMillimeters: Double,
        rowDirection: (x: Double, y: Double, z: Double) = (1, 0, 0), columnDirection: (x: Double, y: Double, z: Double) = (0, 1, 0),
        zMillimeters: Double = 0, fieldOfViewCircle: (centerColumn: Double, centerRow: Double, radiusPixels: Double)? = nil,
        imagePositionMillimeters: (x: Double, y: Double, z: Double)? = nil
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
        self.imagePositionMillimeters = imagePositionMillimeters
    }

    /// The patient-coordinate point (mm) of the pixel position (row, column), fractional positions
    /// included; nil without Image Position (Patient).
    public func patientPoint(row: Double, column: Double) -> (x: Double, y: Double, z: Double)? {
        guard let p = imagePositionMillimeters else { return nil }
        let dc = column * columnSpacingMillimeters, dr = row * rowSpacingMillimeters
        return (p.x + dc * rowDirection.x + dr * columnDirection.x, p.y + dc * rowDirection.y + dr * columnDirection.y,
                p.z + dc * rowDirection.z + dr * columnDirection.z)
    }

    /// Area of one pixel (mm²).
    public var pixelAreaSquareMillimeters: Double { rowSpacingMillimeters * columnSpacingMillimeters }

    /// A field-of-view circle from Reconstruction Diameter (0018,1100), centred on the image.
    public static func centredFieldOfView(reconstructionDiameterMillimeters: Double, rows: Int, columns: Int,
                                          columnSpacingMillimeters: Double) -> (centerColumn: Double, centerRow: Double, radiusPixels: Double) {
        ((Double(columns) - 1) / 2, (Double(rows) - 1) / 2, reconstructionDiameterMillimeters / 2 / columnSpacingMillimeters)
    }

    /// Per pixel: holds image data (not padding, inside the field-of-view circle).
    func fieldMask() -> [Bool] { fieldAndCandidateMasks(aboveHounsfield: .infinity).inField }

    /// In one pass: the field mask, and the field pixels above `threshold`. Computed row by row from
    /// the circle's span, without per-pixel trigonometry.
    func fieldAndCandidateMasks(aboveHounsfield threshold: Float) -> (inField: [Bool], candidate: [Bool]) {
        var field = [Bool](repeating: false, count: rows * columns)
        var candidate = [Bool](repeating: false, count: rows * columns)
        hounsfieldUnits.withUnsafeBufferPointer { values in
            field.withUnsafeMutableBufferPointer { inField in
                candidate.withUnsafeMutableBufferPointer { above in
                    for r in 0..<rows {
                        var first = 0, last = columns - 1
                        if let circle = fieldOfViewCircle {
                            let dr = Double(r) - circle.centerRow
                            let squared = circle.radiusPixels * circle.radiusPixels - dr * dr
                            guard squared >= 0 else { continue }
                            let half = squared.squareRoot()
                            // Clamped before conversion (a corrupt circle may lie far outside the image).
                            first = Int(rounding: (circle.centerColumn - half).rounded(.up), clampedTo: 0...columns)
                            last = Int(rounding: (circle.centerColumn + half).rounded(.down), clampedTo: -1...(columns - 1))
                        }
                        guard first <= last else { continue }
                        let value = values.baseAddress! + r * columns
                        // Written as bytes (Bool's storage) so that the loop vectorizes.
                        let field = UnsafeMutableRawPointer(inField.baseAddress! + r * columns).assumingMemoryBound(to: UInt8.self)
                        let candidate = UnsafeMutableRawPointer(above.baseAddress! + r * columns).assumingMemoryBound(to: UInt8.self)
                        for c in first..<(last &+ 1) {
                            field[c] = value[c] == value[c] ? 1 : 0
                            candidate[c] = value[c] > threshold ? 1 : 0
                        }
                    }
                }
            }
        }
        return (field, candidate)
    }
}

extension AxialSlice {
    /// The part of the slice that holds anything above `thresholdHounsfield`, plus `marginPixels` on
    /// every side (clipped to the image). Size, outline and noise are translation-invariant, so
    /// measuring the crop gives the same results as the whole slice at a fraction of the cost; where
    /// the content reaches the image border, so does the crop, and truncation is still seen.
    public func croppedToContent(thresholdHounsfield: Float, marginPixels: Int) -> AxialSlice {
        var top = rows, bottom = -1, left = columns, right = -1
        hounsfieldUnits.withUnsafeBufferPointer { values in
            let threshold = thresholdHounsfield, columns = self.columns
            func row(_ r: Int) -> UnsafePointer<Float> { values.baseAddress! + r * columns }
            // The first and the last row with content; only the rows outside them are read whole.
            var first = 0
            while first < rows, !Self.hasValue(in: row(first), count: columns, above: threshold) { first += 1 }
            guard first < rows else { return }
            var last = rows - 1
            while last > first, !Self.hasValue(in: row(last), count: columns, above: threshold) { last -= 1 }
            top = first; bottom = last
            // The bounds only widen: look for content left of `left` and right of `right` only.
            for r in top...bottom {
                let values = row(r)
                if left > 0, Self.hasValue(in: values, count: left, above: threshold) {
                    var c = 0
                    while !(values[c] > threshold) { c += 1 }
                    left = c
                }
                if right < columns - 1, Self.hasValue(in: values + right + 1, count: columns - right - 1, above: threshold) {
                    var c = columns - 1
                    while !(values[c] > threshold) { c -= 1 }
                    right = c
                }
            }
        }
        guard bottom >= 0 else { return self }
        let r0 = max(0, top - marginPixels), r1 = min(rows - 1, bottom + marginPixels)
        let c0 = max(0, left - marginPixels), c1 = min(columns - 1, right + marginPixels)
        if r0 == 0, c0 == 0, r1 == rows - 1, c1 == columns - 1 { return self }
        let height = r1 - r0 + 1, width = c1 - c0 + 1
        let values = hounsfieldUnits.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: height * width) { out, count in
                for r in 0..<height {
                    (out.baseAddress! + r * width).initialize(from: source.baseAddress! + (r0 + r) * columns + c0, count: width)
                }
                count = height * width
            }
        }
        let circle = fieldOfViewCircle.map { (centerColumn: $0.centerColumn - Double(c0), centerRow: $0.centerRow - Double(r0), radiusPixels: $0.radiusPixels) }
        // A crop edge that is not the image edge must not read as the field's edge: pad beyond the
        // crop is impossible here because the margin keeps all content inside.
        return AxialSlice(rows: height, columns: width, hounsfieldUnits: values, rowSpacingMillimeters: rowSpacingMillimeters,
                          columnSpacingMillimeters: columnSpacingMillimeters, rowDirection: rowDirection, columnDirection: columnDirection,
                          zMillimeters: zMillimeters, fieldOfViewCircle: circle,
                          imagePositionMillimeters: patientPoint(row: Double(r0), column: Double(c0)))
    }

    /// Whether any of `count` values is above `threshold` (NaN is not), 16 at a time: most rows are air.
    static func hasValue(in values: UnsafePointer<Float>, count: Int, above threshold: Float) -> Bool {
        var found = SIMDMask<SIMD16<Int32>>(repeating: false)
        let limit = SIMD16<Float>(repeating: threshold)
        var c = 0
        while c &+ 16 <= count {
            found .|= UnsafeRawPointer(values + c).loadUnaligned(as: SIMD16<Float>.self) .> limit
            c &+= 16
        }
        if any(found) { return true }
        while c < count { if values[c] > threshold { return true }; c &+= 1 }
        return false
    }
}
