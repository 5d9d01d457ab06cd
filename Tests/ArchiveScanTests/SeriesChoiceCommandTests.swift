import CSVFormat
import Foundation
import Testing

/// `--series-thickness` and the kernel words end to end: the sample exam with a second reconstruction of
/// its spiral event (its 20 axial images copied into series 2.25.777 with Slice Thickness 2.5 mm against
/// the original's 5 mm, the same Irradiation Event UID) gives the 5 mm series by default and the 2.5 mm one
/// when the thinnest (or 2 mm) is preferred; a store scanned again with another preference assembles its
/// exams again and measures the newly chosen series.
struct SeriesChoiceCommandTests {
    static let thinSeries = "2.25.777"

    /// The exam with its second reconstruction, under ROOT/exam.
    static func examWithThinSeries(_ root: String) throws {
        try StoreFixture.writeStudyCopy(0, into: root + "/exam")
        let axial = root + "/exam/study0/axial"
        let thin = root + "/exam/study0/thin"
        try FileManager.default.createDirectory(atPath: thin, withIntermediateDirectories: true)
        for (index, name) in try FileManager.default.contentsOfDirectory(atPath: axial).sorted().enumerated() {
            try FileManager.default.copyItem(atPath: axial + "/" + name, toPath: thin + "/" + name)
            let status = StoreFixture.run("/usr/bin/dcmodify", [
                "-nb", "-m", "(0020,000e)=\(thinSeries)", "-m", "(0008,0018)=\(thinSeries).\(index + 1)", "-m", "(0018,0050)=2.5",
                thin + "/" + name,
            ]).status
            #expect(status == 0)
        }
    }

    /// The diagnostic series UID of the exam's spiral event in OUT/events.csv.
    static func diagnosticSeries(_ out: String) throws -> String? {
        try CSVDocument(parsing: String(contentsOfFile: out + "/events.csv", encoding: .utf8)).namedRows
            .first { $0["acquisitionType"] == "spiral" }?["diagnosticSeriesUID"]
    }

    @Test(.timeLimit(.minutes(2))) func thePreferredThicknessChoosesTheSeries() throws {
        let root = try StoreFixture.temporaryFolder("series-choice")
        try Self.examWithThinSeries(root)
        let common = ["--slices", "mid", "--jobs", "2"]
        let byDefault = StoreFixture.ctdose(["scan", root + "/exam", "--db", root + "/a.sqlite", "--out", root + "/default"] + common)
        #expect(byDefault.status == 0, "\(byDefault.stderr)")
        let original = try #require(try Self.diagnosticSeries(root + "/default"))
        #expect(original != Self.thinSeries && original.hasPrefix("2.25.91"))  // the copy's original axial series
        for preference in ["thinnest", "2"] {
            let out = root + "/\(preference)"
            let scan = StoreFixture.ctdose(["scan", root + "/exam", "--db", root + "/\(preference).sqlite", "--out", out,
                                            "--series-thickness", preference] + common)
            #expect(scan.status == 0, "\(scan.stderr)")
            #expect(try Self.diagnosticSeries(out) == Self.thinSeries)
            let exams = try String(contentsOfFile: out + "/exams.jsonl", encoding: .utf8)
            let said = preference == "2" ? "nearest to 2.0 mm preferred" : "thinnest preferred"
            #expect(exams.contains("2.5 mm slices (\(said)), 20 images; 2 of 2 linked series qualified"))
        }
        // The default store scanned again preferring the thinnest: its exam is assembled again, the 2.5 mm series measured.
        let again = StoreFixture.ctdose(["scan", root + "/exam", "--db", root + "/a.sqlite", "--out", root + "/again",
                                         "--series-thickness", "thinnest"] + common)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("all 1 studies were assembled again"), "\(again.stderr)")
        #expect(again.stderr.contains("1 exams updated (1 series measured from their pixels, 0 taken from the store;"), "\(again.stderr)")
        #expect(try Self.diagnosticSeries(root + "/again") == Self.thinSeries)
    }

    @Test func badChoicesAreRefusedBeforeReading() throws {
        let root = try StoreFixture.temporaryFolder("series-choice-bad")
        for (option, value) in [("--series-thickness", "0"), ("--series-thickness", "thick"), ("--soft-tissue-kernels", "B30,B-40"),
                                ("--reformat-words", "MIP,,MPR")] {
            let scan = StoreFixture.ctdose(["scan", StoreFixture.sampleExam, "--db", root + "/bad.sqlite", option, value])
            #expect(scan.status == 64, "\(option) \(value): \(scan.status)")  // ArgumentParser's usage error
            #expect(scan.stderr.contains(option), "\(scan.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/bad.sqlite"))
    }
}
