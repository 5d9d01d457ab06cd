import CSVFormat
import DoseModel
import PixelAnalysis

/// How a patient-coordinate origin taken for the isocentre is checked.
public struct CentringSettings: Sendable, Equatable {
    /// Heights (mm) above the table top at which the body's lowest point may rest for the origin to count
    /// as the isocentre (Table Height (0018,1130) less the body's depth below the origin; median over a
    /// series' whole slices): a mattress and pads raise the body a few centimetres, and a body below the
    /// table top is impossible. Default −15 to 80 mm, ctdose's choice [U]. On the corpus: a GE chest slice
    /// rests 18 mm above, the Toshiba whole-body phantom 2 mm; single Toshiba slices (Aquilion, Xpress/GX)
    /// would lie 54–66 mm below and the Philips head phantom 23 mm below (in a head holder, possibly).
    public var restingHeightMillimeters: ClosedRange<Double> = -15...80

    public init() {}
}

/// Where the scanner's isocentre lies in an image's patient coordinates, how the patient lies, and how
/// both were found. The standard's answer is Data Collection Center (Patient) (0018,9313: CT Image
/// module since CP-766). Without it the patient-coordinate origin, which the standard leaves arbitrary, is
/// a candidate only: `verdict` keeps it when the body's lowest point agrees with Table Height.
struct IsocentreLocation: Sendable {
    enum Source: Sendable { case dataCollectionCenter, coordinateOrigin }

    var isocentre: (x: Double, y: Double)?
    var source: Source?
    var posture: TablePosture
    /// Patient Position (0018,5100) when it names a posture.
    var recordedPosition: String?
    /// The gantry tilt that leaves no candidate (no Data Collection Center (Patient)).
    var refusingTiltDegrees: Double?
    var tableHeightMillimeters: Double?

    /// Made for every analysed slice: only values here; the texts are made by `verdict`, once a series.
    init(_ header: CTImageHeader) {
        let recorded = header.patientPosition.flatMap(TablePosture.init(patientPosition:))
        posture = recorded ?? .supine
        recordedPosition = recorded == nil ? nil : header.patientPosition
        tableHeightMillimeters = header.tableHeightMillimeters
        if let c = header.dataCollectionCenterMillimeters, c.count == 3 {
            isocentre = (c[0], c[1])
            source = .dataCollectionCenter
        } else if let tilt = header.gantryTiltDegrees, abs(tilt) > 0.5 {
            // A tilted rotation axis crosses each slice elsewhere: the origin cannot stand for it.
            refusingTiltDegrees = tilt
        } else {
            isocentre = (0, 0)
            source = .coordinateOrigin
        }
    }

    /// The offset of a slice's body centroid from the candidate isocentre, when both are known.
    func offset(of size: SliceSize) -> CentringOffset? {
        guard let isocentre, let x = size.centroidXMillimeters, let y = size.centroidYMillimeters else { return nil }
        return CentringOffset(centroid: (x, y), isocentre: isocentre, posture: posture, bounds: size.bodyBoundsMillimeters)
    }

    /// Whether the offsets stand, judged on `wholeSlices` (offsets of slices whose outline is whole),
    /// and the method: where the isocentre came from and how the patient lay, or why there is none.
    func verdict(wholeSlices: [CentringOffset], settings: CentringSettings) -> (accepted: Bool, method: String) {
        let lying = recordedPosition.map { "patient \(posture.rawValue) (\($0))" } ?? "patient taken as supine (no Patient Position)"
        switch source {
        case .dataCollectionCenter?:
            return (true, "isocentre from Data Collection Center (Patient); \(lying)")
        case nil:
            return (false, refusingTiltDegrees.map { "none: gantry tilted \($0)° and no Data Collection Center (Patient)" } ?? "none")
        case .coordinateOrigin?:
            guard let table = tableHeightMillimeters else {
                return (false, "none: neither Data Collection Center (Patient) nor Table Height (0018,1130) to check the coordinate origin against")
            }
            guard let resting = TableHeightCheck.restingHeightMillimeters(wholeSlices, tableHeightMillimeters: table) else {
                return (false, "none: no Data Collection Center (Patient), and no whole slice to check the coordinate origin against Table Height")
            }
            let height = QuantityWords.millimeters(resting)
            guard settings.restingHeightMillimeters.contains(resting) else {
                return (false, "none: with the isocentre at the coordinate origin the body would rest \(height) above the table top that "
                    + "Table Height (0018,1130) gives (accepted: \(QuantityWords.millimeters(settings.restingHeightMillimeters.lowerBound)) to "
                    + "\(QuantityWords.millimeters(settings.restingHeightMillimeters.upperBound))): the origin is not the isocentre")
            }
            return (true, "isocentre at the patient-coordinate origin, checked against Table Height (0018,1130): the body rests \(height) above the table top; \(lying)")
        }
    }
}

/// Millimetres in method texts, to a tenth (any value, corrupt geometry included, prints).
enum QuantityWords {
    static func millimeters(_ value: Double) -> String { FixedDecimal.text(value, places: 1) + " mm" }
}
