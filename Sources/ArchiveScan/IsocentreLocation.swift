import DoseModel
import PixelAnalysis

/// How the isocentre is found in an image that does not record it (no Data Collection Center (Patient)).
public struct CentringSettings: Sendable, Equatable {
    /// Manufacturers (matched, ignoring case, as the start of Manufacturer (0008,0070)) whose CT images
    /// put the patient-coordinate origin's x and y at the isocentre. Vendor practice, not the standard
    /// (which leaves the origin arbitrary) [U]. Default GE, Siemens, Toshiba, Canon. Not Philips: the
    /// corpus's Philips head series are reconstructed around y = +108 and +114 mm, so its origin is
    /// elsewhere.
    public var isocentreAtOriginManufacturers = ["GE", "SIEMENS", "TOSHIBA", "CANON"]

    public init() {}

    func placesIsocentreAtOrigin(_ manufacturer: String) -> Bool {
        let name = manufacturer.uppercased()
        return isocentreAtOriginManufacturers.contains { name.hasPrefix($0.uppercased()) }
    }
}

/// Where the scanner's isocentre lies in an image's patient coordinates, how the patient lies, and how
/// both were found (or why the isocentre was not).
struct IsocentreLocation: Sendable {
    var isocentre: (x: Double, y: Double)?
    var posture: TablePosture
    var method: String

    init(_ header: CTImageHeader, settings: CentringSettings) {
        let recorded = header.patientPosition.flatMap(TablePosture.init(patientPosition:))
        posture = recorded ?? .supine
        let lying = recorded.map { "patient \($0.rawValue) (\(header.patientPosition ?? ""))" } ?? "patient taken as supine (no Patient Position)"
        let manufacturer = header.equipment.manufacturer
        if let c = header.dataCollectionCenterMillimeters, c.count == 3 {
            isocentre = (c[0], c[1])
            method = "isocentre from Data Collection Center (Patient); \(lying)"
        } else if let tilt = header.gantryTiltDegrees, abs(tilt) > 0.5 {
            // A tilted rotation axis crosses each slice elsewhere: the origin cannot stand for it.
            isocentre = nil
            method = "none: gantry tilted \(tilt)° and no Data Collection Center (Patient)"
        } else if let manufacturer, settings.placesIsocentreAtOrigin(manufacturer) {
            isocentre = (0, 0)
            method = "isocentre at the patient-coordinate origin (\(manufacturer) practice, unconfirmed); \(lying)"
        } else {
            isocentre = nil
            method = "none: no Data Collection Center (Patient), and the coordinate origin of "
                + (manufacturer.map { "\($0)" } ?? "an unnamed manufacturer") + " is not known to be the isocentre"
        }
    }

    /// The offset of a slice's body centroid from the isocentre, when both are known.
    func offset(of size: SliceSize) -> CentringOffset? {
        guard let isocentre, let x = size.centroidXMillimeters, let y = size.centroidYMillimeters else { return nil }
        return CentringOffset(centroid: (x, y), isocentre: isocentre, posture: posture)
    }
}
