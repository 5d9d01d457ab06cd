import CSVFormat

/// HTML text helpers.
public enum HTML {
    /// Escapes text for element content and double-quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A number with a fixed count of decimals; "–" for nil.
    public static func number(_ value: Double?, places: Int = 1) -> String {
        guard let value, value.isFinite else { return "–" }
        return FixedDecimal.text(value, places: places)
    }
}
