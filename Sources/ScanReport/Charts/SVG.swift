import Foundation

/// Inline SVG written as text. ctdose draws its own charts: the report must open offline with no
/// external scripts, and no charting library is available offline from the package registries this
/// project builds from, so a few hundred lines of SVG generation replace one.
public enum SVG {
    /// Coordinates with at most one decimal (sub-pixel precision is enough and keeps the file small).
    static func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    /// An accessible SVG element: role="img", labelled by its <title> and described by its <desc>.
    /// No xmlns attribute: inline SVG in HTML does not need one (and the page then has no URL at all).
    static func image(id: String, width: Double, height: Double, title: String, description: String, body: String) -> String {
        """
        <svg id="\(id)" class="chart" role="img" viewBox="0 0 \(n(width)) \(n(height))" width="\(n(width))" height="\(n(height))" \
        aria-labelledby="\(id)-title \(id)-desc"><title id="\(id)-title">\(HTML.escape(title))</title>\
        <desc id="\(id)-desc">\(HTML.escape(description))</desc>\(body)</svg>
        """
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil) -> String {
        let dashAttribute = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        return "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\"\(dashAttribute)/>"
    }

    static func text(_ x: Double, _ y: Double, _ content: String, anchor: String = "middle", size: Double = 11,
                     rotate: Double? = nil, weight: String? = nil, fill: String = "#000") -> String {
        let transform = rotate.map { " transform=\"rotate(\(n($0)) \(n(x)) \(n(y)))\"" } ?? ""
        let bold = weight.map { " font-weight=\"\($0)\"" } ?? ""
        return "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(n(size))\" fill=\"\(fill)\"\(bold)\(transform)>\(HTML.escape(content))</text>"
    }
}

/// The plot area of a chart with two linear axes: frame, grid, ticks, tick labels and axis titles
/// (which carry the units).
struct ChartAxes {
    static let width = 560.0
    static let height = 300.0
    static let left = 64.0
    static let right = 16.0
    static let top = 16.0
    static let bottom = 46.0

    var x: LinearScale
    var y: LinearScale
    var xTitle: String
    var yTitle: String

    static var plotLeft: Double { left }
    static var plotRight: Double { width - right }
    static var plotTop: Double { top }
    static var plotBottom: Double { height - bottom }

    /// Grid, axes and labels; `xTickLabels` replaces numeric x labels (for category axes).
    func svg(xTickLabels: [(position: Double, label: String)]? = nil) -> String {
        var parts: [String] = []
        for tick in y.ticks() {
            let py = y(tick)
            parts.append(SVG.line(Self.plotLeft, py, Self.plotRight, py, stroke: "#ddd"))
            parts.append(SVG.text(Self.plotLeft - 6, py + 4, LinearScale.label(tick), anchor: "end"))
        }
        let xLabels = xTickLabels ?? x.ticks().map { (x($0), LinearScale.label($0)) }
        for (position, label) in xLabels {
            parts.append(SVG.line(position, Self.plotBottom, position, Self.plotBottom + 4, stroke: "#000"))
            parts.append(SVG.text(position, Self.plotBottom + 16, label))
        }
        parts.append(SVG.line(Self.plotLeft, Self.plotBottom, Self.plotRight, Self.plotBottom, stroke: "#000"))
        parts.append(SVG.line(Self.plotLeft, Self.plotTop, Self.plotLeft, Self.plotBottom, stroke: "#000"))
        parts.append(SVG.text((Self.plotLeft + Self.plotRight) / 2, Self.height - 8, xTitle, size: 12))
        parts.append(SVG.text(16, (Self.plotTop + Self.plotBottom) / 2, yTitle, size: 12, rotate: -90))
        return parts.joined()
    }

    /// A message in the middle of an empty plot area.
    static func emptyMessage(_ text: String) -> String {
        SVG.text((plotLeft + plotRight) / 2, (plotTop + plotBottom) / 2, text, size: 13, fill: "#555")
    }

    static func xRange() -> (Double, Double) { (plotLeft, plotRight) }
    static func yRange() -> (Double, Double) { (plotBottom, plotTop) }
}
