import Foundation

/// "QA phantoms and test patients": their scans as a constancy log, each event's CTDIvol and noise beside
/// the median of the same scanner, protocol and tube voltage.
enum NonPatientSection {
    /// Events listed in full (the latest by study date); the rest are counted.
    static let listLimit = 500

    static func html(_ log: NonPatientLog) -> String {
        var out = "<section id=\"non-patients\" aria-labelledby=\"non-patients-heading\">"
            + "<h2 id=\"non-patients-heading\">QA phantoms and test patients</h2>"
            + "<p>Exams whose subject is not a patient (exams.csv nonPatient: Quality Control Subject, the words of the patient's name, "
            + "the study description or every event's protocol, your list, or images that show a cylinder, round and the same along "
            + "the series; the words and the shape's tolerance are ctdose's choice [U], options --non-patient-words, "
            + "--non-patient-description-words, --non-patient-list and --phantom-shape). They are left out of every distribution, typical value, measure and protocol change "
            + "above. A phantom scanned again and again with one protocol is a constancy record of its scanner: each event's CTDIvol "
            + "and global noise are shown beside the median of the same scanner, protocol and tube voltage in this folder, with the mean "
            + "CT number over the outline of its mid-scan slice, 1000 × ((Dw ÷ area-equivalent diameter)² − 1): for a water "
            + "phantom its water's CT number, the shell's share included. No tolerance is applied.</p>"
        guard log.examCount > 0 else { return out + "<p>No exam of a QA phantom or test patient.</p></section>" }
        let latest = log.lines.indices.sorted { log.lines[$0].studyDate > log.lines[$1].studyDate }.prefix(listLimit).sorted()
        let rows: [[SortableTable.Cell]] = latest.map { index in
            let line = log.lines[index]
            return [.text(line.studyDate), .text(line.scanner), .text(line.acquisitionProtocol), .number(line.kvp, places: 0),
                    .number(line.ctdiVol, places: 2), .number(line.ctdiVolRatio, places: 2), .number(line.noiseHounsfield, places: 1),
                    .number(line.noiseRatio, places: 2), .number(line.meanHounsfield, places: 1), .text(line.reason)]
        }
        out += "<p>\(log.examCount) exam\(log.examCount == 1 ? "" : "s"), \(log.eventCount) event\(log.eventCount == 1 ? "" : "s") other than localizers.</p>"
        out += charts(log)
        let listed = rows.count < log.eventCount ? "The latest \(rows.count) of \(log.eventCount) events" : "Every event"
        out += SortableTable(
            id: "non-patients-table", caption: "\(listed), by scanner, protocol, kV and date",
            columns: [.init("Study date"), .init("Scanner"), .init("Protocol"), .init("kV", numeric: true), .init("CTDIvol (mGy)", numeric: true),
                      .init("CTDIvol ÷ median", numeric: true), .init("Noise (HU)", numeric: true), .init("Noise ÷ median", numeric: true),
                      .init("Mean HU, mid-scan", numeric: true), .init("Why not a patient")],
            rows: rows).html
        return out + "</section>"
    }

    /// Groups of the same scanner, protocol and kV charted: those with most events.
    static let chartedGroups = 8
    /// Events a group needs to be charted.
    static let chartedGroupMinimum = 3
    /// A charted group's latest events drawn (about a year of daily sessions), to keep the page light.
    static let chartedPointsPerGroup = 400

    /// Control charts: each charted group's CTDIvol and noise ÷ its median against the study date.
    static func charts(_ log: NonPatientLog) -> String {
        let byGroup = Dictionary(grouping: log.lines.filter { day($0.studyDate) != nil }) {
            "\($0.scanner) · \($0.acquisitionProtocol)" + ($0.kvp.map { " · " + HTML.number($0, places: 0) + " kV" } ?? "")
        }
        let groups = byGroup.filter { $0.value.count >= chartedGroupMinimum }
            .sorted { ($1.value.count, $0.key) < ($0.value.count, $1.key) }.prefix(chartedGroups)
        guard let first = groups.flatMap({ $0.value.map(\.studyDate) }).min(), let origin = day(first) else { return "" }
        func chart(_ id: String, _ quantity: String, _ ratio: (NonPatientLog.Line) -> Double?) -> String {
            let series = groups.enumerated().map { index, group in
                ScatterChart.Series(
                    name: group.key, colour: ChartPalette.series(index), shape: MarkerShape.series(index),
                    points: group.value.sorted { $0.studyDate < $1.studyDate }.suffix(chartedPointsPerGroup).compactMap { line in
                        guard let value = ratio(line), let day = day(line.studyDate) else { return nil }
                        return (x: Double(day - origin), y: value, label: "\(line.studyDate): \(HTML.number(value, places: 2))")
                    }, connected: true)
            }
            let svg = ScatterChart(id: id, title: "\(quantity) of the QA sessions", description: "\(quantity) ÷ its group's median against the days since \(first)",
                                   xTitle: "Days since \(first)", yTitle: "\(quantity) ÷ median", series: series, reference: (1, "median")).svg
            return CategorySection.figure(svg, caption: "\(quantity) of each event ÷ the median of its scanner, protocol and kV, by study date "
                                          + "(the \(groups.count) group\(groups.count == 1 ? "" : "s") with most events, \(chartedGroupMinimum) or more; "
                                          + "each group's latest \(chartedPointsPerGroup) drawn).")
        }
        return "<div class=\"figures\">" + chart("non-patients-ctdivol", "CTDIvol", \.ctdiVolRatio)
            + chart("non-patients-noise", "Global noise", \.noiseRatio) + "</div>"
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Days since 1970-01-01 of an ISO date "YYYY-MM-DD"; nil for "undated".
    static func day(_ iso: String) -> Int? {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return nil }
        return Int((date.timeIntervalSince1970 / 86_400).rounded())
    }
}
