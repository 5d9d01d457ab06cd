import DosePhysics
import Foundation

/// How typical values (ICRP 135: the median of a room's or facility's distribution of a DRL quantity)
/// are grouped, how many exams a median needs, and the diagnostic reference levels they are compared with.
public struct TypicalValueSettings: Sendable, Equatable {
    /// ctdose's own default bands of water-equivalent diameter, not taken from a standard [U].
    public static let defaultSizeBandBoundariesCentimeters: [Double] = [20, 25, 30, 35]
    /// Exams a median needs before it is compared or used for a local DRL: ctdose's default [U]; ICRP 135
    /// asks for a sample large enough for a stable median, without one number for every modality.
    public static let defaultMinimumExams = 20
    /// The weights of a "standard-size" adult in ctdose's default: 70 ± 10 kg, a common choice of DRL
    /// surveys, not one value of a standard [U].
    public static let defaultStandardWeightKilograms: ClosedRange<Double> = 60...80

    public var sizeBands: SizeBands
    public var minimumExams: Int
    public var referenceLevels: ReferenceLevelTable
    /// Patients whose Patient's Weight is in this range get typical values of their own in each group
    /// (nil: none).
    public var standardWeightKilograms: ClosedRange<Double>?

    public init(sizeBands: SizeBands = SizeBands(), minimumExams: Int = Self.defaultMinimumExams,
                referenceLevels: ReferenceLevelTable = ReferenceLevelTable(),
                standardWeightKilograms: ClosedRange<Double>? = Self.defaultStandardWeightKilograms) {
        self.sizeBands = sizeBands
        self.minimumExams = minimumExams
        self.referenceLevels = referenceLevels
        self.standardWeightKilograms = standardWeightKilograms
    }

    public struct InvalidWeightRange: Error, CustomStringConvertible {
        public var text: String
        public var description: String { "standard weight '\(text)': give LOW:HIGH in kg, e.g. 60:80, or \"\" for none" }
    }

    /// Parses "60:80" (kg); "" for none.
    public static func standardWeight(parsing text: String) throws -> ClosedRange<Double>? {
        if text.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low >= 0, low < high, high < 700 else { throw InvalidWeightRange(text: text) }
        return low...high
    }
}

/// Adult or paediatric by the age at the scan (a DRL survey's split; the CMS measures' age at the start of
/// the period is another question).
public enum AgeGroup: String, Sendable, CaseIterable, Comparable {
    case adult, paediatric, unknown

    /// Age in completed years at `scanDate` (birth date, else DICOM Patient's Age read as its youngest).
    public static func of(_ patient: PatientInput, scanDate: CalendarDate) -> AgeGroup {
        let atScan = MeasurementPeriod(start: scanDate, end: scanDate)
        guard let adult = AgeDetermination.determine(patient: patient, scanDate: scanDate, period: atScan).isAdult else { return .unknown }
        return adult ? .adult : .paediatric
    }

    /// As a reference-level table may spell it.
    init?(tableValue: String) {
        switch tableValue.trimmingCharacters(in: .whitespaces).lowercased() {
        case "adult": self = .adult
        case "paediatric", "pediatric", "child": self = .paediatric
        default: return nil
        }
    }

    public static func < (lhs: AgeGroup, rhs: AgeGroup) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Bands of water-equivalent diameter (lower bound included, upper bound excluded), labelled "<20",
/// "20-25", …, ">=35" (centimeters), plus "all sizes" and "unknown size".
public struct SizeBands: Sendable, Equatable {
    public static let allSizes = "all sizes"
    public static let unknownSize = "unknown size"

    public let boundariesCentimeters: [Double]
    /// The band labels, smallest first.
    public let labels: [String]

    public struct InvalidBoundaries: Error, CustomStringConvertible {
        public var text: String
        public var description: String { "size bands '\(text)': give ascending diameters in cm between 1 and 100, e.g. 20,25,30,35" }
    }

    public init(boundariesCentimeters: [Double] = TypicalValueSettings.defaultSizeBandBoundariesCentimeters) {
        self.boundariesCentimeters = boundariesCentimeters
        guard let first = boundariesCentimeters.first, let last = boundariesCentimeters.last else {
            labels = []
            return
        }
        let text = { (value: Double) in value == value.rounded() ? String(Int(value)) : String(value) }
        labels = ["<" + text(first)] + zip(boundariesCentimeters, boundariesCentimeters.dropFirst()).map { text($0) + "-" + text($1) }
            + [">=" + text(last)]
    }

    /// Parses "20,25,30,35"; an empty text means no bands (every exam in "all sizes" only).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            self.init(boundariesCentimeters: [])
            return
        }
        let values = parts.compactMap(Double.init)
        guard values.count == parts.count, values.allSatisfy({ $0 >= 1 && $0 <= 100 }),
              zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) else { throw InvalidBoundaries(text: text) }
        self.init(boundariesCentimeters: values)
    }

    /// The band of a diameter; "unknown size" without one. No bands: "all sizes".
    public func label(forCentimeters diameter: Double?) -> String {
        guard !labels.isEmpty else { return Self.allSizes }
        guard let diameter, diameter.isFinite else { return Self.unknownSize }
        return labels[boundariesCentimeters.firstIndex { diameter < $0 } ?? boundariesCentimeters.count]
    }

    /// Sort position: all sizes, the bands smallest first, unknown size.
    func order(_ label: String) -> Int {
        if label == Self.allSizes { return -1 }
        return labels.firstIndex(of: label) ?? labels.count
    }
}
