import ArchiveScan
import Foundation

/// "Protocol changes": per scanner and protocol, the months whose technique, CTDIvol or noise level
/// differs from the month before, or whose level drifted from a baseline (protocol-changes.csv,
/// `ProtocolChange`), latest first.
enum ProtocolChangeSection {
    /// Changes listed in full; the rest are counted.
    static let listLimit = 200

    static func html(_ changes: [ProtocolChange]) -> String {
        let defaults = ProtocolChange.Settings()
        var out = "<section id=\"protocol-changes\" aria-labelledby=\"protocol-changes-heading\"><h2 id=\"protocol-changes-heading\">Protocol changes</h2>"
        out += "<p>protocol-changes.csv: for each scanner and protocol, by month of study date, the tube voltage, pitch factor, nominal "
            + "total collimation, exposure time per rotation and CTDI phantom that a clear majority of a month's diagnostic events used (by default "
            + "\(HTML.number(defaults.majority * 100, places: 0)) %), and the reconstruction kernel and slice thickness of their diagnostic "
            + "series, where they differ from the previous month's; and the month's median CTDIvol, "
            + "or global noise, where it moved by a set ratio or more either way and the two months' values differ at a set significance "
            + "(two-sided Mann–Whitney U). By default a month counts with \(defaults.techniqueMinimumEvents) events recording a technique "
            + "and \(defaults.levelMinimumEvents) for a level, and a level changes by \(HTML.number(defaults.ctdiVolRatio, places: 2)) "
            + "(CTDIvol) or \(HTML.number(defaults.noiseRatio, places: 2)) (noise) at p < \(HTML.number(defaults.significance, places: 2)): "
            + "ctdose's choices, unvalidated, set by the scan's --change-… options. Both levels are taken at the group's mean "
            + "water-equivalent diameter where its measured series allow a fit on Dw (ln CTDIvol, as in CTDIvol and noise against size; the "
            + "noise linearly), so that a month of larger patients is not read as a change; otherwise as measured. A level is also set "
            + "against the first month since the group's last change: smaller monthly steps that add up to the ratio show as a drift "
            + "(“Before” then names that month). Protocols first used after their scanner's first month, or no longer used for two "
            + "or more of its months, are listed too (“Protocol in use”). A protocol no longer used and one first used on the same scanner that "
            + "month or the next, with the same usual CTDI phantom, are taken for one protocol renamed when each is the other's only such "
            + "partner or, among several stopped and started together, the other's of the most alike name (the Dice coefficient of their "
            + "letter pairs at least \(HTML.number(defaults.renameNameSimilarity, places: 2)) by default; ctdose's choice): both rows name the other, "
            + "and the changes across the rename are listed as “OLD → NEW”.</p>"
        guard !changes.isEmpty else {
            return out + "<p>No change: no protocol's technique, CTDIvol or noise level differs between months with enough events.</p></section>"
        }
        let shown = changes.prefix(listLimit)
        let rows: [[SortableTable.Cell]] = shown.map { change in
            [.text(change.month), .text(change.scanner), .text(change.acquisitionProtocol),
             .text(change.setting.rawValue + (change.comparison == .baseline ? " (drift)" : "")),
             .text((change.comparison == .baseline ? "since " : "") + change.previousMonth + ": " + change.before), .text(change.after),
             .number(change.ratio, places: 2), .html(change.pValue.map { String(format: "%.1e", $0) } ?? "", sortValue: change.pValue),
             .text(change.basis)]
        }
        let listed = shown.count < changes.count ? "The \(shown.count) latest of \(changes.count) changes" : "Every change (\(changes.count))"
        let groups = Set(changes.map { [$0.scanner, $0.acquisitionProtocol] }).count
        out += "<p>\(changes.count) change\(changes.count == 1 ? "" : "s") in \(groups) protocol\(groups == 1 ? "" : "s").</p>"
        out += SortableTable(
            id: "protocol-change-table", caption: "\(listed), latest month first",
            columns: [.init("Month"), .init("Scanner"), .init("Protocol"), .init("Setting"), .init("Before"), .init("After"),
                      .init("Level ratio", numeric: true), .init("p", numeric: true), .init("Level taken")],
            rows: rows).html
        return out + "</section>"
    }
}
