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

    public init(verticalMillimeters: Double, lateralMillimeters: Double) {
        self.verticalMillimeters = verticalMillimeters
        self.lateralMillimeters = lateralMillimeters
    }

    /// The offset of `centroid` from `isocentre` (patient x and y, mm) for a patient lying as `posture`.
    public init(centroid: (x: Double, y: Double), isocentre: (x: Double, y: Double), posture: TablePosture) {
        let dx = centroid.x - isocentre.x, dy = centroid.y - isocentre.y
        // Patient coordinates: +x toward the patient's left, +y toward the back (PS3.3 C.7.6.2.1.1).
        switch posture {
        case .supine: self.init(verticalMillimeters: -dy, lateralMillimeters: dx)  // the front (−y) faces up
        case .prone: self.init(verticalMillimeters: dy, lateralMillimeters: dx)  // the back (+y) faces up
        case .leftSideDown: self.init(verticalMillimeters: -dx, lateralMillimeters: dy)  // the right (−x) faces up
        case .rightSideDown: self.init(verticalMillimeters: dx, lateralMillimeters: dy)  // the left (+x) faces up
        }
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
