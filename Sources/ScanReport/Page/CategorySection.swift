/// "CMS CT measure by category": per category, SAD and noise against patient size with the
/// thresholds, and the out-of-range rate.
enum CategorySection {
    static func html(_ categories: [CategoryOverview]) -> String {
        var out = "<section id=\"categories\" aria-labelledby=\"categories-heading\"><h2 id=\"categories-heading\">CMS CT measure by category</h2>"
        out += "<p>Size-adjusted dose (SAD) and global noise of each exam against its patient diameter, with the category thresholds. "
            + "Out of range: SAD or noise above its threshold. Rate = out of range / (in range + out of range); "
            + "excluded and not-evaluable exams are outside the denominator.</p>"
        out += rateTable(categories).html
        if categories.isEmpty { out += "<p>No categorized exams (measure.csv absent or empty).</p>" }
        for (index, category) in categories.enumerated() {
            let slug = "category-\(index + 1)"
            out += "<section id=\"\(slug)\" aria-labelledby=\"\(slug)-heading\"><h3 id=\"\(slug)-heading\">\(HTML.escape(category.category))</h3>"
            out += "<p>\(rateText(category))</p><div class=\"figures\">"
            let sad = sadChart(category, id: "\(slug)-sad"), noise = noiseChart(category, id: "\(slug)-noise")
            out += figure(sad.svg, caption: "SAD against patient diameter; dashed line: SAD threshold."
                          + sampleNote(category.sadPointCounts, limit: category.markerLimit, drawn: sad.series.map(\.points.count).reduce(0, +)))
            out += figure(noise.svg, caption: "Global noise against patient diameter; dashed line: noise threshold."
                          + sampleNote(category.noisePointCounts, limit: category.markerLimit, drawn: noise.series.map(\.points.count).reduce(0, +)))
            out += "</div></section>"
        }
        return out + "</section>"
    }

    static func rateText(_ c: CategoryOverview) -> String {
        let rate = c.outOfRangePercent.map { HTML.number($0) + " %" } ?? "no evaluable exams"
        return "Out of range: <strong>\(c.outOfRangeCount) / \(c.evaluatedCount)</strong> (\(rate)); \(c.notEvaluatedCount) excluded or not evaluable."
    }

    static func rateTable(_ categories: [CategoryOverview]) -> SortableTable {
        SortableTable(
            id: "category-rates", caption: "Out-of-range rate per category",
            columns: [.init("Category"), .init("Out of range", numeric: true), .init("Evaluated", numeric: true),
                      .init("Rate (%)", numeric: true), .init("Not evaluated", numeric: true),
                      .init("SAD threshold (mGy·cm)", numeric: true), .init("Noise threshold (HU)", numeric: true)],
            rows: categories.sorted { ($0.outOfRangePercent ?? -1, $1.category) > ($1.outOfRangePercent ?? -1, $0.category) }.map { c in
                [.text(c.category), .count(c.outOfRangeCount), .count(c.evaluatedCount), .number(c.outOfRangePercent),
                 .count(c.notEvaluatedCount), .number(c.sadThresholdMilligrayCentimeters, places: 0),
                 .number(c.noiseThresholdHounsfield, places: 0)]
            })
    }

    static func figure(_ svg: String, caption: String) -> String {
        "<figure>\(svg)<figcaption>\(HTML.escape(caption))</figcaption></figure>"
    }

    /// In range, out of range and the rest, each with its own colour and shape; `counts` are the exams
    /// each group has in the chart, drawn or not.
    static func verdictSeries(_ points: [(x: Double, y: Double, label: String, verdict: String)],
                              counts: [CategoryOverview.VerdictGroup: Int]) -> [ScatterChart.Series] {
        let groups: [(CategoryOverview.VerdictGroup, String, String, MarkerShape)] = [
            (.inRange, "in range", ChartPalette.blue, .circle),
            (.outOfRange, "out of range", ChartPalette.vermillion, .triangle),
            (.other, "excluded / not evaluable", ChartPalette.reddishPurple, .square),
        ]
        return groups.compactMap { group, name, colour, shape in
            let selected = points.filter { CategoryOverview.VerdictGroup($0.verdict) == group }.map { (x: $0.x, y: $0.y, label: $0.label) }
            let total = max(counts[group] ?? 0, selected.count)
            let count = total == selected.count ? "\(total)" : "\(total); \(selected.count) drawn"
            return selected.isEmpty ? nil : ScatterChart.Series(name: "\(name) (\(count))", colour: colour, shape: shape, points: selected)
        }
    }

    /// Said under a chart that draws a sample.
    static func sampleNote(_ counts: [CategoryOverview.VerdictGroup: Int], limit: Int, drawn: Int) -> String {
        let total = counts.values.reduce(0, +)
        return total > drawn
            ? " \(drawn) of \(total) exams drawn: up to \(limit) per verdict, a fixed sample (the same exams each time)."
            : ""
    }

    static func sadChart(_ c: CategoryOverview, id: String) -> ScatterChart {
        let points = c.exams.compactMap { e -> (x: Double, y: Double, label: String, verdict: String)? in
            guard let d = e.diameterCentimeters, let sad = e.sizeAdjustedDoseMilligrayCentimeters else { return nil }
            return (d, sad, "\(e.studyInstanceUID): D \(HTML.number(d)) cm, SAD \(HTML.number(sad)) mGy·cm", e.verdict)
        }
        return ScatterChart(
            id: id, title: "\(c.category): SAD against patient diameter",
            description: "\(c.sadPointCounts.values.reduce(0, +)) exams; SAD threshold \(HTML.number(c.sadThresholdMilligrayCentimeters, places: 0)) mGy·cm; \(c.outOfRangeCount) of \(c.evaluatedCount) evaluated exams out of range.",
            xTitle: "Patient diameter (cm)", yTitle: "SAD (mGy·cm)", series: verdictSeries(points, counts: c.sadPointCounts),
            reference: c.sadThresholdMilligrayCentimeters.map { ($0, "threshold \(HTML.number($0, places: 0)) mGy·cm") })
    }

    static func noiseChart(_ c: CategoryOverview, id: String) -> ScatterChart {
        let points = c.exams.compactMap { e -> (x: Double, y: Double, label: String, verdict: String)? in
            guard let d = e.diameterCentimeters, let noise = e.globalNoiseHounsfield else { return nil }
            return (d, noise, "\(e.studyInstanceUID): D \(HTML.number(d)) cm, noise \(HTML.number(noise)) HU", e.verdict)
        }
        return ScatterChart(
            id: id, title: "\(c.category): global noise against patient diameter",
            description: "\(c.noisePointCounts.values.reduce(0, +)) exams; noise threshold \(HTML.number(c.noiseThresholdHounsfield, places: 0)) HU.",
            xTitle: "Patient diameter (cm)", yTitle: "Global noise (HU)", series: verdictSeries(points, counts: c.noisePointCounts),
            reference: c.noiseThresholdHounsfield.map { ($0, "threshold \(HTML.number($0, places: 0)) HU") })
    }
}
