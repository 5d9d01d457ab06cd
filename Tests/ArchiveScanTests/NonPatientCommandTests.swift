import CSVFormat
import Foundation
import Testing

/// `ctdose scan` sets QA phantoms and test patients apart: four copies of the sample exam, two as
/// generated (a patient), one renamed QA^DAILY and one with Quality Control Subject (0010,0200) YES
/// (dcmodify, every file of the copy). The two are listed with their reason and left out of the
/// typical values, patient doses and measures; the words can be changed, and the files are then read
/// again, since names are not stored. The report counts and lists them in their own section.
struct NonPatientCommandTests {
    static func column(_ folder: String, _ file: String, _ name: String) throws -> [String] {
        CSVDocument(parsing: try String(contentsOfFile: folder + "/" + file, encoding: .utf8)).namedRows.map { $0[name] ?? "" }
    }

    @Test(.timeLimit(.minutes(2))) func phantomsAreListedAndLeftOutOfThePopulation() throws {
        let root = try StoreFixture.temporaryFolder("non-patients")
        for index in 0..<4 { try StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        let dcmodify = try #require(DCMTKTools.path("dcmodify"))
        let files = { (index: Int) in StoreFixture.sampleFiles.map { root + "/archive/study\(index)/" + $0 } }
        #expect(StoreFixture.run(dcmodify, ["-nb", "-m", "(0010,0010)=QA^DAILY"] + files(2)).status == 0)
        #expect(StoreFixture.run(dcmodify, ["-nb", "-i", "(0010,0200)=YES", "-i", "(0010,4000)=CONFIDENTIAL-NOTE phantom"] + files(3)).status == 0)
        let db = root + "/store.sqlite"
        let scan = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--out", root + "/scan", "--slices", "mid"])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.stderr.contains("2 exams of QA phantoms or test patients left out of the population statistics: \(root)/scan/exams.csv nonPatient"),
                "\(scan.stderr)")
        // exams.csv is in Study Instance UID order: 2.25.9000000 … 2.25.9000003 (StoreFixture).
        #expect(try Self.column(root + "/scan", "exams.csv", "nonPatient") == ["", "", "Patient's Name has QA", "Quality Control Subject is YES"])
        #expect(try Self.column(root + "/scan", "measure.csv", "reasonCode").filter { $0 == "notAPatient" }.count == 2)
        // Patient Comments are looked at, like the name, and not stored.
        for file in [db, db + "-wal"] {
            let bytes = FileManager.default.contents(atPath: file) ?? Data()
            #expect(bytes.range(of: Data("CONFIDENTIAL-NOTE".utf8)) == nil && bytes.range(of: Data("QA^DAILY".utf8)) == nil, "\(file)")
        }
        // (The same text is found when it is there: the study UIDs are stored.)
        let stored = (FileManager.default.contents(atPath: db) ?? Data()) + (FileManager.default.contents(atPath: db + "-wal") ?? Data())
        #expect(stored.range(of: Data("2.25.9000003".utf8)) != nil)
        #expect(try Self.column(root + "/scan", "patient-dose.csv", "patientPseudonym").count == 2)
        let typical = CSVDocument(parsing: try String(contentsOfFile: root + "/scan/typical-values.csv", encoding: .utf8)).namedRows
        let all = try #require(typical.first { $0["sizeBand"] == "all sizes" && $0["scanner"] == "all scanners" })
        #expect(all["exams"] == "2")
        // The report counts them apart.
        #expect(StoreFixture.ctdose(["report", "--from", root + "/scan", "--out", root + "/report.html"]).status == 0)
        let html = try String(contentsOfFile: root + "/report.html", encoding: .utf8)
        #expect(html.contains("<dd id=\"summary-non-patients\">2 (exams.csv nonPatient"))
        #expect(html.contains("<dd id=\"summary-patients\">2</dd>"))
        // …and lists their spirals (not their localizers) as a constancy log: the same CTDIvol on both days.
        #expect(html.contains("2 exams, 2 events other than localizers") && html.contains("<td>Quality Control Subject is YES</td>"))

        // No name words: every file is read again (the store has no names to look at), and only the
        // Quality Control Subject is left; the next scan keeps the store's words and reads nothing.
        let none = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--out", root + "/none", "--slices", "mid", "--non-patient-words", ""])
        #expect(none.status == 0, "\(none.stderr)")
        #expect(none.stderr.contains("its 92 CT images and dose reports are read again") && none.stderr.contains("92 files: 92 read, 0 unchanged"),
                "\(none.stderr)")
        #expect(try Self.column(root + "/none", "exams.csv", "nonPatient") == ["", "", "", "Quality Control Subject is YES"])
        let again = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--slices", "mid"])
        #expect(again.status == 0 && again.stderr.contains("92 files: 0 read, 92 unchanged"), "\(again.stderr)")

        // Description words apply at export: the sample's "CT ABDOMEN PELVIS WITH CONTRAST".
        let described = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/described", "--non-patient-description-words", "abdomen"])
        #expect(described.status == 0, "\(described.stderr)")
        #expect(try Self.column(root + "/described", "exams.csv", "nonPatient")
                == Array(repeating: "Study Description has ABDOMEN", count: 3) + ["Quality Control Subject is YES"])

        // Words that no text could hold as a word are refused, naming the option.
        let bad = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--non-patient-words", "test bolus"])
        #expect(bad.status != 0 && bad.stderr.contains("--non-patient-words test bolus: give single words"), "\(bad.stderr)")
        let badExport = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/bad", "--non-patient-description-words", "QA-1"])
        #expect(badExport.status != 0 && badExport.stderr.contains("--non-patient-description-words QA-1: give single words"), "\(badExport.stderr)")
    }

    /// A phantom registered under an ordinary name is set apart by listing it: by study or by patient
    /// (the pseudonym exams.csv shows), at export, without reading any file again; the list is kept with
    /// the scan's measure options.
    @Test(.timeLimit(.minutes(2))) func listedExamsAreSetApart() throws {
        let root = try StoreFixture.temporaryFolder("non-patient-list")
        for index in 0..<3 { try StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        let db = root + "/store.sqlite"
        let scan = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--out", root + "/scan", "--headers-only"])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(try Self.column(root + "/scan", "exams.csv", "nonPatient") == ["", "", ""])
        let pseudonyms = try Self.column(root + "/scan", "exams.csv", "patientPseudonym")
        try #require(pseudonyms.count == 3 && pseudonyms[0].hasPrefix("P-"))
        let list = root + "/phantoms.csv"
        try "patientPseudonym,studyInstanceUID,reason\n\(pseudonyms[0]),,\"water phantom, 20 cm\"\n,2.25.9000002,\n"
            .write(toFile: list, atomically: true, encoding: .utf8)
        let export = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/listed", "--non-patient-list", list])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(try Self.column(root + "/listed", "exams.csv", "nonPatient")
                == ["listed in phantoms.csv: water phantom, 20 cm", "", "listed in phantoms.csv"])
        #expect(try Self.column(root + "/listed", "patient-dose.csv", "patientPseudonym") == [pseudonyms[1]])
        #expect(export.stderr.contains("2 exams of QA phantoms or test patients left out of the population statistics"), "\(export.stderr)")
        // A scan with the list keeps it: a later export without the option uses it too.
        let listedScan = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--headers-only", "--non-patient-list", list])
        #expect(listedScan.status == 0, "\(listedScan.stderr)")
        let later = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/later"])
        #expect(later.status == 0)
        #expect(try Self.column(root + "/later", "exams.csv", "nonPatient")
                == ["listed in phantoms.csv: water phantom, 20 cm", "", "listed in phantoms.csv"])
        // A list that names no column of either kind, or a row naming nothing, is refused with the reason.
        try "patient,reason\nX,\n".write(toFile: root + "/wrong.csv", atomically: true, encoding: .utf8)
        let wrong = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/wrong", "--non-patient-list", root + "/wrong.csv"])
        #expect(wrong.status == 1 && wrong.stderr.contains("--non-patient-list \(root)/wrong.csv: the header must name studyInstanceUID or patientPseudonym"),
                "\(wrong.stderr)")
        try "studyInstanceUID,patientPseudonym\n,\n".write(toFile: root + "/empty-row.csv", atomically: true, encoding: .utf8)
        let emptyRow = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/wrong", "--non-patient-list", root + "/empty-row.csv"])
        #expect(emptyRow.status == 1 && emptyRow.stderr.contains("row 1 names neither a studyInstanceUID nor a patientPseudonym"), "\(emptyRow.stderr)")
    }
}
