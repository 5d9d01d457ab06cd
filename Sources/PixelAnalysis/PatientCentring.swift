/// How the patient lies on the table, from Patient Position (0018,5100) (DICOM PS3.3 C.7.3.1.1.2).
public enum TablePosture: String, Sendable, Codable, CaseIterable {
    case supine
    case prone
    /// Decubitus left: lying on the left side.
    case leftSideDown = "decubitus left"
    /// Decubitus right: lying on the right side.
    case rightSideDown = "decubitus right"

    /// HFS / FFS supine, HFP / FFP prone, HFDL / FFDL and HFDR / FFDR on a side; nil for anything else.
    public init?(patientPosition: String) {
        switch patientPosition.uppercased().filter({ $0 != " " }) {
        case "HFS", "FFS": self = .supine
        case "HFP", "FFP": self = .prone
        case "HFDL", "FFDL": self = .leftSideDown
        case "HFDR", "FFDR": self = .rightSideDown
        default: return nil
        }
    }
}

/// Where the patient's centre lies relative to the scanner's isocentre on one slice (mm). Off-centring
/// changes the dose behind the bowtie filter and what tube-current modulation sees (Toth et al., Med
/// Phys 34:3093, 2007).
public struct CentringOffset: Sendable, Codable, Equatable {
    /// Positive: the patient's centre lies above the isocentre (away from the table); negative: below.
    public var verticalMillimeters: Double
    /// Horizontal: positive toward the patient's left (supine, prone) or back (lying on a side).
    public var lateralMillimeters: Double
    /// How far below the isocentre the body's lowest point lies (the side it rests on), when its bounds are known.
    public var bottomBelowIsocentreMillimeters: Double?

    public init(verticalMillimeters: Double, lateralMillimeters: Double, bottomBelowIsocentreMillimeters: Double? = nil) {
        self.verticalMillimeters = verticalMillimeters
        self.lateralMillimeters = lateralMillimeters
        self.bottomBelowIsocentreMillimeters = bottomBelowIsocentreMillimeters
    }

    /// The offset of `centroid` from `isocentre` (patient x and y, mm) for a patient lying as `posture`;
    /// `bounds`, the body's extent, gives its lowest point.
    public init(centroid: (x: Double, y: Double), isocentre: (x: Double, y: Double), posture: TablePosture, bounds: BodyBounds? = nil) {
        let dx = centroid.x - isocentre.x, dy = centroid.y - isocentre.y
        // Patient coordinates: +x toward the patient's left, +y toward the back (PS3.3 C.7.6.2.1.1).
        switch posture {
        case .supine:  // the front (−y) faces up, the back rests on the table
            self.init(verticalMillimeters: -dy, lateralMillimeters: dx, bottomBelowIsocentreMillimeters: bounds.map { $0.maxY - isocentre.y })
        case .prone:  // the back (+y) faces up
            self.init(verticalMillimeters: dy, lateralMillimeters: dx, bottomBelowIsocentreMillimeters: bounds.map { isocentre.y - $0.minY })
        case .leftSideDown:  // the right (−x) faces up
            self.init(verticalMillimeters: -dx, lateralMillimeters: dy, bottomBelowIsocentreMillimeters: bounds.map { $0.maxX - isocentre.x })
        case .rightSideDown:  // the left (+x) faces up
            self.init(verticalMillimeters: dx, lateralMillimeters: dy, bottomBelowIsocentreMillimeters: bounds.map { isocentre.x - $0.minX })
        }
    }
}

/// Whether a point taken for the isocentre agrees with Table Height (0018,1130): "the distance in mm of
/// the top of the patient table to the center of rotation; below the center is positive" (PS3.3 C.8.2.1,
/// CT Image module). The body rests on the table, so its lowest point lies a little above that depth.
public enum TableHeightCheck {
    /// The median height (mm) at which the body's lowest point rests above the table top, over slices
    /// whose offsets give that point; nil when none does.
    public static func restingHeightMillimeters(_ offsets: [CentringOffset], tableHeightMillimeters: Double) -> Double? {
        let heights = offsets.compactMap { $0.bottomBelowIsocentreMillimeters.map { tableHeightMillimeters - $0 } }.sorted()
        guard !heights.isEmpty else { return nil }
        let middle = heights.count / 2
        return heights.count % 2 == 1 ? heights[middle] : (heights[middle - 1] + heights[middle]) / 2
    }
}

/// The centring of one analysed series: means over the slices whose outline is whole (a truncated
/// outline's centroid lies inside the field of view, not at the patient's centre), and the mid-scan slice.
public struct SeriesCentring: Sendable, Codable, Equatable {
    public var meanVerticalOffsetMillimeters: Double
    public var meanLateralOffsetMillimeters: Double
    /// The mid-scan slice's offsets; nil when that slice is truncated or has none.
    public var midScanVerticalOffsetMillimeters: Double?
    public var midScanLateralOffsetMillimeters: Double?
    /// Slices the means are over.
    public var sliceCount: Int

    /// nil when no slice has an offset and a whole outline.
    public init?(slices: [(offset: CentringOffset?, truncated: Bool, zMillimeters: Double)], midScanZMillimeters: Double?) {
        let whole = slices.compactMap { slice in slice.truncated ? nil : slice.offset.map { (offset: $0, z: slice.zMillimeters) } }
        guard !whole.isEmpty else { return nil }
        let count = Double(whole.count)
        meanVerticalOffsetMillimeters = whole.reduce(0) { $0 + $1.offset.verticalMillimeters } / count
        meanLateralOffsetMillimeters = whole.reduce(0) { $0 + $1.offset.lateralMillimeters } / count
        let mid = midScanZMillimeters.flatMap { z in whole.first { $0.z == z } }
        midScanVerticalOffsetMillimeters = mid?.offset.verticalMillimeters
        midScanLateralOffsetMillimeters = mid?.offset.lateralMillimeters
        sliceCount = whole.count
    }
}
