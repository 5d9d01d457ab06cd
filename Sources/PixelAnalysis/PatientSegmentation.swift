import Foundation

/// Settings of the patient segmentation (defaults documented in README).
public struct SegmentationSettings: Sendable, Equatable {
    /// Pixels above this HU are candidate patient (dicom-image-tools and AAPM 220 implementations use −500).
    public var thresholdHounsfield: Float = -500
    /// Structures thinner than 2× this are cut off the patient: couch shells, thin mattresses,
    /// blankets and cables touching the patient. 0 disables the opening.
    public var couchRemovalRadiusMillimeters: Double = 5
    /// A part whose height is at most this share of its width is a couch (flat and wide), not patient.
    public var couchMaximumHeightToWidth: Double = 0.3
    /// Parts smaller than this share of the largest patient part are external objects; larger ones
    /// (arms beside the torso, the second leg) belong to the patient.
    public var minimumPartShareOfLargest: Double = 0.05

    public init(thresholdHounsfield: Float = -500, couchRemovalRadiusMillimeters: Double = 5) {
        self.thresholdHounsfield = thresholdHounsfield
        self.couchRemovalRadiusMillimeters = couchRemovalRadiusMillimeters
    }
}

/// The patient's cross-section on one slice and whether it runs off the field of view.
public struct PatientOutline: Sendable {
    public let body: BinaryMask
    /// The body touches the image border, padding or the reconstruction circle.
    public let truncated: Bool
    /// Share of the outline (boundary pixels) that touches the edge of the field of view, 0…1.
    public let truncatedOutlineFraction: Double
    /// Pixels that hold image data (not padding, inside the reconstruction circle).
    public let inField: [Bool]
}

/// Threshold; patient parts chosen at a coarse scale (erosion by `couchRemovalRadiusMillimeters`:
/// the couch is the flat, wide part, tiny parts are external objects) and outlined at a fine scale
/// (opening by one pixel); hole filling; the truncation check. ctdose's implementation of the AAPM 220
/// patient contour. A slice with only a couch on it has an empty body.
public enum PatientSegmentation {
    public static func segment(_ slice: AxialSlice, settings: SegmentationSettings = SegmentationSettings()) -> PatientOutline {
        let inField = slice.fieldMask()
        var candidate = [Bool](repeating: false, count: inField.count)
        let threshold = settings.thresholdHounsfield
        for p in inField.indices where inField[p] { candidate[p] = slice.hounsfieldUnits[p] > threshold }
        let mask = BinaryMask(rows: slice.rows, columns: slice.columns, pixels: candidate)
        // Coarse scale, at half resolution (the decisions below need no finer detail): parts of the
        // mask eroded by the couch-removal radius. Thin structures have vanished; a flat, wide part is
        // the couch; tiny parts are external objects; the rest is patient (torso, arms, legs).
        let halfSpacing = 2 * min(slice.rowSpacingMillimeters, slice.columnSpacingMillimeters)
        let radius = max(1, Int((settings.couchRemovalRadiusMillimeters / halfSpacing).rounded()))
        let half = mask.downsampledByTwo()
        let (coarseLabels, parts) = half.eroded(radius: radius).components()
        let isCouch: (BinaryMask.Component) -> Bool = { part in
            Double(part.rows.count) <= settings.couchMaximumHeightToWidth * Double(part.columns.count)
        }
        let patientParts = parts.filter { !isCouch($0) }
        let largest = patientParts.map(\.area).max() ?? 0
        let keptLabels = Set(patientParts.filter { Double($0.area) >= settings.minimumPartShareOfLargest * Double(largest) }.map(\.label))
        let couchLabels = Set(parts.filter(isCouch).map(\.label))
        let keptParts = BinaryMask.selecting(keptLabels, from: coarseLabels, rows: half.rows, columns: half.columns)
        let near = keptParts.dilated(radius: 2 * radius + 1).upsampledByTwo(rows: slice.rows, columns: slice.columns)
        let keptFull = keptParts.upsampledByTwo(rows: slice.rows, columns: slice.columns)
        let couchFull = BinaryMask.selecting(couchLabels, from: coarseLabels, rows: half.rows, columns: half.columns)
            .upsampledByTwo(rows: slice.rows, columns: slice.columns)
        // Fine scale: the mask opened by one pixel (one-pixel bridges and specks removed). A fine
        // component that holds a kept coarse part is patient, within 2·radius + 1 of the kept parts
        // (thin attachments such as couch shells and cables are cut there) and away from the couch.
        let fine = mask.eroded(radius: 1).dilated(radius: 1)
        let (fineLabels, fineParts) = fine.components()
        var patientFlags = [Bool](repeating: false, count: fineParts.count + 1)
        var couchFlags = [Bool](repeating: false, count: fineParts.count + 1)
        for p in fineLabels.indices where fineLabels[p] != 0 {
            if keptFull.pixels[p] { patientFlags[Int(fineLabels[p])] = true }
            if couchFull.pixels[p] { couchFlags[Int(fineLabels[p])] = true }
        }
        let holdsPatient = Set(patientFlags.indices.filter { patientFlags[$0] }.map(Int32.init))
        let holdsCouch = Set(couchFlags.indices.filter { couchFlags[$0] }.map(Int32.init))
        let selected = BinaryMask.selecting(holdsPatient, from: fineLabels, rows: slice.rows, columns: slice.columns)
        var body = selected && near
        if !holdsPatient.isDisjoint(with: holdsCouch) {
            let couchHalf = BinaryMask.selecting(couchLabels, from: coarseLabels, rows: half.rows, columns: half.columns)
            body = body && !couchHalf.dilated(radius: radius + 1).upsampledByTwo(rows: slice.rows, columns: slice.columns)
        }
        // Lungs and other cavities enclosed by the selected tissue stay patient even where the cut
        // above thinned their wall.
        let cavities = selected.fillingHoles() && !selected
        body = body || cavities
        body = body.fillingHoles()
        let (truncated, fraction) = truncation(of: body, inField: inField)
        return PatientOutline(body: body, truncated: truncated, truncatedOutlineFraction: fraction, inField: inField)
    }

    /// Outline pixels (body pixels with a 4-neighbour outside the body) whose neighbour is outside the
    /// field (padding, outside the circle, or beyond the image border).
    static func truncation(of body: BinaryMask, inField: [Bool]) -> (Bool, Double) {
        var outline = 0
        var touching = 0
        let rows = body.rows, columns = body.columns
        body.pixels.withUnsafeBufferPointer { b in
            inField.withUnsafeBufferPointer { field in
                for r in 0..<rows {
                    for c in 0..<columns where b[r * columns + c] {
                        let p = r * columns + c
                        var isOutline = false
                        var touchesEdge = !field[p]
                        // A neighbour beyond the image border is outside the field; one outside the body
                        // makes this an outline pixel, and if it is also outside the field, a touching one.
                        func check(_ inside: Bool, _ q: Int) {
                            if !inside { isOutline = true; touchesEdge = true }
                            else if !b[q] { isOutline = true; if !field[q] { touchesEdge = true } }
                        }
                        check(c > 0, p - 1)
                        check(c < columns - 1, p + 1)
                        check(r > 0, p - columns)
                        check(r < rows - 1, p + columns)
                        if isOutline { outline += 1; if touchesEdge { touching += 1 } }
                    }
                }
            }
        }
        let fraction = outline > 0 ? Double(touching) / Double(outline) : 0
        return (touching > 0, fraction)
    }
}
