import DoseModel
import DoseValidation
import Foundation
import QualityMeasures

/// Writes a scan's results into an output folder: exams.jsonl, exams.csv, events.csv, problems.csv.
/// Each file is written to a temporary name and renamed, so a reader never sees half a file.
public struct ScanOutputWriter {
    public let folder: String
    public let pseudonymizer: Pseudonymizer
    /// When set, the CMS CT measures are evaluated and measure.csv, measure-summary.*,
    /// sensitivity.csv and measure-fhir.json are written too.
    public let measures: MeasureConfiguration?

    public init(folder: String, pseudonymizer: Pseudonymizer, measures: MeasureConfiguration? = nil) {
        self.folder = folder
        self.pseudonymizer = pseudonymizer
        self.measures = measures
    }

    public func write(_ result: ScanResult) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let records = result.exams.map {
            ExamRecord($0, pseudonymizer: pseudonymizer, measurements: result.seriesMeasurements[$0.studyInstanceUID] ?? [],
                       findings: result.findings[$0.studyInstanceUID] ?? [])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var jsonl = ""
        for record in records {
            jsonl += String(decoding: try encoder.encode(record), as: UTF8.self) + "\n"
        }
        try save(jsonl, as: "exams.jsonl")
        try save(examsCSV(records), as: "exams.csv")
        try save(eventsCSV(records), as: "events.csv")
        try save(problemsCSV(result.problems), as: "problems.csv")
        try save(slicesCSV(result.slices), as: "slices.csv")
        if !result.thumbnails.isEmpty {
            try FileManager.default.createDirectory(atPath: folder + "/thumbnails", withIntermediateDirectories: true)
            for (uid, png) in result.thumbnails { try png.write(to: URL(fileURLWithPath: folder + "/" + Self.thumbnailPath(seriesInstanceUID: uid))) }
        }
        try save(FindingsCSV.text(result.exams.flatMap { result.findings[$0.studyInstanceUID] ?? [] }), as: "findings.csv")
        if let measures {
            let (inputs, _) = MeasureInputBuilder.inputs(for: result, pseudonymizer: pseudonymizer)
            let outputs = try MeasureOutputs.run(inputs, configuration: measures)
            for (name, data) in outputs.files.sorted(by: { $0.key < $1.key }) {
                try save(String(decoding: data, as: UTF8.self), as: name)
            }
        }
    }

    func examsCSV(_ records: [ExamRecord]) -> String {
        var table = CSVTable(header: [
            "studyInstanceUID", "patientPseudonym", "patientAge", "patientSex", "studyDate", "studyDescription",
            "manufacturer", "model", "stationName", "doseSource", "eventCount", "localizerEvents", "dlpTotal_mGycm",
            "reportedDlpTotals_mGycm", "seriesCount", "problemCount",
        ])
        for r in records {
            table.append([
                r.studyInstanceUID, r.patientPseudonym, r.patientAge, r.patientSex, r.studyDate, r.studyDescription,
                r.manufacturer, r.model, r.stationName, r.doseSource, "\(r.events.count)",
                "\(r.events.filter { $0.acquisitionType == CTAcquisitionType.constantAngle.rawValue }.count)",
                r.dlpTotal.map(CSVTable.number), r.reportedDlpTotals.map(CSVTable.number).joined(separator: ";"),
                "\(r.series.count)", "\(r.problems.count)",
            ])
        }
        return table.text
    }

    func eventsCSV(_ records: [ExamRecord]) -> String {
        var table = CSVTable(header: [
            "studyInstanceUID", "irradiationEventUID", "acquisitionType", "acquisitionProtocol", "targetRegion",
            "ctdiVol_mGy", "dlp_mGycm", "phantom", "scanningLength_mm", "exposureTime_s", "pitchFactor",
            "nominalTotalCollimation_mm", "kvp_kV", "tubeCurrent_mA", "xRaySourceCount", "doseCheckAlert", "source",
            "localizerSeriesUID", "diagnosticSeriesUID",
        ])
        for r in records {
            for e in r.events {
                let alert = e.doseCheck.map { check in
                    check.dlpAlertValueMilligrayCentimeters != nil || check.ctdiVolAlertValueMilligray != nil
                        || !check.reasonsForProceeding.isEmpty ? "alert" : "notification"
                }
                table.append([
                    r.studyInstanceUID, e.irradiationEventUID, e.acquisitionType, e.acquisitionProtocol, e.targetRegion,
                    e.ctdiVol.map(CSVTable.number), e.dlp.map(CSVTable.number), e.phantom,
                    e.scanningLength.map(CSVTable.number), e.exposureTime.map(CSVTable.number),
                    e.pitchFactor.map(CSVTable.number), e.nominalTotalCollimation.map(CSVTable.number),
                    e.xRaySources.compactMap(\.kvp).map(CSVTable.number).joined(separator: ";"),
                    e.xRaySources.compactMap(\.tubeCurrentMilliampere).map(CSVTable.number).joined(separator: ";"),
                    "\(e.xRaySources.count)", alert, e.source, e.localizerSeriesUID, e.diagnosticSeriesUID,
                ])
            }
        }
        return table.text
    }

    /// Where the mid-scan thumbnail of a series goes, relative to the output folder.
    public static func thumbnailPath(seriesInstanceUID uid: String) -> String {
        "thumbnails/" + uid.filter { $0.isNumber || $0 == "." } + ".png"
    }

    func slicesCSV(_ slices: [SliceMeasurement]) -> String {
        var table = CSVTable(header: [
            "seriesInstanceUID", "sopInstanceUID", "z_mm", "area_cm2", "areaEquivalentDiameter_cm", "waterEquivalentDiameter_cm",
            "ap_cm", "lateral_cm", "truncated", "noise_hu", "airNoise_hu", "frameNumber", "ctdiVol_mGy", "ssde_mGy",
        ])
        for s in slices.sorted(by: { ($0.seriesInstanceUID, $0.size.zMillimeters) < ($1.seriesInstanceUID, $1.size.zMillimeters) }) {
            table.append([
                s.seriesInstanceUID, s.sopInstanceUID, CSVTable.number(s.size.zMillimeters),
                CSVTable.decimal(s.size.areaSquareCentimeters), CSVTable.decimal(s.size.areaEquivalentDiameterCentimeters),
                CSVTable.decimal(s.size.waterEquivalentDiameterCentimeters), CSVTable.decimal(s.size.apCentimeters),
                CSVTable.decimal(s.size.lateralCentimeters), s.size.truncated ? "true" : "false",
                s.noise.tissueHounsfield.map(CSVTable.decimal), s.noise.airHounsfield.map(CSVTable.decimal), s.frameNumber.map { "\($0)" },
                s.ctdiVolMilligray.map(CSVTable.decimal), s.ssdeMilligray.map(CSVTable.decimal),
            ])
        }
        return table.text
    }

    func problemsCSV(_ problems: [ScanProblem]) -> String {
        var table = CSVTable(header: ["file", "severity", "reason"])
        for p in problems { table.append([p.path, p.severity.rawValue, p.reason]) }
        return table.text
    }

    private func save(_ text: String, as name: String) throws {
        let target = folder + "/" + name
        let temporary = folder + "/." + name + ".partial"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, target) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
        }
    }
}

/// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled.
struct CSVTable {
    private(set) var text: String

    init(header: [String]) {
        text = header.joined(separator: ",") + "\n"
    }

    mutating func append(_ fields: [String?]) {
        text += fields.map { Self.quote($0 ?? "") }.joined(separator: ",") + "\n"
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Four decimals (pixel measurements carry no more precision than that).
    static func decimal(_ value: Double) -> String { String(format: "%.4f", value) }

    /// Shortest round-tripping decimal text.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
