/// A CT localizer (projection radiograph) with the geometry to measure the patient on it.
public struct LocalizerImage: Sendable {
    public let rows: Int
    public let columns: Int
    /// Pixel values as stored after rescale (vendor-specific units; only their contrast is used).
    public let values: [Float]
    /// Pixel Spacing (mm): between rows, between columns.
    public let rowSpacingMillimeters: Double
    public let columnSpacingMillimeters: Double
    public let rowDirection: (x: Double, y: Double, z: Double)
    public let columnDirection: (x: Double, y: Double, z: Double)
    /// Image Position (Patient) of the first pixel (mm).
    public let originMillimeters: (x: Double, y: Double, z: Double)
    /// Distance Source to Detector (0018,1110) and to Patient (isocentre) (0018,1111), mm.
    public let sourceToDetectorMillimeters: Double?
    public let sourceToPatientMillimeters: Double?
    /// True when Pixel Spacing is at the detector (Imager Pixel Spacing) rather than at the isocentre.
    public let spacingIsAtDetector: Bool

    public init(rows: Int, columns: Int, values: [Float], rowSpacingMillimeters: Double, columnSpacingMillimeters: Double,
                rowDirection: (x: Double, y: Double, z: Double), columnDirection: (x: Double, y: Double, z: Double),
                originMillimeters: (x: Double, y: Double, z: Double), sourceToDetectorMillimeters: Double? = nil,
                sourceToPatientMillimeters: Double? = nil, spacingIsAtDetector: Bool = false) {
        self.rows = rows
        self.columns = columns
        self.values = values
        self.rowSpacingMillimeters = rowSpacingMillimeters
        self.columnSpacingMillimeters = columnSpacingMillimeters
        self.rowDirection = rowDirection
        self.columnDirection = columnDirection
        self.originMillimeters = originMillimeters
        self.sourceToDetectorMillimeters = sourceToDetectorMillimeters
        self.sourceToPatientMillimeters = sourceToPatientMillimeters
        self.spacingIsAtDetector = spacingIsAtDetector
    }

    /// Which patient dimension the image rows show: a frontal (AP/PA) localizer's rows run along x
    /// (lateral width), a lateral localizer's along y (AP depth).
    public var projection: LocalizerProjection { LocalizerProjection(rowDirection: rowDirection, columnDirection: columnDirection) }
}

public enum LocalizerProjection: String, Sendable, Codable {
    case frontal, lateral, unknown

    /// From Image Orientation (Patient): columns along z, rows along x (frontal) or y (lateral).
    public init(rowDirection: (x: Double, y: Double, z: Double), columnDirection: (x: Double, y: Double, z: Double)) {
        if abs(columnDirection.z) > 0.7 {
            self = abs(rowDirection.x) >= abs(rowDirection.y) ? .frontal : .lateral
        } else {
            self = .unknown
        }
    }
}

/// Patient width on a localizer at a given z, and an effective diameter from it.
public struct LocalizerSize: Sendable, Equatable, Codable {
    public var projection: LocalizerProjection
    public var zMillimeters: Double
    /// Lateral width (frontal localizer) or AP depth (lateral localizer), at the isocentre (cm).
    public var widthCentimeters: Double
    /// AAPM 204 single-dimension conversion of the width to effective diameter (cm).
    public var effectiveDiameterCentimeters: Double
    /// How the numbers were obtained, for outputs.
    public var method: String
    /// The row's values above its background, summed over the patient's run and multiplied by the
    /// pixel width at the isocentre (value · mm): proportional to the water-equivalent area of the
    /// cross-section where the values are proportional to attenuation (`LocalizerWaterEquivalent`).
    public var profileIntegral: Double?
    /// Water-equivalent diameter from `profileIntegral`, calibrated on the exam's axial slices (cm).
    public var waterEquivalentDiameterCentimeters: Double?
    /// How the water-equivalent diameter was calibrated, or why there is none.
    public var waterEquivalentMethod: String?
    /// The width before it was scaled to agree with the exam's axial slices (cm); nil when not scaled.
    public var unscaledWidthCentimeters: Double?
    /// Whether the width agreed with the axial slices' LAT (frontal) or AP (lateral) at their own z:
    /// true when it was scaled to them, false when it disagrees too much to be used, nil when unchecked.
    public var widthAgreesWithAxialSlices: Bool?
}

public enum LocalizerMeasurement {
    /// Share of the row's contrast (peak − background) above which a pixel counts as patient. A low
    /// share is needed: the projected path length of a round body falls to zero at its edges (at half
    /// maximum an ellipse measures only √3/2 of its width; at 10 % it measures 99.5 %).
    public static let edgeFraction: Float = 0.1

    /// Measures the patient's extent along the image row nearest `zMillimeters`: pixels above
    /// `edgeFraction` of the contrast between the row's background (its edge values) and its peak count
    /// as patient; the longest run is the patient. Approximate: the patient's midplane is assumed at the
    /// isocentre.
    public static func measure(_ image: LocalizerImage, atZ z: Double) -> LocalizerSize? {
        guard image.projection != .unknown, abs(image.columnDirection.z) > 0 else { return nil }
        let rowFloat = (z - image.originMillimeters.z) / (image.columnDirection.z * image.rowSpacingMillimeters)
        guard rowFloat > -0.5, rowFloat < Double(image.rows) - 0.5 else { return nil }  // also rejects NaN
        let row = Int(rowFloat.rounded())
        let line = Array(image.values[(row * image.columns)..<((row + 1) * image.columns)])
        let edge = max(1, image.columns / 50)
        let background = (line.prefix(edge) + line.suffix(edge)).reduce(0, +) / Float(2 * edge)
        guard let peak = line.max(), peak > background else { return nil }
        let threshold = background + (peak - background) * edgeFraction
        var bestLength = 0, bestStart = 0, start = -1
        for (c, value) in line.enumerated() {
            if value > threshold {
                if start < 0 { start = c }
                if c - start + 1 > bestLength { bestLength = c - start + 1; bestStart = start }
            } else {
                start = -1
            }
        }
        guard bestLength > 0 else { return nil }
        var pixelMillimeters = image.columnSpacingMillimeters
        var method = "localizer \(image.projection.rawValue) width at 10 % of the row contrast"
        if image.spacingIsAtDetector, let sdd = image.sourceToDetectorMillimeters, let sod = image.sourceToPatientMillimeters, sdd > 0 {
            pixelMillimeters *= sod / sdd  // magnification from detector to isocentre
            method += ", magnification \(String(format: "%.3f", sdd / sod)) removed"
        }
        let widthMillimeters = Double(bestLength) * pixelMillimeters
        let aboveBackground = line[bestStart..<(bestStart + bestLength)].reduce(0.0) { $0 + Double($1 - background) }
        let width = widthMillimeters / 10
        let effective = image.projection == .frontal ? AAPM204Conversion.fromLateral(width) : AAPM204Conversion.fromAP(width)
        method += image.projection == .frontal ? ", AAPM 204 LAT conversion" : ", AAPM 204 AP conversion"
        return LocalizerSize(projection: image.projection, zMillimeters: z, widthCentimeters: width,
                             effectiveDiameterCentimeters: effective, method: method,
                             profileIntegral: (aboveBackground * pixelMillimeters).isFinite ? aboveBackground * pixelMillimeters : nil)
    }
}
