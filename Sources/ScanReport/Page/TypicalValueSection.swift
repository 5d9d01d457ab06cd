/// "Typical values and DRLs": the median (75th percentile) of each DRL quantity per category, age
/// group, phantom and scanner, all patient sizes, compared with the reference levels of the scan's
/// `--drl-table` (typical-values.csv has the size bands too).
enum TypicalValueSection {
    /// Curves drawn in the size chart (the groups with the most exams).
    static let chartedGroups = 6

    static func html(_ lines: [TypicalValueLine]?, bands: [TypicalValueLine] = []) -> String {
        var out = "<section id=\"typical-values\" aria-labelledby=\"typical-values-heading\"><h2 id=\"typical-values-heading\">Typical values and DRLs</h2>"
        guard let lines else {
            return out + "<p>This folder has no typical-values.csv (written by scans and exports since 2026-11-30): run <code>ctdose export</code> again.</p></section>"
        }
        out += "<p>Typical values (ICRP 135): the median of CTDIvol per diagnostic irradiation event (localizers and monitoring scans left out) "
            + "and of DLP per exam (the run's DLP definition), with the 75th percentile in brackets, per category, age group at the scan, "
            + "dosimetry phantom and scanner, all patient sizes, and the median DLP of the patients of standard weight (Patient's Weight within the "
            + "run's --standard-weight range), and the median effective dose estimate; typical-values.csv also gives them by water-equivalent diameter band. "
            + "Local DRL: the 75th percentile of the medians of the scanners with enough exams, when there are two or more.</p>"
        guard !lines.isEmpty else { return out + "<p>No categorised exam with dose values.</p></section>" }
        let compared = lines.filter(\.isCompared)
        if lines.allSatisfy({ $0.comparison == nil }) {
            out += "<p>No reference level given (<code>ctdose scan … --drl-table FILE</code>): medians only.</p>"
        } else {
            let above = compared.filter(\.isAboveReferenceLevel).count
            out += "<p><strong>\(above)</strong> of \(compared.count) groups compared have a median above their DRL"
                + (above > 0 ? " <span class=\"flag\">(marked)</span>" : "") + ".</p>"
        }
        if let chart = sizeChart(bands) {
            out += "<div class=\"figures\">" + CategorySection.figure(chart, caption: "Median CTDIvol against the median Dw of each size band, all scanners.") + "</div>"
        }
        return out + table(lines).html + "</section>"
    }

    /// Median CTDIvol of each water-equivalent diameter band against the band's median Dw, one curve per
    /// group (period, category, age group, phantom) with two bands or more: how the scanners' automatic
    /// exposure control follows patient size. Nil when no group has two bands.
    static func sizeChart(_ bands: [TypicalValueLine]) -> String? {
        let groups = Dictionary(grouping: bands.filter { $0.dwMedian != nil && $0.ctdiVolMedian != nil }) {
            "\($0.categoryName), \($0.ageGroup), \($0.phantom)" + ($0.period.isEmpty ? "" : " (\($0.period))")
        }
        .filter { $0.value.count >= 2 }
        .sorted { ($0.value.map(\.exams).reduce(0, +), $1.key) > ($1.value.map(\.exams).reduce(0, +), $0.key) }
        guard !groups.isEmpty else { return nil }
        let series = groups.prefix(chartedGroups).enumerated().map { index, group in
            ScatterChart.Series(
                name: group.key, colour: ChartPalette.series(index), shape: MarkerShape.series(index),
                points: group.value.map { line in
                    (line.dwMedian!, line.ctdiVolMedian!, "\(group.key), Dw \(line.sizeBand) cm: median CTDIvol \(HTML.number(line.ctdiVolMedian)) mGy, \(line.exams) exams")
                },
                connected: true)
        }
        let more = groups.count > chartedGroups ? " (the \(chartedGroups) with the most exams of \(groups.count))" : ""
        return ScatterChart(
            id: "typical-values-by-size", title: "Median CTDIvol by patient size",
            description: "Median CTDIvol of each water-equivalent diameter band against the band's median Dw, for \(series.count) groups\(more).",
            xTitle: "Water-equivalent diameter Dw, band median (cm)", yTitle: "Median CTDIvol (mGy)", series: series).svg
    }

    static func medianAnd75th(_ median: Double?, _ upper: Double?) -> SortableTable.Cell {
        guard let median else { return .number(nil) }
        return .html("\(HTML.number(median)) <span class=\"muted\">(\(HTML.number(upper)))</span>", sortValue: median)
    }

    static func pair(_ first: Double?, _ second: Double?) -> SortableTable.Cell {
        guard first != nil || second != nil else { return .text("") }
        return .html("\(HTML.number(first)) / \(HTML.number(second))", sortValue: first ?? second)
    }

    static func table(_ lines: [TypicalValueLine]) -> SortableTable {
        let rows: [[SortableTable.Cell]] = lines.map { line in
            let comparison = line.comparison.map { HTML.escape($0) } ?? ""
            return [
                .text(line.period), .text(line.categoryName), .text(line.ageGroup), .text(line.phantom), .text(line.scanner), .count(line.exams),
                medianAnd75th(line.ctdiVolMedian, line.ctdiVol75th), medianAnd75th(line.dlpMedian, line.dlp75th),
                .number(line.ssdeMedian), .number(line.dwMedian), .number(line.effectiveDoseMedian, places: 2),
                line.standardWeightExams == 0 ? .text("") : .html("\(HTML.number(line.standardWeightDLPMedian)) <span class=\"muted\">(n = \(line.standardWeightExams))</span>",
                                                               sortValue: line.standardWeightDLPMedian),
                pair(line.drlCtdiVol, line.drlDLP),
                pair(line.scannerMediansCtdiVol75th, line.scannerMediansDLP75th),
                .html(line.isAboveReferenceLevel ? "<span class=\"flag\">\(comparison)</span>" : comparison),
            ]
        }
        return SortableTable(
            id: "typical-values-table", caption: "Median (75th percentile) per category, age group, phantom and scanner",
            columns: [.init("Period"), .init("Category"), .init("Age group"), .init("Phantom"), .init("Scanner"), .init("Exams", numeric: true),
                      .init("CTDIvol (mGy)", numeric: true), .init("DLP (mGy·cm)", numeric: true), .init("SSDE (mGy)", numeric: true),
                      .init("Dw (cm)", numeric: true), .init("Effective dose (mSv)", numeric: true), .init("DLP, standard weight (mGy·cm)", numeric: true), .init("DRL CTDIvol / DLP", numeric: true),
                      .init("Local DRL CTDIvol / DLP", numeric: true), .init("Compared with the DRL")],
            rows: rows)
    }
}
