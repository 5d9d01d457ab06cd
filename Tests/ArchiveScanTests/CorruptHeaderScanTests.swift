import CSVFormat
import Foundation
import Testing

/// The sample exam with corrupt numbers written into its headers by dcmodify, scanned by the real
/// executable. Each value below once killed the whole scan with a trap (found by fuzzing the corpus);
/// now the scan finishes, the exam is kept and each bad value is either used as read (and flagged by
/// the validation rules) or refused with a message naming the attribute.
@Suite struct CorruptHeaderScanTests {
    @Test func corruptNumbersNeitherStopTheScanNorLoseTheExam() throws {
        let root = try StoreFixture.temporaryFolder("corrupt-headers")
        // Without the dose report the events are computed from image headers, grouped by CTDIvol.
        try StoreFixture.writeStudyCopy(0, into: root + "/archive") { !$0.hasPrefix("dose-report") }
        let axial = root + "/archive/study0/axial", localizer = root + "/archive/study0/localizer/IM0001.dcm"
        for name in try FileManager.default.contentsOfDirectory(atPath: axial) {
            // CTDIvol (FD), 8 × 10^298 times any alert value; a negative Slice Thickness (DS) made the
            // series' z-range run backwards in the validation's coverage (fuzzing, 2026-12-01).
            modify(axial + "/" + name, ["(0018,9345)=1e300", "(0018,0050)=-99999999999"])
        }
        modify(axial + "/IM0003.dcm", ["(0028,0030)=nan\\nan", "(0020,0011)=99999999999"])  // Pixel Spacing, Series Number
        modify(localizer, ["(0028,0030)=1e-300\\1e-300"])

        let out = root + "/out"
        let scan = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/store.sqlite", "--out", out, "--jobs", "2"])
        #expect(scan.status == 0, "\(scan.stderr.suffix(2000))")

        let exams = try CSVDocument(parsing: String(contentsOfFile: out + "/exams.csv", encoding: .utf8)).namedRows
        #expect(exams.count == 1)
        #expect(exams.first?["doseSource"] == "computedFromImageAttributes")
        // 20 axial slices; the one with a NaN spacing is refused, the other 19 measured.
        let slices = try CSVDocument(parsing: String(contentsOfFile: out + "/slices.csv", encoding: .utf8))
        #expect(slices.rows.count == 19)
        let exam = try String(contentsOfFile: out + "/exams.jsonl", encoding: .utf8)
        #expect(exam.contains("Pixel Spacing (0028,0030) missing, zero or not a number"))
        #expect(exam.contains("Pixel Spacing (0028,0030) 1e-300\\\\1e-300 mm is outside the measurable"))
        let findings = try String(contentsOfFile: out + "/findings.csv", encoding: .utf8)
        #expect(findings.contains("CTDIVOL_ABOVE_ALERT_VALUE"))
        // The thickness is refused as read (a thickness is positive): unknown in series.csv.
        let series = try CSVDocument(parsing: String(contentsOfFile: out + "/series.csv", encoding: .utf8)).namedRows
        #expect(series.count == 1 && series.first?["sliceThickness_mm"] == "", "\(series)")
    }

    /// CTDIvol (0018,9345) at the largest Double on every slice: finite as read, but the event's DLP
    /// (CTDIvol × length) and the SAD overflow. The export once failed whole on the infinite FHIR
    /// quantity, and the report's axis ticks never ended; now exams.jsonl writes "Infinity", FHIR leaves
    /// the quantity out, and the report is made.
    @Test(.timeLimit(.minutes(2))) func overflowingDoseValuesNeitherFailTheExportNorHangTheReport() throws {
        let root = try StoreFixture.temporaryFolder("overflowing-dose")
        try StoreFixture.writeStudyCopy(0, into: root + "/archive") { !$0.hasPrefix("dose-report") }
        let axial = root + "/archive/study0/axial"
        for name in try FileManager.default.contentsOfDirectory(atPath: axial) { modify(axial + "/" + name, ["(0018,9345)=1.7976931348e308"]) }
        let out = root + "/out"
        let scan = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/store.sqlite", "--out", out, "--slices", "mid"])
        #expect(scan.status == 0, "\(scan.stderr.suffix(2000))")
        let exams = try String(contentsOfFile: out + "/exams.jsonl", encoding: .utf8)
        #expect(exams.contains("\"dlp\":\"Infinity\""), "\(exams.prefix(2000))")
        let fhir = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/measure-fhir.json")))
        #expect(fhir is [String: Any])
        let report = StoreFixture.ctdose(["report", "--from", out, "--out", root + "/report.html"])
        #expect(report.status == 0 && FileManager.default.fileExists(atPath: root + "/report.html"), "\(report.stderr.suffix(2000))")
    }

    private func modify(_ path: String, _ assignments: [String]) {
        let status = StoreFixture.run("/usr/bin/dcmodify", ["-nb"] + assignments.flatMap { ["-m", $0] } + [path]).status
        #expect(status == 0, "dcmodify failed on \(path)")
    }
}
