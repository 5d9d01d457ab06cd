/// A scatter plot with an optional horizontal reference line (a threshold) and a legend. Each
/// series has its own colour and marker shape.
public struct ScatterChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var colour: String
        public var shape: MarkerShape
        /// (x, y, tooltip) of each point.
        public var points: [(x: Double, y: Double, label: String)]
        /// A line joins the points in the order of x.
        public var connected: Bool

        public init(name: String, colour: String, shape: MarkerShape, points: [(x: Double, y: Double, label: String)], connected: Bool = false) {
            self.name = name
            self.colour = colour
            self.shape = shape
            self.points = points
            self.connected = connected
        }
    }

    public var id: String
    public var title: String
    public var description: String
    public var xTitle: String
    public var yTitle: String
    public var series: [Series]
    /// A horizontal line at this y value, labelled.
    public var reference: (value: Double, label: String)?

    public init(id: String, title: String, description: String, xTitle: String, yTitle: String, series: [Series],
                reference: (value: Double, label: String)? = nil) {
        self.id = id
        self.title = title
        self.description = description
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.series = series
        self.reference = reference
    }

    public var svg: String {
        let xs = series.flatMap { $0.points.map(\.x) }
        let ys = series.flatMap { $0.points.map(\.y) }
        let axes = ChartAxes(
            x: .fitting(xs, range: ChartAxes.xRange()),
            y: .fitting(ys, including: reference.map { [$0.value] } ?? [], range: ChartAxes.yRange(), zeroBased: true),
            xTitle: xTitle, yTitle: yTitle)
        var body = axes.svg()
        if let reference {
            let y = axes.y(reference.value)
            body += SVG.line(ChartAxes.plotLeft, y, ChartAxes.plotRight, y, stroke: ChartPalette.vermillion, width: 2, dash: "6 4")
            body += SVG.text(ChartAxes.plotRight - 4, y - 5, reference.label, anchor: "end", size: 11, fill: ChartPalette.vermillion)
        }
        for s in series {
            if s.connected, s.points.count > 1 {
                let path = s.points.sorted { $0.x < $1.x }.map { "\(SVG.n(axes.x($0.x))),\(SVG.n(axes.y($0.y)))" }.joined(separator: " ")
                body += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(s.colour)\" stroke-width=\"1.5\"/>"
            }
            for p in s.points {
                body += s.shape.svg(x: axes.x(p.x), y: axes.y(p.y), radius: 4.5, fill: s.colour, title: p.label)
            }
        }
        if xs.isEmpty { body += ChartAxes.emptyMessage("No exam has both values") }
        let legend = ChartLegend.below(series.map { ($0.name, $0.colour, $0.shape) })
        return SVG.image(id: id, width: ChartAxes.width, height: ChartAxes.height + legend.height, title: title, description: description,
                         body: body + legend.svg)
    }
}

/// A legend, one row per series, on a white box.
enum ChartLegend {
    /// The legend under the x-axis title, and the height it adds to the chart.
    static func below(_ entries: [(name: String, colour: String, shape: MarkerShape)]) -> (svg: String, height: Double) {
        guard !entries.isEmpty else { return ("", 0) }
        return (svg(entries, x: ChartAxes.plotLeft + 8, y: ChartAxes.height + 12), Double(entries.count) * 15 + 12)
    }

    static func svg(_ entries: [(name: String, colour: String, shape: MarkerShape)], x: Double, y: Double) -> String {
        guard !entries.isEmpty else { return "" }
        let width = 24 + 6.5 * Double(entries.map(\.name.count).max() ?? 0)
        var body = "<rect x=\"\(SVG.n(x - 4))\" y=\"\(SVG.n(y - 10))\" width=\"\(SVG.n(width))\" height=\"\(SVG.n(Double(entries.count) * 15 + 4))\" fill=\"#fff\" fill-opacity=\"0.85\" stroke=\"#999\"/>"
        for (i, entry) in entries.enumerated() {
            let rowY = y + Double(i) * 15
            body += entry.shape.svg(x: x + 6, y: rowY - 1, radius: 4, fill: entry.colour)
            body += SVG.text(x + 16, rowY + 3, entry.name, anchor: "start", size: 10)
        }
        return body
    }
}
