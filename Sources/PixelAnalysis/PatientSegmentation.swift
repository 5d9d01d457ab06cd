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
        let rows = slice.rows, columns = slice.columns
        let (inField, candidate) = slice.fieldAndCandidateMasks(aboveHounsfield: settings.thresholdHounsfield)
        let mask = BinaryMask(rows: rows, columns: columns, pixels: candidate)
        // Coarse scale, at half resolution (the decisions below need no finer detail): parts of the
        // mask eroded by the couch-removal radius. Thin structures have vanished; a flat, wide part is
        // the couch; tiny parts are external objects; the rest is patient (torso, arms, legs).
        let halfSpacing = 2 * min(slice.rowSpacingMillimeters, slice.columnSpacingMillimeters)
        let radius = Int(rounding: settings.couchRemovalRadiusMillimeters / halfSpacing, clampedTo: 1...max(1, min(rows, columns)))
        let half = mask.downsampledByTwo()
        let (coarseLabels, parts) = half.eroded(radius: radius).components()
        let isCouch: (BinaryMask.Component) -> Bool = { part in
            Double(part.rows.count) <= settings.couchMaximumHeightToWidth * Double(part.columns.count)
        }
        let patientParts = parts.filter { !isCouch($0) }
        let largest = patientParts.map(\.area).max() ?? 0
        let keptLabels = Set(patientParts.filter { Double($0.area) >= settings.minimumPartShareOfLargest * Double(largest) }.map(\.label))
        let couchLabels = Set(parts.filter(isCouch).map(\.label))
        let kept = BinaryMask.selecting(keptLabels, from: coarseLabels, rows: half.rows, columns: half.columns)
        let couch = BinaryMask.selecting(couchLabels, from: coarseLabels, rows: half.rows, columns: half.columns)
        let near = kept.dilated(radius: 2 * radius + 1)
        // Fine scale: the mask opened by one pixel (one-pixel bridges and specks removed). A fine
        // component that holds a kept coarse part is patient, within 2·radius + 1 of the kept parts
        // (thin attachments such as couch shells and cables are cut there) and away from the couch.
        // Lungs and other cavities enclosed by the selected tissue stay patient even where the cut
        // thinned their wall; what remains is hole-filled. All of it on one byte map (FineScaleMap).
        var map = FineScaleMap(fine: mask.openedBytes(radius: 1), rows: rows, columns: columns)
        map.selectComponents(holding: keptLabels, labelMap: coarseLabels, halfColumns: half.columns)
        let couchDilated = map.selectionTouches(couch) ? couch.dilated(radius: radius + 1) : nil
        map.fillOutsideOfSelection()
        let body = map.body(near: near, awayFrom: couchDilated)
        let (truncated, fraction) = truncation(of: body, inField: inField)
        return PatientOutline(body: body, truncated: truncated, truncatedOutlineFraction: fraction, inField: inField)
    }

    /// Outline pixels (body pixels with a 4-neighbour outside the body) whose neighbour is outside the
    /// field (padding, outside the circle, or beyond the image border).
    static func truncation(of body: BinaryMask, inField: [Bool]) -> (Bool, Double) {
        var outline = 0
        var touching = 0
        let rows = body.rows, columns = body.columns
        body.withBytes { b in
            inField.withUnsafeBufferPointer { fieldBools in
                fieldBools.withMemoryRebound(to: UInt8.self) { field in
                    for r in 0..<rows {
                        let topRow = r == 0, bottomRow = r == rows - 1
                        if !topRow, !bottomRow, columns > 2 {
                            // Only the row's body span can hold outline pixels.
                            guard let (first, last) = BodyRun.span(b.baseAddress! + r * columns, count: columns) else { continue }
                            // Interior columns without branches (bytes are 0 or 1): an outline pixel has a
                            // neighbour outside the body; it touches when it or such a neighbour is outside the field.
                            let here = b.baseAddress! + r * columns, up = here - columns, down = here + columns
                            let fieldHere = field.baseAddress! + r * columns, fieldUp = fieldHere - columns, fieldDown = fieldHere + columns
                            let left = here - 1, right = here + 1, fieldLeft = fieldHere - 1, fieldRight = fieldHere + 1
                            var rowOutline = ByteTally(), rowTouching = ByteTally()
                            var c = Swift.max(1, first)
                            let end = Swift.min(columns - 1, last &+ 1)
                            let load = ByteTally.load
                            while c &+ 16 <= end {
                                let l = load(left + c), rt = load(right + c), u = load(up + c), d = load(down + c)
                                let isOutline = load(here + c) & ~(l & rt & u & d) & 1
                                let openToOutside = ~(l | load(fieldLeft + c)) | ~(rt | load(fieldRight + c))
                                    | ~(u | load(fieldUp + c)) | ~(d | load(fieldDown + c)) | ~load(fieldHere + c)
                                rowOutline.add(isOutline)
                                rowTouching.add(isOutline & openToOutside)
                                c &+= 16
                            }
                            while c < end {
                                let isOutline = here[c] & ~(left[c] & right[c] & up[c] & down[c]) & 1
                                let openToOutside = ~(left[c] | fieldLeft[c]) | ~(right[c] | fieldRight[c])
                                    | ~(up[c] | fieldUp[c]) | ~(down[c] | fieldDown[c]) | ~fieldHere[c]
                                rowOutline.add(isOutline)
                                rowTouching.add(isOutline & openToOutside)
                                c &+= 1
                            }
                            rowOutline.flush()
                            rowTouching.flush()
                            outline += rowOutline.total
                            touching += rowTouching.total
                            for c in [0, columns - 1] where b[r * columns + c] != 0 { outline += 1; touching += 1 }
                            continue
                        }
                        // Image edge rows: every body pixel is an outline pixel touching the edge.
                        for c in 0..<columns where b[r * columns + c] != 0 { outline += 1; touching += 1 }
                    }
                }
            }
        }
        let fraction = outline > 0 ? Double(touching) / Double(outline) : 0
        return (touching > 0, fraction)
    }
}
