import Foundation

// How exams are grouped in the reports and in protocol-changes.csv: by scanner, by month of study date,
// by protocol name, and with the size their measured series gave.

/// How reports name a scanner.
public enum ScannerName {
    /// "Manufacturer Model (station)", leaving out what is unknown; "unknown scanner" when nothing is.
    public static func of(_ exam: ExamRecord) -> String {
        let name = [exam.manufacturer, exam.model].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: " ")
        let station = exam.stationName.flatMap { $0.isEmpty ? nil : " (\($0))" } ?? ""
        return name.isEmpty ? (station.isEmpty ? "unknown scanner" : "station" + station) : name + station
    }
}

/// Study dates (DICOM DA, "YYYYMMDD") as ISO dates and months.
public enum StudyMonth {
    /// "YYYY-MM-DD" from "YYYYMMDD" (or an ISO date already); nil when not a plausible date
    /// (year 0, month outside 1–12, day outside 1–31).
    public static func isoDate(_ da: String?) -> String? {
        guard let da else { return nil }
        let digits = da.filter(\.isNumber)
        guard digits.count == 8 else { return nil }
        let d = Array(digits)
        let year = String(d[0..<4]), month = String(d[4..<6]), day = String(d[6..<8])
        guard let y = Int(year), let m = Int(month), let dd = Int(day), y > 0, (1...12).contains(m), (1...31).contains(dd) else { return nil }
        return year + "-" + month + "-" + day
    }

    /// The month of an exam without a plausible study date.
    public static let undated = "undated"

    /// "YYYY-MM" of a study date; `undated` when there is none.
    public static func month(_ da: String?) -> String {
        isoDate(da).map { String($0.prefix(7)) } ?? undated
    }
}

extension ExamRecord.Event {
    /// The acquisition protocol's name, trimmed; "no protocol name" when there is none.
    public var protocolName: String {
        guard let name = acquisitionProtocol?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return "no protocol name" }
        return name
    }
}

extension ExamRecord {
    /// The Dw (cm) of the event's measured diagnostic series (its length-weighted mean, else its
    /// mid-scan slice's) when its mid-scan slice is whole (a truncated one understates Dw).
    public func measuredDwCentimeters(of event: Event) -> Double? {
        guard let uid = event.diagnosticSeriesUID, let series = seriesMeasurements.first(where: { $0.seriesInstanceUID == uid }),
              series.midScanTruncated != true, let dw = series.meanWaterEquivalentDiameterCentimeters ?? series.midScan?.waterEquivalent, dw > 0
        else { return nil }
        return dw
    }

    /// The mean CT number (HU) over the outline of the event's diagnostic series' mid-scan slice, from
    /// its two diameters: (Dw ÷ area-equivalent diameter)² = Aw ÷ A = mean(HU) / 1000 + 1 (AAPM 220's
    /// sum; pixels below −1000 HU count as −1000). For a water phantom, its water's CT number with the
    /// shell's share. Nil when the slice is truncated.
    public func midScanMeanHounsfield(of event: Event) -> Double? {
        guard let uid = event.diagnosticSeriesUID, let series = seriesMeasurements.first(where: { $0.seriesInstanceUID == uid }),
              series.midScanTruncated != true, let mid = series.midScan, mid.areaEquivalent > 0 else { return nil }
        let ratio = mid.waterEquivalent / mid.areaEquivalent
        return 1000 * (ratio * ratio - 1)
    }

    /// The tissue global noise (HU) of the event's measured diagnostic series.
    public func globalNoiseHounsfield(of event: Event) -> Double? {
        guard let uid = event.diagnosticSeriesUID else { return nil }
        return seriesMeasurements.first { $0.seriesInstanceUID == uid }?.globalNoiseTissueHounsfield
    }
}
