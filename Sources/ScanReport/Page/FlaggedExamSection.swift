import Foundation
import ArchiveScan

/// "Flagged exams": how many exams are out of range, have warning/error findings or a dose-for-size
/// outlier, and a section for
/// each of the first `ReportLimits.flaggedExamSections` of them.
enum FlaggedExamSection {
    static func html(_ content: ReportContent) -> String {
        let exams = content.flagged
        var out = "<section id=\"flagged\" aria-labelledby=\"flagged-heading\"><h2 id=\"flagged-heading\">Flagged exams (\(content.flaggedCount))</h2>"
        let byFindings = content.flaggedCount - content.flaggedOutOfRangeCount - content.flaggedDoseOutlierOnlyCount
        out += "<p>Exams out of range for the CMS measure, with warning or error findings, or with an event in dose-outliers.csv, "
            + "out-of-range first: \(content.flaggedOutOfRangeCount) out of range, \(byFindings) flagged by findings"
            + (content.flaggedDoseOutlierOnlyCount > 0 ? ", \(content.flaggedDoseOutlierOnlyCount) by dose for size only" : "") + ".</p>"
        if exams.isEmpty { return out + "<p id=\"flagged-none\">No exam is out of range, has warning or error findings or a dose-for-size outlier.</p></section>" }
        if content.flaggedCount > exams.count {
            out += "<p id=\"flagged-unshown\">The first \(exams.count) have a section below; the other \(content.flaggedCount - exams.count) "
                + "are in measure.csv (verdict outOfRange), findings.csv and dose-outliers.csv (<code>ctdose report --flagged-exams N</code> shows more).</p>"
        }
        out += "<ul>" + exams.map { "<li><a href=\"#\($0.anchor)\"><code>\(HTML.escape($0.record.studyInstanceUID))</code></a>: \(HTML.escape($0.reasons.joined(separator: "; ")))</li>" }.joined() + "</ul>"
        for (index, exam) in exams.enumerated() { out += section(exam, number: index + 1) }
        return out + "</section>"
    }

    static func section(_ exam: FlaggedExam, number: Int) -> String {
        let r = exam.record
        let heading = "\(number). \(StudyMonth.isoDate(r.studyDate) ?? "undated") · \(r.studyDescription ?? "no description")"
        var out = "<section class=\"exam\" id=\"\(exam.anchor)\" aria-labelledby=\"\(exam.anchor)-heading\"><h3 id=\"\(exam.anchor)-heading\">\(HTML.escape(heading))</h3>"
        out += "<p class=\"flag\">\(HTML.escape(exam.reasons.joined(separator: "; ")))</p>"
        out += "<dl class=\"summary\"><dt>Study UID</dt><dd><code>\(HTML.escape(r.studyInstanceUID))</code></dd>"
        out += "<dt>Patient</dt><dd>\(HTML.escape(r.patientPseudonym ?? "no ID")) · \(HTML.escape(r.patientAge ?? "age ?")) · \(HTML.escape(r.patientSex ?? "sex ?"))</dd>"
        out += "<dt>Scanner</dt><dd>\(HTML.escape(ScannerName.of(r)))</dd>"
        out += "<dt>DLP total</dt><dd>\(HTML.number(r.dlpTotal)) mGy·cm</dd>"
        if let m = exam.measure {
            out += "<dt>Measure</dt><dd>\(HTML.escape(m.category)): SAD \(HTML.number(m.sizeAdjustedDoseMilligrayCentimeters)) mGy·cm "
                + "(threshold \(HTML.number(m.sadThresholdMilligrayCentimeters, places: 0))), noise \(HTML.number(m.globalNoiseHounsfield)) HU "
                + "(threshold \(HTML.number(m.noiseThresholdHounsfield, places: 0))), diameter \(HTML.number(m.diameterCentimeters)) cm — \(HTML.escape(m.verdict))</dd>"
        }
        out += "</dl>"
        out += eventsTable(r, id: "\(exam.anchor)-events").html
        out += findingsTable(r, id: "\(exam.anchor)-findings").html
        for (i, profile) in exam.profiles.enumerated() { out += profileFigures(profile, id: "\(exam.anchor)-series-\(i + 1)") }
        return out + "</section>"
    }

    static func eventsTable(_ r: ExamRecord, id: String) -> SortableTable {
        SortableTable(
            id: id, caption: "Irradiation events",
            columns: [.init("#", numeric: true), .init("Type"), .init("Protocol"), .init("Target region"), .init("CTDIvol (mGy)", numeric: true),
                      .init("DLP (mGy·cm)", numeric: true), .init("Phantom"), .init("Scanning length (mm)", numeric: true)],
            rows: r.events.enumerated().map { i, e in
                [.count(i + 1), .text(e.acquisitionType), .text(e.acquisitionProtocol), .text(e.targetRegion), .number(e.ctdiVol, places: 2),
                 .number(e.dlp, places: 1), .text(e.phantom), .number(e.scanningLength, places: 0)]
            }, downloadable: false)  // findings.csv and events.csv hold every exam's
    }

    static func findingsTable(_ r: ExamRecord, id: String) -> SortableTable {
        let ordered = r.findings.sorted { ($0.severity, $1.code.rawValue) > ($1.severity, $0.code.rawValue) }
        return SortableTable(
            id: id, caption: "Findings",
            columns: [.init("Severity"), .init("Code"), .init("Subject"), .init("Message"), .init("Expected"), .init("Actual"), .init("Tolerance")],
            rows: ordered.map { f in
                [.html("<span class=\"badge sev-\(f.severity.rawValue)\">\(f.severity.rawValue)</span>"), .text(f.code.rawValue), .text(f.subject),
                 .text(f.message), .text(f.expected), .text(f.actual), .text(f.tolerance)]
            }, downloadable: false)
    }

    static func profileFigures(_ p: FlaggedExam.SeriesProfile, id: String) -> String {
        var out = "<h4>Series <code>\(HTML.escape(p.seriesInstanceUID))</code> <span class=\"muted\">(size: \(HTML.escape(p.sizeMethod)))</span></h4><div class=\"figures\">"
        if p.slices.isEmpty {
            out += "<p>No analysed slices in slices.csv for this series.</p>"
        } else {
            let chart = ProfileChart(id: "\(id)-profile", title: "Water-equivalent diameter along the scan", slices: p.slices, midScanZMillimeters: p.midScanZMillimeters)
            out += CategorySection.figure(chart.svg, caption: "Dw(z) from slices.csv (\(p.slices.count) slices); dashed: mid-scan slice.")
        }
        let position = p.midScanZMillimeters.map { " at z = \(HTML.number($0)) mm" } ?? ""
        if let png = p.midScanThumbnailPNG {
            out += "<figure><img src=\"data:image/png;base64,\(png.base64EncodedString())\" alt=\"Mid-scan slice\(HTML.escape(position)) "
                + "with the measured patient outline in orange\"><figcaption>Mid-scan slice\(HTML.escape(position)) as measured: "
                + "soft-tissue window, patient outline in orange. SOP <code>\(HTML.escape(p.midScanSOPInstanceUID ?? "?"))</code>"
                + "</figcaption></figure>"
        } else if let ap = p.midScanAPCentimeters, let lat = p.midScanLateralCentimeters {
            let schematic = OutlineSchematic(id: "\(id)-midscan", apCentimeters: ap, lateralCentimeters: lat,
                                             waterEquivalentDiameterCentimeters: p.midScanWaterEquivalentDiameterCentimeters,
                                             sopInstanceUID: p.midScanSOPInstanceUID, truncated: p.midScanTruncated)
            out += "<figure>\(schematic.svg)<figcaption>Mid-scan slice\(HTML.escape(position)): schematic ellipse of the measured LAT × AP, "
                + "not the image. SOP <code>\(HTML.escape(p.midScanSOPInstanceUID ?? "?"))</code></figcaption></figure>"
        }
        return out + "</div>"
    }
}
