import ArchiveScan
import CSVFormat
import Foundation

/// dose-outliers.csv as the report keeps it: its first rows (the farthest from their protocol) and how
/// many there are; nil for a folder of a scan before 0.11, which has no such file.
public struct DoseOutlierList: Sendable {
    public struct Line: Sendable {
        public var studyInstanceUID, studyDate, scanner, acquisitionProtocol: String
        public var dwCentimeters, ctdiVolMilligray, expectedCTDIvolMilligray, ratio, spreadFactor: Double?
        public var groupEvents: Int?

        init(_ row: CSVRow) {
            (studyInstanceUID, studyDate, scanner, acquisitionProtocol) = (row["studyInstanceUID"], row["studyDate"], row["scanner"], row["acquisitionProtocol"])
            (dwCentimeters, ctdiVolMilligray) = (Double(row["waterEquivalentDiameter_cm"]), Double(row["ctdiVol_mGy"]))
            (expectedCTDIvolMilligray, ratio, spreadFactor) = (Double(row["expectedCtdiVol_mGy"]), Double(row["ratio"]), Double(row["spreadFactor"]))
            groupEvents = Int(row["groupEvents"])
        }
    }

    public var lines: [Line] = []
    public var count = 0
    /// Why each study with an outlier is flagged: its farthest event (the file lists the farthest first).
    public var reasonByStudy: [String: String] = [:]

    /// Rows kept in full; the rest are counted.
    static let listLimit = 200

    mutating func add(_ row: CSVRow) {
        count += 1
        let line = Line(row)
        if lines.count < Self.listLimit { lines.append(line) }
        if reasonByStudy[line.studyInstanceUID] == nil { reasonByStudy[line.studyInstanceUID] = line.reason }
    }
}

extension DoseOutlierList.Line {
    /// "dose for size: CTDIvol 34.90 mGy, 2.50 × its protocol's 13.96 mGy at Dw 25.0 cm (Abdomen)".
    var reason: String {
        "dose for size: CTDIvol \(HTML.number(ctdiVolMilligray, places: 2)) mGy, \(HTML.number(ratio, places: 2)) × its protocol's "
            + "\(HTML.number(expectedCTDIvolMilligray, places: 2)) mGy at Dw \(HTML.number(dwCentimeters, places: 1)) cm (\(acquisitionProtocol))"
    }
}

/// "Dose for size outliers": dose-outliers.csv, the farthest from their protocol first.
enum DoseOutlierSection {
    static func html(_ list: DoseOutlierList?) -> String {
        var out = "<section id=\"dose-outliers\" aria-labelledby=\"dose-outliers-heading\"><h2 id=\"dose-outliers-heading\">Dose for size outliers</h2>"
            + "<p>dose-outliers.csv: diagnostic events whose CTDIvol is at least twice, or at most half, what their scanner's protocol gives "
            + "patients of the same water-equivalent diameter (the protocol's least-squares fit of ln CTDIvol on Dw over all its months, "
            + "centred on its median), and beyond three robust standard deviations of the protocol's own spread (“Spread”: the factor one "
            + "robust SD stands for). A protocol needs 10 events with a measured size over 4 cm of Dw. The ratio (--outlier-ratio) and the "
            + "three deviations are ctdose's choices [U]. High: a protocol wrong for the patient, a modulation that failed, a repeat at a "
            + "higher setting; low: image quality to check. QA phantoms and test patients are left out.</p>"
        guard let list else { return out + "<p>This folder has no dose-outliers.csv (a scan before ctdose 0.11).</p></section>" }
        guard list.count > 0 else { return out + "<p>No outlier: no event lies that far from its protocol at its size.</p></section>" }
        let rows: [[SortableTable.Cell]] = list.lines.map { line in
            [.text(line.studyDate), .text(line.scanner), .text(line.acquisitionProtocol), .number(line.dwCentimeters, places: 1),
             .number(line.ctdiVolMilligray, places: 2), .number(line.expectedCTDIvolMilligray, places: 2), .number(line.ratio, places: 2),
             .number(line.spreadFactor, places: 2), .number(line.groupEvents.map(Double.init), places: 0), .text(line.studyInstanceUID)]
        }
        out += "<p>\(list.count) event\(list.count == 1 ? "" : "s").</p>"
        let listed = rows.count < list.count ? "The \(rows.count) farthest of \(list.count) events" : "Every outlier"
        out += SortableTable(
            id: "dose-outlier-table", caption: "\(listed), the farthest from its protocol first",
            columns: [.init("Study date"), .init("Scanner"), .init("Protocol"), .init("Dw (cm)", numeric: true), .init("CTDIvol (mGy)", numeric: true),
                      .init("Protocol's at this Dw (mGy)", numeric: true), .init("Ratio", numeric: true), .init("Spread", numeric: true),
                      .init("Protocol's events", numeric: true), .init("Study Instance UID")],
            rows: rows).html
        return out + "</section>"
    }
}
