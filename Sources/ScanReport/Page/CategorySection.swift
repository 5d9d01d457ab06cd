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
            out += figure(sadChart(category, id: "\(slug)-sad").svg, caption: "SAD against patient diameter; dashed line: SAD threshold.")
            out += figure(noiseChart(category, id: "\(slug)-noise").svg, caption: "Global noise against patient diameter; dashed line: noise threshold.")
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

    /// In range, out of range and the rest, each with its own colour and shape.
    static func verdictSeries(_ points: [(x: Double, y: Double, label: String, verdict: String)]) -> [ScatterChart.Series] {
        let groups: [(String, String, MarkerShape, (String) -> Bool)] = [
            ("in range", ChartPalette.blue, .circle, { $0 == "inRange" }),
            ("out of range", ChartPalette.vermillion, .triangle, { $0 == "outOfRange" }),
            ("excluded / not evaluable", ChartPalette.reddishPurple, .square, { $0 != "inRange" && $0 != "outOfRange" }),
        ]
        return groups.compactMap { name, colour, shape, matches in
            let selected = points.filter { matches($0.verdict) }.map { (x: $0.x, y: $0.y, label: $0.label) }
            return selected.isEmpty ? nil : ScatterChart.Series(name: "\(name) (\(selected.count))", colour: colour, shape: shape, points: selected)
        }
    }

    static func sadChart(_ c: CategoryOverview, id: String) -> ScatterChart {
        let points = c.exams.compactMap { e -> (x: Double, y: Double, label: String, verdict: String)? in
            guard let d = e.diameterCentimeters, let sad = e.sizeAdjustedDoseMilligrayCentimeters else { return nil }
            return (d, sad, "\(e.studyInstanceUID): D \(HTML.number(d)) cm, SAD \(HTML.number(sad)) mGy·cm", e.verdict)
        }
        return ScatterChart(
            id: id, title: "\(c.category): SAD against patient diameter",
            description: "\(points.count) exams; SAD threshold \(HTML.number(c.sadThresholdMilligrayCentimeters, places: 0)) mGy·cm; \(c.outOfRangeCount) of \(c.evaluatedCount) evaluated exams out of range.",
            xTitle: "Patient diameter (cm)", yTitle: "SAD (mGy·cm)", series: verdictSeries(points),
            reference: c.sadThresholdMilligrayCentimeters.map { ($0, "threshold \(HTML.number($0, places: 0)) mGy·cm") })
    }

    static func noiseChart(_ c: CategoryOverview, id: String) -> ScatterChart {
        let points = c.exams.compactMap { e -> (x: Double, y: Double, label: String, verdict: String)? in
            guard let d = e.diameterCentimeters, let noise = e.globalNoiseHounsfield else { return nil }
            return (d, noise, "\(e.studyInstanceUID): D \(HTML.number(d)) cm, noise \(HTML.number(noise)) HU", e.verdict)
        }
        return ScatterChart(
            id: id, title: "\(c.category): global noise against patient diameter",
            description: "\(points.count) exams; noise threshold \(HTML.number(c.noiseThresholdHounsfield, places: 0)) HU.",
            xTitle: "Patient diameter (cm)", yTitle: "Global noise (HU)", series: verdictSeries(points),
            reference: c.noiseThresholdHounsfield.map { ($0, "threshold \(HTML.number($0, places: 0)) HU") })
    }
}
