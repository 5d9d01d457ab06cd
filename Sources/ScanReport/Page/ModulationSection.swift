import Foundation

/// "CTDIvol and noise against size": per scanner, protocol and phantom, how tube-current modulation
/// answered patient size (ModulationResponse), the groups with most events first.
enum ModulationSection {
    /// Groups listed in full.
    static let listLimit = 50
    /// Groups with a fit drawn, most events first.
    static let chartLimit = 6

    static func html(_ responses: [ModulationResponse]) -> String {
        var out = "<section id=\"modulation\" aria-labelledby=\"modulation-heading\"><h2 id=\"modulation-heading\">CTDIvol and noise against size</h2>"
            + "<p>For each scanner, protocol and CTDI phantom: least-squares fits of ln CTDIvol and of the global noise against the "
            + "water-equivalent diameter of the event's measured series (mid-scan slice whole), over its diagnostic events. Modulation that "
            + "holds noise constant raises CTDIvol with size and leaves the noise slope near zero; a fixed tube current leaves CTDIvol flat "
            + "and noise rising. A fit needs \(ModulationResponse.minimumEvents) events over at least "
            + "\(HTML.number(ModulationResponse.minimumDwSpreadCentimeters, places: 0)) cm of Dw (ctdose's choice).</p>"
        guard !responses.isEmpty else { return out + "<p>No diagnostic event has a CTDIvol and a measured series.</p></section>" }
        let shown = responses.prefix(listLimit)
        let rows: [[SortableTable.Cell]] = shown.map { r in
            [.text(r.scanner), .text(r.acquisitionProtocol), .text(r.phantom), .count(r.eventCount),
             .text(HTML.number(r.dwRangeCentimeters.lowerBound, places: 1) + "–" + HTML.number(r.dwRangeCentimeters.upperBound, places: 1)),
             .number(r.ctdiVolChangePerCentimeter.map { $0 * 100 }), .number(r.ctdiVolRSquared, places: 2),
             .number(r.ctdiVolAtMeanDwMilligray, places: 2), .number(r.meanDwCentimeters), .count(r.noiseEventCount),
             .number(r.noiseSlopeHounsfieldPerCentimeter, places: 2)]
        }
        let listed = shown.count < responses.count ? "The \(shown.count) groups with most events of \(responses.count)" : "Every group"
        out += SortableTable(
            id: "modulation-table", caption: "\(listed); – where there are too few events or too narrow a size range for a fit",
            columns: [.init("Scanner"), .init("Protocol"), .init("Phantom"), .init("Events", numeric: true), .init("Dw range (cm)"),
                      .init("CTDIvol change per cm of Dw (%)", numeric: true), .init("R²", numeric: true),
                      .init("CTDIvol at mean Dw (mGy)", numeric: true), .init("Mean Dw (cm)", numeric: true),
                      .init("Events with noise", numeric: true), .init("Noise slope (HU per cm)", numeric: true)],
            rows: rows).html
        let charted = responses.filter { $0.ctdiVolFit != nil }.prefix(chartLimit)
        if !charted.isEmpty {
            out += "<div class=\"figures\">" + charted.enumerated().map { index, response in
                CategorySection.figure(chart(response, id: "modulation-chart-\(index + 1)").svg, caption: caption(response))
            }.joined() + "</div>"
        }
        return out + "</section>"
    }

    /// The group's events (a fixed sample when there are many) and its fitted curve.
    static func chart(_ r: ModulationResponse, id: String) -> ScatterChart {
        var series = [ScatterChart.Series(
            name: "events (\(r.points.count < r.eventCount ? "\(r.points.count) of \(r.eventCount) drawn" : "\(r.eventCount)"))",
            colour: ChartPalette.blue, shape: .circle, points: r.points.map { (x: $0.dwCentimeters, y: $0.ctdiVolMilligray, label: $0.label) })]
        if let fit = r.ctdiVolFit {
            let low = r.dwRangeCentimeters.lowerBound, high = r.dwRangeCentimeters.upperBound
            let curve = (0...20).map { step -> (x: Double, y: Double, label: String) in
                let dw = low + (high - low) * Double(step) / 20
                return (dw, exp(fit.intercept + fit.slope * dw), "fit: Dw \(HTML.number(dw)) cm")
            }
            series.append(ScatterChart.Series(name: "fit", colour: ChartPalette.vermillion, shape: .diamond, points: curve, connected: true))
        }
        return ScatterChart(
            id: id, title: "\(r.scanner) · \(r.acquisitionProtocol): CTDIvol against Dw",
            description: "\(r.eventCount) events on the \(r.phantom) phantom; CTDIvol changes \(HTML.number(r.ctdiVolChangePerCentimeter.map { $0 * 100 })) % per cm of Dw.",
            xTitle: "Water-equivalent diameter (cm)", yTitle: "CTDIvol (mGy)", series: series)
    }

    static func caption(_ r: ModulationResponse) -> String {
        "\(r.scanner), \(r.acquisitionProtocol) (\(r.phantom)): CTDIvol of each event against its series' Dw, and the fitted "
            + "CTDIvol = \(HTML.number(r.ctdiVolAtMeanDwMilligray, places: 2)) mGy × e^(\(HTML.number(r.ctdiVolFit?.slope, places: 3)) / cm × "
            + "(Dw − \(HTML.number(r.meanDwCentimeters)) cm)), "
            + "R² \(HTML.number(r.ctdiVolRSquared, places: 2))."
    }
}
