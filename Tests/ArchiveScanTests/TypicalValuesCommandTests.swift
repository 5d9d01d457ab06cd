import CSVFormat
import Foundation
import Testing

/// `ctdose scan` and `ctdose export` write typical-values.csv with the options of the scan (stored
/// with the run), and name the file and record of a reference level table they cannot use. Expected
/// values: TestData/sample-exam/README.md (spiral CTDIvol 12.5 mGy, DLP 150 mGy·cm, report total
/// 159.6, exact Dw 27.71 cm), the same in every copy.
struct TypicalValuesCommandTests {
    static func rows(_ folder: String) throws -> [CSVRow] {
        CSVDocument(parsing: try String(contentsOfFile: folder + "/typical-values.csv", encoding: .utf8)).namedRows
    }

    @Test(.timeLimit(.minutes(2))) func scanAndExportCompareWithTheTable() throws {
        let root = try StoreFixture.temporaryFolder("typical-values")
        for index in 0..<3 { try StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        // Patient's Weight 72 kg in two studies (standard weight, 60–80 kg by default), 95 kg in the third.
        for (index, weight) in [(0, "72"), (1, "72"), (2, "95")] {
            let files = StoreFixture.sampleFiles.map { root + "/archive/study\(index)/" + $0 }
            #expect(StoreFixture.run(try #require(DCMTKTools.path("dcmodify")), ["-nb", "-i", "(0010,1030)=\(weight)"] + files).status == 0)
        }
        let table = root + "/drl.csv"
        try """
            category,ageGroup,phantom,ctdiVol_mGy,dlp_mGycm,source
            abdomenPelvisRoutineDose,adult,body32cm,15,155,test level

            """.write(toFile: table, atomically: true, encoding: .utf8)
        let db = root + "/store.sqlite"
        // The table named relative to the scan's folder: the store keeps its absolute path for the exports.
        let scan = StoreFixture.run("/bin/sh", ["-c", "cd \"$0\" && exec \"$1\" scan archive --db store.sqlite --out scan --slices mid --drl-table drl.csv "
                                                + "--size-bands 25,30 --drl-minimum-exams 3", root, StoreFixture.executable],
                                    environment: ["CTDOSE_PSEUDONYM_KEY": StoreFixture.key])
        #expect(scan.status == 0, "\(scan.stderr)")
        let rows = try Self.rows(root + "/scan")
        #expect(rows.map { "\($0["sizeBand"]) / \($0["scanner"])" }
                == ["all sizes / all scanners", "all sizes / SIM1 / Synthetic Phantom Generator",
                    "25-30 / all scanners", "25-30 / SIM1 / Synthetic Phantom Generator"])
        let all = try #require(rows.first)
        #expect(all["category"] == "abdomenPelvisRoutineDose" && all["ageGroup"] == "adult" && all["phantom"] == "body32cm")
        #expect(all["exams"] == "3" && all["enoughExams"] == "yes" && all["ctdiVolEvents"] == "3")
        #expect(all["ctdiVolMedian_mGy"] == "12.50" && all["dlpMedian_mGycm"] == "159.60")
        #expect(all["ctdiVolMedianOverDrl"] == "0.833" && all["dlpMedianOverDrl"] == "1.030" && all["comparison"] == "above DRL")
        #expect(all["drlSource"] == "test level" && all["scannersWithEnoughExams"] == "1")
        #expect(all["standardWeightExams"] == "2" && all["standardWeightDlpMedian_mGycm"] == "159.60")
        #expect(all["effectiveDoseMedian_mSv"] == "2.39" && all["effectiveDose75th_mSv"] == "2.39")  // 159.6 × 0.015 (AAPM Report 96)
        let dw = try #require(Double(all["dwMedian_cm"]))
        #expect(abs(dw - 27.7128) < 0.005 * 27.7128)

        // The export takes the scan's options; options given replace them.
        let export = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/export"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(try String(contentsOfFile: root + "/export/typical-values.csv", encoding: .utf8)
                == String(contentsOfFile: root + "/scan/typical-values.csv", encoding: .utf8))
        let changed = StoreFixture.ctdose([
            "export", "--db", db, "--out", root + "/changed", "--drl-minimum-exams", "4", "--dlp-definition", "withoutLocalizers",
        ])
        #expect(changed.status == 0, "\(changed.stderr)")
        let first = try #require(try Self.rows(root + "/changed").first)
        #expect(first["dlpMedian_mGycm"] == "150.00" && first["enoughExams"] == "no" && first["comparison"] == "too few exams")
        #expect(first["sizeBand"] == "all sizes" && first["drlDlp_mGycm"] == "155")
        let heavier = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/heavier", "--standard-weight", "90:100"])
        #expect(heavier.status == 0, "\(heavier.stderr)")
        #expect(try Self.rows(root + "/heavier").first?["standardWeightExams"] == "1")
    }

    @Test(.timeLimit(.minutes(2))) func aTableItCannotUseStopsTheScanBeforeReading() throws {
        let root = try StoreFixture.temporaryFolder("typical-values-bad")
        let table = root + "/drl.csv"
        try "category,dlp_mGycm\nabdomenPelvisRoutine,500\n".write(toFile: table, atomically: true, encoding: .utf8)
        let scan = StoreFixture.ctdose(["scan", StoreFixture.sampleExam, "--db", root + "/store.sqlite", "--out", root + "/out", "--drl-table", table])
        #expect(scan.status == 1)
        #expect(scan.stderr.contains("\(table): reference level table record 2: unknown category 'abdomenPelvisRoutine'"), "\(scan.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/out/exams.jsonl"))
        let bands = StoreFixture.ctdose(["scan", StoreFixture.sampleExam, "--db", root + "/store.sqlite", "--size-bands", "30,20"])
        #expect(bands.status == 1 && bands.stderr.contains("size bands '30,20'"), "\(bands.stderr)")
    }
}
