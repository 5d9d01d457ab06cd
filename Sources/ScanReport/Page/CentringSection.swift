/// "Patient centring": per scanner, where patients lay relative to the isocentre (vertical offset of
/// the body's centre, mean over each series' whole slices), and why other series have no centring.
enum CentringSection {
    static func html(_ overview: CentringOverview) -> String {
        var out = "<section id=\"centring\" aria-labelledby=\"centring-heading\"><h2 id=\"centring-heading\">Patient centring</h2>"
            + "<p>The vertical distance of the patient's centre (the centroid of the body outline) from the isocentre, averaged over the "
            + "slices of each measured series whose outline is whole; negative is below the isocentre (towards the table). Off-centring "
            + "changes the dose behind the bowtie filter and what tube-current modulation reads from the localizer. The isocentre comes "
            + "from Data Collection Center (Patient) where the images record it, else from the patient-coordinate origin where Table Height "
            + "(0018,1130) confirms it: the body must rest just above the table top it gives.</p>"
        if overview.scanners.isEmpty {
            out += "<p>No measured series has a centring.</p>"
        } else {
            let rows: [[SortableTable.Cell]] = overview.scanners.map { line in
                [.text(line.scanner), .count(line.seriesCount), .number(line.meanVerticalMillimeters),
                 .number(line.verticalStandardDeviationMillimeters),
                 .count(line.belowIsocentreCount), .count(line.flaggedCount)]
            }
            out += SortableTable(
                id: "centring-table", caption: "Vertical offset of the patient's centre from the isocentre, by scanner",
                columns: [.init("Scanner"), .init("Series", numeric: true), .init("Mean (mm)", numeric: true), .init("SD (mm)", numeric: true),
                          .init("Below isocentre", numeric: true), .init("PATIENT_OFF_CENTRE", numeric: true)],
                rows: rows).html
        }
        if !overview.seriesWithoutCentring.isEmpty {
            let reasons = overview.seriesWithoutCentring.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
                .map { "<li>\($0.value) × \(HTML.escape($0.key))</li>" }.joined()
            out += "<p>Measured series without a centring:</p><ul>\(reasons)</ul>"
        }
        return out + "</section>"
    }
}
