/// Okabe–Ito colours (Okabe & Ito 2008, "Color Universal Design"): distinguishable with the common
/// colour-vision deficiencies. Charts also vary marker shape, so colour is never the only cue.
public enum ChartPalette {
    public static let black = "#000000"
    public static let orange = "#E69F00"
    public static let skyBlue = "#56B4E9"
    public static let bluishGreen = "#009E73"
    public static let yellow = "#F0E442"
    public static let blue = "#0072B2"
    public static let vermillion = "#D55E00"
    public static let reddishPurple = "#CC79A7"

    /// Series colours in order (yellow last: weak contrast on white).
    public static let series = [blue, orange, bluishGreen, vermillion, reddishPurple, skyBlue, black, yellow]

    public static func series(_ index: Int) -> String { series[index % series.count] }
}

/// Marker shapes, paired with colours so that a series reads without colour.
public enum MarkerShape: Sendable, CaseIterable {
    case circle, triangle, square, diamond

    /// SVG for a marker centred at (x, y) with the given radius.
    func svg(x: Double, y: Double, radius r: Double, fill: String, title: String? = nil) -> String {
        let tooltip = title.map { "<title>\(HTML.escape($0))</title>" } ?? ""
        let shape: String
        switch self {
        case .circle:
            shape = "<circle cx=\"\(SVG.n(x))\" cy=\"\(SVG.n(y))\" r=\"\(SVG.n(r))\""
        case .triangle:
            shape = "<polygon points=\"\(SVG.n(x)),\(SVG.n(y - r * 1.2)) \(SVG.n(x - r * 1.1)),\(SVG.n(y + r * 0.8)) \(SVG.n(x + r * 1.1)),\(SVG.n(y + r * 0.8))\""
        case .square:
            shape = "<rect x=\"\(SVG.n(x - r * 0.9))\" y=\"\(SVG.n(y - r * 0.9))\" width=\"\(SVG.n(r * 1.8))\" height=\"\(SVG.n(r * 1.8))\""
        case .diamond:
            shape = "<polygon points=\"\(SVG.n(x)),\(SVG.n(y - r * 1.2)) \(SVG.n(x + r * 1.2)),\(SVG.n(y)) \(SVG.n(x)),\(SVG.n(y + r * 1.2)) \(SVG.n(x - r * 1.2)),\(SVG.n(y))\""
        }
        return shape + " fill=\"\(fill)\" stroke=\"#000\" stroke-width=\"0.6\">\(tooltip)" + closing
    }

    private var closing: String {
        switch self {
        case .circle: return "</circle>"
        case .triangle, .diamond: return "</polygon>"
        case .square: return "</rect>"
        }
    }

    public static func series(_ index: Int) -> MarkerShape { allCases[index % allCases.count] }
}
