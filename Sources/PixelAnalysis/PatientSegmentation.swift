import Foundation

/// Settings of the patient segmentation (defaults documented in README).
public struct SegmentationSettings: Sendable, Equatable {
    /// Pixels above this HU are candidate patient (dicom-image-tools and AAPM 220 implementations use −500).
    public var thresholdHounsfield: Float = -500
    /// Structures thinner than 2× this are cut before the largest component is kept: couch shells,
    /// mattresses, blankets and cables touching the patient. 0 disables the opening.
    public var couchRemovalRadiusMillimeters: Double = 5

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
}

/// Threshold, opening against the couch, largest connected component, hole filling, and the
/// truncation check (ctdose's implementation of the AAPM 220 patient contour).
public enum PatientSegmentation {
    public static func segment(_ slice: AxialSlice, settings: SegmentationSettings = SegmentationSettings()) -> PatientOutline {
        let n = slice.rows * slice.columns
        var inField = [Bool](repeating: false, count: n)
        var candidate = [Bool](repeating: false, count: n)
        for r in 0..<slice.rows {
            for c in 0..<slice.columns where slice.isInField(r, c) {
                let p = r * slice.columns + c
                inField[p] = true
                candidate[p] = slice.hounsfieldUnits[p] > settings.thresholdHounsfield
            }
        }
        let mask = BinaryMask(rows: slice.rows, columns: slice.columns, pixels: candidate)
        let radius = Int((settings.couchRemovalRadiusMillimeters / min(slice.rowSpacingMillimeters, slice.columnSpacingMillimeters)).rounded())
        var body: BinaryMask
        if radius > 0 {
            // Opening separates thin attachments; the largest opened part, grown back inside the
            // thresholded mask, is the patient.
            let core = mask.eroded(radius: radius).largestComponent()
            body = core.count > 0 ? (core.dilated(radius: radius + 1) && mask).largestComponent() : mask.largestComponent()
        } else {
            body = mask.largestComponent()
        }
        body = body.fillingHoles()
        let (truncated, fraction) = truncation(of: body, inField: inField)
        return PatientOutline(body: body, truncated: truncated, truncatedOutlineFraction: fraction)
    }

    /// Outline pixels (body pixels with a 4-neighbour outside the body) whose neighbour is outside the
    /// field (padding, outside the circle, or beyond the image border).
    static func truncation(of body: BinaryMask, inField: [Bool]) -> (Bool, Double) {
        var outline = 0
        var touching = 0
        let rows = body.rows, columns = body.columns
        for r in 0..<rows {
            for c in 0..<columns where body.pixels[r * columns + c] {
                let p = r * columns + c
                var isOutline = false
                var touchesEdge = false
                for (dr, dc) in [(0, -1), (0, 1), (-1, 0), (1, 0)] {
                    let rr = r + dr, cc = c + dc
                    if rr < 0 || rr >= rows || cc < 0 || cc >= columns {
                        isOutline = true; touchesEdge = true
                    } else if !body.pixels[rr * columns + cc] {
                        isOutline = true
                        if !inField[rr * columns + cc] { touchesEdge = true }
                    }
                }
                if !inField[p] { touchesEdge = true }
                if isOutline { outline += 1; if touchesEdge { touching += 1 } }
            }
        }
        let fraction = outline > 0 ? Double(touching) / Double(outline) : 0
        return (touching > 0, fraction)
    }
}
