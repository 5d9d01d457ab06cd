import ArchiveScan
import Foundation

/// "Protocol changes": per scanner and protocol, the months whose technique or CTDIvol level differs
/// from the month before (ProtocolChange), latest first.
enum ProtocolChangeSection {
    /// Changes listed in full; the rest are counted.
    static let listLimit = 200

    static func html(_ changes: [ProtocolChange]) -> String {
        let ctdiVolRatio = HTML.number(ProtocolChange.Setting.ctdiVolLevel.ratio, places: 2)
        let noiseRatio = HTML.number(ProtocolChange.Setting.noiseLevel.ratio, places: 2)
        var out = "<section id=\"protocol-changes\" aria-labelledby=\"protocol-changes-heading\"><h2 id=\"protocol-changes-heading\">Protocol changes</h2>"
        out += "<p>For each scanner and protocol, by month of study date: the tube voltage, pitch factor, nominal total collimation and CTDI "
            + "phantom that more than half of a month's diagnostic events used, and the reconstruction kernel and slice thickness of their "
            + "diagnostic series, where they differ from the previous month's (a month counts with \(ProtocolChange.minimumEvents) events "
            + "that record the value); and the month's median CTDIvol, or global noise, where it moved by a factor of \(ctdiVolRatio), or "
            + "\(noiseRatio) for the noise, or more either way, and the two months' values differ at p < "
            + "\(HTML.number(ProtocolChange.levelSignificance, places: 2)) (two-sided Mann–Whitney U) (a month counts with "
            + "\(ProtocolChange.levelMinimumEvents) events; ctdose's choices, unvalidated). Both levels are taken at the group's mean water-equivalent diameter where its measured series allow "
            + "a fit on Dw (ln CTDIvol, as in CTDIvol and noise against size; the noise linearly), so that a month of larger patients is "
            + "not read as a change; otherwise as measured.</p>"
        guard !changes.isEmpty else {
            return out + "<p>No change: no protocol's technique or CTDIvol level differs between months with enough events.</p></section>"
        }
        let shown = changes.prefix(listLimit)
        let rows: [[SortableTable.Cell]] = shown.map { change in
            [.text(change.month), .text(change.scanner), .text(change.acquisitionProtocol), .text(change.setting.rawValue),
             .text(change.previousMonth + ": " + change.before), .text(change.after),
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
