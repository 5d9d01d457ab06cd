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

    /// The text of an HTML fragment made by this page: its tags left out and `escape`'s entities read.
    public static func plainText(_ html: String) -> String {
        var text = ""
        var inTag = false
        for c in html {
            if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { text.append(c) }
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    /// A number with a fixed count of decimals; "–" for nil.
    public static func number(_ value: Double?, places: Int = 1) -> String {
        guard let value, value.isFinite else { return "–" }
        return FixedDecimal.text(value, places: places)
    }
}
