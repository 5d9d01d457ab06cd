/// Water-equivalent diameter along the scan, Dw(z), of one series: a line through the analysed
/// slices, truncated slices marked with a different shape, and a dashed line at the mid-scan z.
public struct ProfileChart: Sendable {
    public var id: String
    public var title: String
    public var slices: [SliceRow]
    public var midScanZMillimeters: Double?

    public init(id: String, title: String, slices: [SliceRow], midScanZMillimeters: Double?) {
        self.id = id
        self.title = title
        self.slices = slices
        self.midScanZMillimeters = midScanZMillimeters
    }

    var points: [(z: Double, dw: Double, truncated: Bool)] {
        slices.compactMap { s in s.waterEquivalentDiameterCentimeters.map { (s.zMillimeters, $0, s.truncated) } }
    }

    public var svg: String {
        let points = self.points
        let dws = points.map(\.dw)
        let description = "Dw(z) of \(points.count) analysed slices from z = \(HTML.number(points.first?.z)) mm to \(HTML.number(points.last?.z)) mm; "
            + "Dw from \(HTML.number(dws.min())) cm to \(HTML.number(dws.max())) cm"
            + (midScanZMillimeters.map { "; mid-scan slice at z = \(HTML.number($0)) mm." } ?? ".")
        let axes = ChartAxes(
            x: .fitting(points.map(\.z), including: midScanZMillimeters.map { [$0] } ?? [], range: ChartAxes.xRange()),
            y: .fitting(dws, range: ChartAxes.yRange(), zeroBased: true),
            xTitle: "Table position z (mm)", yTitle: "Water-equivalent diameter Dw (cm)")
        var body = axes.svg()
        if let mid = midScanZMillimeters {
            let x = axes.x(mid)
            body += SVG.line(x, ChartAxes.plotTop, x, ChartAxes.plotBottom, stroke: ChartPalette.orange, width: 2, dash: "5 3")
            body += SVG.text(x + 4, ChartAxes.plotTop + 12, "mid-scan", anchor: "start", size: 10, fill: "#7a5200")
        }
        let path = points.map { "\(SVG.n(axes.x($0.z))),\(SVG.n(axes.y($0.dw)))" }.joined(separator: " ")
        body += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(ChartPalette.blue)\" stroke-width=\"1.5\"/>"
        for p in points {
            let label = "z = \(HTML.number(p.z)) mm, Dw = \(HTML.number(p.dw, places: 2)) cm" + (p.truncated ? " (truncated)" : "")
            body += (p.truncated ? MarkerShape.triangle : .circle)
                .svg(x: axes.x(p.z), y: axes.y(p.dw), radius: p.truncated ? 3.5 : 2.5, fill: p.truncated ? ChartPalette.vermillion : ChartPalette.blue, title: label)
        }
        var legend: [(String, String, MarkerShape)] = [("Dw per slice", ChartPalette.blue, .circle)]
        if points.contains(where: \.truncated) { legend.append(("truncated slice", ChartPalette.vermillion, .triangle)) }
        body += ChartLegend.svg(legend, x: ChartAxes.plotLeft + 8, y: ChartAxes.plotBottom - 10 - Double(legend.count - 1) * 15)
        return SVG.image(id: id, width: ChartAxes.width, height: ChartAxes.height, title: title, description: description, body: body)
    }
}
