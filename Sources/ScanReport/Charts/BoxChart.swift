import QualityMeasures

/// Box plots by month, one box per group side by side within each month: box from the lower to the
/// upper quartile, a thick line at the median, whiskers to the minimum and maximum.
public struct BoxChart: Sendable {
    public struct Group: Sendable {
        public var name: String
        /// Summary per month label.
        public var summaries: [String: DistributionSummary]

        public init(name: String, summaries: [String: DistributionSummary]) {
            self.name = name
            self.summaries = summaries
        }
    }

    public var id: String
    public var title: String
    public var description: String
    public var yTitle: String
    /// Month labels in axis order.
    public var months: [String]
    public var groups: [Group]

    public init(id: String, title: String, description: String, yTitle: String, months: [String], groups: [Group]) {
        self.id = id
        self.title = title
        self.description = description
        self.yTitle = yTitle
        self.months = months
        self.groups = groups
    }

    public var svg: String {
        let all = groups.flatMap { $0.summaries.values.flatMap { [$0.minimum, $0.maximum] } }
        let slot = (ChartAxes.plotRight - ChartAxes.plotLeft) / Double(max(months.count, 1))
        let x = LinearScale(domain: 0...Double(max(months.count, 1)), range: ChartAxes.xRange())
        let axes = ChartAxes(x: x, y: .fitting(all, range: ChartAxes.yRange(), zeroBased: true), xTitle: "Study month", yTitle: yTitle)
        // Month labels are about 50 px wide: label every k-th month so that they do not overlap.
        let labelEvery = max(1, Int((50 / slot).rounded(.up)))
        var body = axes.svg(xTickLabels: months.enumerated().compactMap { i, m in
            i % labelEvery == 0 ? (x(Double(i) + 0.5), m) : nil
        })
        let boxWidth = min(28, slot * 0.8 / Double(max(groups.count, 1)))
        for (monthIndex, month) in months.enumerated() {
            for (groupIndex, group) in groups.enumerated() {
                guard let s = group.summaries[month] else { continue }
                let centre = x(Double(monthIndex) + 0.5) + (Double(groupIndex) - Double(groups.count - 1) / 2) * boxWidth
                let colour = ChartPalette.series(groupIndex)
                let tooltip = "\(group.name), \(month): median \(HTML.number(s.median)), IQR \(HTML.number(s.lowerQuartile))–\(HTML.number(s.upperQuartile)), n = \(s.count)"
                body += "<g><title>\(HTML.escape(tooltip))</title>"
                body += SVG.line(centre, axes.y(s.minimum), centre, axes.y(s.maximum), stroke: "#000")
                let top = axes.y(s.upperQuartile)
                let height = max(axes.y(s.lowerQuartile) - top, 1.5)
                body += "<rect x=\"\(SVG.n(centre - boxWidth * 0.4))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(boxWidth * 0.8))\" height=\"\(SVG.n(height))\" fill=\"\(colour)\" fill-opacity=\"0.55\" stroke=\"\(colour)\"/>"
                body += SVG.line(centre - boxWidth * 0.4, axes.y(s.median), centre + boxWidth * 0.4, axes.y(s.median), stroke: "#000", width: 2.5)
                body += "</g>"
            }
        }
        if all.isEmpty { body += ChartAxes.emptyMessage("No values") }
        let legend = ChartLegend.below(groups.enumerated().map { ($1.name, ChartPalette.series($0), MarkerShape.square) })
        return SVG.image(id: id, width: ChartAxes.width, height: ChartAxes.height + legend.height, title: title, description: description,
                         body: body + legend.svg)
    }
}
