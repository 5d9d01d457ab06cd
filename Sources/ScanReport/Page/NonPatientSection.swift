/// "QA phantoms and test patients": their scans as a constancy log, each event's CTDIvol and noise beside
/// the median of the same scanner, protocol and tube voltage.
enum NonPatientSection {
    /// Events listed in full (the latest by study date); the rest are counted.
    static let listLimit = 500

    static func html(_ log: NonPatientLog) -> String {
        var out = "<section id=\"non-patients\" aria-labelledby=\"non-patients-heading\">"
            + "<h2 id=\"non-patients-heading\">QA phantoms and test patients</h2>"
            + "<p>Exams whose subject is not a patient (exams.csv nonPatient: Quality Control Subject, or the words of the patient's name, "
            + "the study description or every event's protocol; the words are ctdose's choice [U], options --non-patient-words and "
            + "--non-patient-description-words). They are left out of every distribution, typical value, measure and protocol change "
            + "above. A phantom scanned again and again with one protocol is a constancy record of its scanner: each event's CTDIvol "
            + "and global noise are shown beside the median of the same scanner, protocol and tube voltage in this folder, with the mean "
            + "CT number over the outline of its mid-scan slice, (Dw ÷ area-equivalent diameter)² − 1 in thousandths: for a water "
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
        let listed = rows.count < log.eventCount ? "The latest \(rows.count) of \(log.eventCount) events" : "Every event"
        out += SortableTable(
            id: "non-patients-table", caption: "\(listed), by scanner, protocol, kV and date",
            columns: [.init("Study date"), .init("Scanner"), .init("Protocol"), .init("kV", numeric: true), .init("CTDIvol (mGy)", numeric: true),
                      .init("CTDIvol ÷ median", numeric: true), .init("Noise (HU)", numeric: true), .init("Noise ÷ median", numeric: true),
                      .init("Mean HU, mid-scan", numeric: true), .init("Why not a patient")],
            rows: rows).html
        return out + "</section>"
    }
}
