/// Numbers with units, as written into findings' expected / actual / tolerance fields. No Foundation:
/// fixed decimals with trailing zeros trimmed ("12.5 mGy", "1002.39 mGy·cm").
enum QuantityText {
    static func number(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        var fraction = String(scaled % Int64(scale))
        fraction = String(repeating: "0", count: max(0, decimals - fraction.count)) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return sign + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    static func milligray(_ value: Double) -> String { number(value) + " mGy" }
    static func milligrayCentimeters(_ value: Double) -> String { number(value) + " mGy·cm" }
    static func millimeters(_ value: Double) -> String { number(value, decimals: 1) + " mm" }
    static func centimeters(_ value: Double) -> String { number(value) + " cm" }
    static func kilovolts(_ value: Double) -> String { number(value, decimals: 1) + " kV" }
    static func milliamperes(_ value: Double) -> String { number(value, decimals: 1) + " mA" }
    static func ratio(_ value: Double) -> String { number(value, decimals: 4) }
    /// A relative tolerance: 0.1 → "±10 %".
    static func percent(_ fraction: Double) -> String { "±" + number(fraction * 100, decimals: 1) + " %" }
    static func range(_ range: ClosedRange<Double>, _ unit: (Double) -> String) -> String {
        range.lowerBound == range.upperBound ? unit(range.lowerBound) : unit(range.lowerBound) + " – " + unit(range.upperBound)
    }
}

/// Comparison helpers shared by the rules.
enum Tolerance {
    /// |actual − expected| within max(relative × |expected|, absolute).
    static func within(_ actual: Double, _ expected: Double, relative: Double, absolute: Double = 0) -> Bool {
        abs(actual - expected) <= max(relative * abs(expected), absolute)
    }

    /// Text of a relative tolerance with an absolute floor: "±1 % (at least 1 mGy·cm)".
    static func text(relative: Double, absolute: Double, unit: (Double) -> String) -> String {
        absolute > 0 ? QuantityText.percent(relative) + " (at least " + unit(absolute) + ")" : QuantityText.percent(relative)
    }
}
