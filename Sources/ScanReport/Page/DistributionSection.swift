import QualityMeasures

/// "Dose by scanner" and "Dose by protocol": CTDIvol, DLP, SSDE and effective dose per month as box plots, with the
/// median and IQR in a table.
enum DistributionSection {
    /// Groups drawn in a chart (one colour each); the table lists them all.
    static let chartedGroups = 6

    static func html(_ distributions: [DoseDistribution], grouping: DoseGrouping) -> String {
        let id = grouping == .scanner ? "by-scanner" : "by-protocol"
        var out = "<section id=\"\(id)\" aria-labelledby=\"\(id)-heading\"><h2 id=\"\(id)-heading\">Dose by \(grouping.title)</h2>"
        out += "<p>CTDIvol and DLP per irradiation event as reported (localizers left out); SSDE and effective dose per exam "
            + "(exam SSDE and DLP-based estimate of measure.csv). "
            + "Boxes: interquartile range; thick line: median; whiskers: minimum and maximum.</p>"
        guard !distributions.isEmpty else { return out + "<p>No dose values.</p></section>" }
        let months = Array(Set(distributions.flatMap { $0.months.map(\.month) })).sorted()
        let charted = Array(distributions.prefix(chartedGroups))
        if distributions.count > chartedGroups {
            out += "<p class=\"muted\">Charts show the \(chartedGroups) \(grouping.title)s with the most exams; the table lists all \(distributions.count).</p>"
        }
        out += "<div class=\"figures\">"
        for quantity in DoseQuantity.allCases {
            let chart = BoxChart(
                id: "\(id)-\(quantity.rawValue)", title: "\(quantity.title) by \(grouping.title) and month",
                description: "Box plots of \(quantity.title) (\(quantity.unit)) per month for \(charted.count) \(grouping.title)s over \(months.count) months.",
                yTitle: "\(quantity.title) (\(quantity.unit))", months: months,
                groups: charted.map { d in
                    BoxChart.Group(name: d.group, summaries: Dictionary(d.months.compactMap { m in m.summaries[quantity].map { (m.month, $0) } },
                                                                        uniquingKeysWith: { first, _ in first }))
                })
            out += CategorySection.figure(chart.svg, caption: "\(quantity.title) (\(quantity.unit)) by month.")
        }
        out += "</div>" + table(distributions, id: id, grouping: grouping).html
        return out + "</section>"
    }

    static func cell(_ s: DistributionSummary?) -> SortableTable.Cell {
        guard let s else { return .number(nil) }
        return .html("\(HTML.number(s.median)) <span class=\"muted\">(\(HTML.number(s.lowerQuartile))–\(HTML.number(s.upperQuartile)))</span>",
                     sortValue: s.median)
    }

    static func table(_ distributions: [DoseDistribution], id: String, grouping: DoseGrouping) -> SortableTable {
        var rows: [[SortableTable.Cell]] = []
        for d in distributions {
            for m in d.months {
                rows.append([.text(d.group), .text(m.month), .count(m.summaries[.ctdiVol]?.count ?? 0),
                             cell(m.summaries[.ctdiVol]), cell(m.summaries[.dlp]), cell(m.summaries[.ssde]),
                             cell(m.summaries[.effectiveDose])])
            }
        }
        return SortableTable(
            id: "\(id)-table", caption: "Median (IQR) per \(grouping.title) and month",
            columns: [.init(grouping.title.prefix(1).uppercased() + grouping.title.dropFirst()), .init("Month"), .init("Events with CTDIvol", numeric: true),
                      .init("CTDIvol (mGy)", numeric: true), .init("DLP (mGy·cm)", numeric: true), .init("SSDE (mGy)", numeric: true),
                      .init("Effective dose (mSv)", numeric: true)],
            rows: rows)
    }
}
