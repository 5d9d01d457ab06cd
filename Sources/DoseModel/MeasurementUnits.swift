/// UCUM units that dose reports use, and the factor that converts each to ctdose's canonical unit
/// (mGy, mGy·cm, mm, s, kV, mA, mSv). Vendors write DLP as `mGy.cm` (UCUM) or `mGycm`
/// (../shared/reference/dose-report-notes.md), both accepted.
public enum CanonicalUnit: String, Sendable {
    case milligray, milligrayCentimeters, millimeters, seconds, kilovolts, milliamperes, millisieverts, ratio, count

    /// Factor from the given UCUM code to this unit; nil if the code is not a known spelling of it.
    public func factor(fromUCUM code: String) -> Double? {
        // UCUM curly-brace annotations ({events}, {X-ray sources}, {ratio}) are dimensionless.
        if self == .count || self == .ratio, code.hasPrefix("{") && code.hasSuffix("}") { return 1 }
        let table: [String: Double]
        switch self {
        case .milligray: table = ["mGy": 1, "Gy": 1000, "cGy": 10, "uGy": 0.001, "ug": 0.001]
        case .milligrayCentimeters:
            table = ["mGy.cm": 1, "mGycm": 1, "mGy*cm": 1, "mGy cm": 1, "mGy.cm2": 1, "Gy.cm": 1000, "cGy.cm": 10, "mGy.mm": 0.1]
        case .millimeters: table = ["mm": 1, "cm": 10, "m": 1000]
        case .seconds: table = ["s": 1, "ms": 0.001, "min": 60]
        case .kilovolts: table = ["kV": 1, "V": 0.001]
        case .milliamperes: table = ["mA": 1, "A": 1000, "uA": 0.001]
        case .millisieverts: table = ["mSv": 1, "Sv": 1000, "uSv": 0.001]
        case .ratio: table = ["{ratio}": 1, "1": 1, "{Ratio}": 1, "ratio": 1]
        case .count: table = ["1": 1, "X-ray sources": 1, "X-Ray sources": 1, "events": 1]  // GE writes no braces
        }
        return table[code]
    }
}

extension Int {
    /// A count, index or number read from a header or report, when it is one: finite, whole and in the
    /// range of an Integer String (IS), −2^31…2^31 − 1 (DICOM PS3.5 Table 6.2-1). nil for anything
    /// else (1e300, 2.5, NaN), which a corrupt file may hold and `Int(_:)` would trap on.
    public init?(dicomInteger value: Double) {
        guard value >= -2_147_483_648, value <= 2_147_483_647, let whole = Int(exactly: value) else { return nil }
        self = whole
    }
}
