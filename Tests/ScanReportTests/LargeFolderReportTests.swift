import ArchiveScan
import CSVFormat
import DoseValidation
import Foundation
@testable import ScanReport
import ScratchFolders
import Testing

/// A folder of 3,000 exams made from the sample exam's record, with verdicts, findings, patients and
/// dates set by formula, read as a stream with small limits: every count is exact (computed here from
/// the formulas), the page shows only what the limits allow, and which chart markers are drawn does
/// not depend on the order of the files' lines.
@Suite struct LargeFolderReportTests {
    static let examCount = 3000

    /// Exam i: patient i / 3, study date 2025-(i mod 12 + 1)-15, out of range when i mod 10 = 0, a
    /// warning finding when i mod 7 = 0, an error finding when i mod 11 = 0.
    struct Exam {
        let index: Int
        var uid: String { "2.25.\(1_000_000 + index)" }
        var month: Int { index % 12 + 1 }
        var outOfRange: Bool { index % 10 == 0 }
        var warning: Bool { index % 7 == 0 }
        var error: Bool { index % 11 == 0 }
        var flagged: Bool { outOfRange || warning || error }
        /// The report's order: out of range first, then worst finding, then study UID.
        var rank: (Int, Int, String) { (outOfRange ? 0 : 1, error ? -2 : warning ? -1 : 1, uid) }
    }

    static let exams = (0..<examCount).map(Exam.init)

    /// Writes the folder, exams in `order`.
    static func folder(_ order: [Exam]) throws -> ScanOutputFolder {
        var template: ExamRecord?
        try ScanOutputFolder(ScannedFolders.sampleExam).forEachExam { template = $0 }
        let sample = try #require(template)
        let path = ScratchFolder.path("report-large")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        var lines = Data()
        var measures = "studyInstanceUID,patientPseudonym,scanDateTime,category,sizeAdjustedDose_mGycm,dlpDefinition,diameter_cm,globalNoise_hu,"
            + "ssde_mGy,sadThreshold_mGycm,noiseThreshold_hu,verdict,reason\n"
        var sensitivity = "studyInstanceUID,category,diameterMethod,dlpDefinition,sizeAdjustedDose_mGycm,verdict\n"
        for exam in order {
            var record = sample
            record.studyInstanceUID = exam.uid
            record.patientPseudonym = "P-\(exam.index / 3)"
            record.studyDate = String(format: "2025%02d15", exam.month)
            record.seriesMeasurements = []
            record.findings = []
            if exam.warning { record.findings.append(Finding(studyInstanceUID: exam.uid, code: .eventDLPMismatch, severity: .warning, message: "w")) }
            if exam.error { record.findings.append(Finding(studyInstanceUID: exam.uid, code: .eventDLPMismatch, severity: .error, message: "e")) }
            lines.append(try encoder.encode(record))
            lines.append(0x0A)
            let verdict = exam.outOfRange ? "outOfRange" : "inRange"
            measures += "\(exam.uid),P-\(exam.index / 3),2025-01-15T09:00:00,Head Routine Dose,\(300 + exam.index % 500),allEvents,"
                + "\(20 + exam.index % 20),10,20,1000,30,\(verdict),\"SAD, noise\"\n"
            // Area-equivalent flips every exam whose index is divisible by 4.
            let flipped = exam.index % 4 == 0 ? (exam.outOfRange ? "inRange" : "outOfRange") : verdict
            sensitivity += "\(exam.uid),Head Routine Dose,waterEquivalent,allEvents,1,\(verdict)\n"
            sensitivity += "\(exam.uid),Head Routine Dose,areaEquivalent,allEvents,1,\(flipped)\n"
        }
        try lines.write(to: URL(fileURLWithPath: path + "/exams.jsonl"))
        try Data(measures.utf8).write(to: URL(fileURLWithPath: path + "/measure.csv"))
        try Data(sensitivity.utf8).write(to: URL(fileURLWithPath: path + "/sensitivity.csv"))
        return try ScanOutputFolder(path)
    }

    static var limits: ReportLimits {
        var limits = ReportLimits()
        limits.flaggedExamSections = 25
        limits.markersPerVerdict = 100
        limits.listedStudyUIDs = 10
        return limits
    }

    @Test func countsAreExactAndThePageKeepsToTheLimits() throws {
        let folder = try Self.folder(Self.exams)
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        let content = try ReportContent(reading: folder, limits: Self.limits, jobs: 2)

        #expect(content.summary.examCount == 3000)
        #expect(content.summary.patientCount == 1000)
        #expect(content.summary.firstStudyDate == "2025-01-15" && content.summary.lastStudyDate == "2025-12-15")
        #expect(content.summary.findingsBySeverity == [.warning: Self.exams.filter(\.warning).count, .error: Self.exams.filter(\.error).count])

        let flagged = Self.exams.filter(\.flagged).sorted { $0.rank < $1.rank }
        #expect(content.flaggedCount == flagged.count)
        #expect(content.flaggedOutOfRangeCount == 300)
        #expect(content.flagged.map(\.record.studyInstanceUID) == flagged.prefix(25).map(\.uid))

        let category = try #require(content.categories.first)
        #expect(content.categories.count == 1)
        #expect(category.outOfRangeCount == 300 && category.evaluatedCount == 3000)
        #expect(category.sadPointCounts == [.inRange: 2700, .outOfRange: 300])
        #expect(category.exams.filter { $0.verdict == "inRange" }.count == 100)
        #expect(category.exams.filter { $0.verdict == "outOfRange" }.count == 100)

        let areaEquivalent = try #require(content.sensitivity.methods.first { $0.diameterMethod == "areaEquivalent" })
        #expect(areaEquivalent.examsCompared == 3000 && areaEquivalent.flippedCount == 750)
        let flippedUIDs = Self.exams.filter { $0.index % 4 == 0 }.map(\.uid).sorted()
        #expect(areaEquivalent.flippedStudyInstanceUIDs == Array(flippedUIDs.prefix(10)))
        #expect(content.sensitivity.examsFlippingUnderAnyVariantCount == 750 && content.sensitivity.examsAnalysed == 3000)

        let scanner = try #require(content.byScanner.first)
        #expect(scanner.examCount == 3000)
        #expect(scanner.summary(.ctdiVol, month: "2025-01")?.count == Self.exams.filter { $0.month == 1 }.count)
        #expect(scanner.summary(.ssde, month: "2025-02")?.median == 20)

        let html = ScanReportPage(content: content, sourceDescription: "large").html
        #expect(html.components(separatedBy: "<section class=\"exam\"").count - 1 == 25)
        #expect(html.contains("<p id=\"flagged-unshown\">The first 25 have a section below; the other \(flagged.count - 25) "))
        #expect(html.contains("in range (2700; 100 drawn)") && html.contains("out of range (300; 100 drawn)"))
        #expect(html.contains("200 of 3000 exams drawn: up to 100 per verdict"))
        #expect(html.contains("and 740 more (sensitivity.csv)"))
    }

    @Test func theSameMarkersAreDrawnWhateverTheLineOrder() throws {
        let forward = try Self.folder(Self.exams), backward = try Self.folder(Self.exams.reversed())
        defer { for folder in [forward, backward] { try? FileManager.default.removeItem(atPath: folder.path) } }
        let a = try ReportContent(reading: forward, limits: Self.limits), b = try ReportContent(reading: backward, limits: Self.limits, jobs: 2)
        #expect(a.categories == b.categories)
        #expect(a.flagged.map(\.record.studyInstanceUID) == b.flagged.map(\.record.studyInstanceUID))
        #expect(a.summary == b.summary)
    }

    @Test func aBadExamLineIsNamedByItsNumber() throws {
        let folder = try Self.folder(Array(Self.exams.prefix(600)))
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        var lines = try String(contentsOfFile: folder.path + "/exams.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        lines[499] = "{\"studyInstanceUID\": 7"
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: folder.path + "/exams.jsonl"))
        #expect {
            try ReportContent(reading: folder, jobs: 2)
        } throws: { error in
            "\(error)".hasPrefix(folder.path + "/exams.jsonl line 500: ")
        }
    }
}

/// The fixed sample behind the chart markers.
@Suite struct DeterministicSampleTests {
    @Test func keepsTheSmallestHashesWhateverTheOrder() {
        let keys = (0..<1000).map { "1.2.840.\($0)" }
        var forward = DeterministicSample<String>(limit: 30), backward = DeterministicSample<String>(limit: 30)
        keys.forEach { forward.add($0, key: $0) }
        keys.reversed().forEach { backward.add($0, key: $0) }
        let expected = keys.sorted { DeterministicSample<String>.rank($0) < DeterministicSample<String>.rank($1) }.prefix(30)
        #expect(forward.items == Array(expected) && backward.items == Array(expected))
        #expect(forward.offered == 1000)
    }

    /// FNV-1a 64 test vectors (Fowler–Noll–Vo reference: "" → cbf29ce484222325, "a" → af63dc4c8601ec8c).
    @Test func rankIsFNV1a64() {
        #expect(DeterministicSample<Int>.rank("") == 0xcbf2_9ce4_8422_2325)
        #expect(DeterministicSample<Int>.rank("a") == 0xaf63_dc4c_8601_ec8c)
    }
}
