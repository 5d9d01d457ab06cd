import CSVFormat
import Foundation
import Testing

/// `ctdose scan` and `export` estimate effective dose from each event's DLP and region. Expected values:
/// TestData/sample-exam/README.md (adult, born 1970; events of 9.6 and 150 mGy·cm on the 32 cm phantom,
/// target region Abdomen) and AAPM Report 96's adult abdomen-pelvis coefficient, 0.015 mSv/(mGy·cm).
struct EffectiveDoseCommandTests {
    static func rows(_ file: String) throws -> [CSVRow] {
        CSVDocument(parsing: try String(contentsOfFile: file, encoding: .utf8)).namedRows
    }

    @Test(.timeLimit(.minutes(2))) func scanAndExportEstimateFromTheRegionsCoefficients() throws {
        let root = try StoreFixture.temporaryFolder("effective-dose")
        try StoreFixture.writeStudyCopy(0, into: root + "/archive")
        let db = root + "/store.sqlite"
        let scan = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--out", root + "/scan", "--slices", "mid"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let measure = try #require(try Self.rows(root + "/scan/measure.csv").first)
        #expect(measure["effectiveDose_mSv"] == "2.39")  // 159.6 × 0.015 = 2.394
        #expect(measure["effectiveDoseMethod"] == "AAPM Report 96 (ICRP 60), adult; abdomenPelvis k=0.015")
        let events = try Self.rows(root + "/scan/events.csv")
        #expect(events.map { $0["effectiveDose_mSv"] } == ["0.1440", "2.2500"])
        #expect(events.allSatisfy { $0["effectiveDoseRegion"] == "abdomenPelvis" && $0["effectiveDoseCoefficient_mSvPerMGycm"] == "0.015" })
        #expect(events.allSatisfy { $0["effectiveDoseNote"] == "region from the event's protocol or target region" })
        #expect(events.allSatisfy { $0["reportedEffectiveDose_mSv"] == "" })
        let patient = try #require(try Self.rows(root + "/scan/patient-dose.csv").first)
        #expect(patient["exams"] == "1" && patient["effectiveDoseTotal_mSv"] == "2.39" && patient["windowEffectiveDose_mSv"] == "2.39")
        #expect(patient["atOrAboveThreshold"] == "no" && patient["threshold_mSv"] == "100" && patient["windowYears"] == "5")

        // Coefficients of the user's (named relative to the folder the command runs in, stored by absolute path).
        try """
            region,age,phantom,k_mSvPerMGycm,source
            abdomenPelvis,adult,body32cm,0.0175,test coefficients

            """.write(toFile: root + "/k.csv", atomically: true, encoding: .utf8)
        let replaced = StoreFixture.run("/bin/sh", ["-c", "cd \"$0\" && exec \"$1\" export --db store.sqlite --out replaced --effective-dose-coefficients k.csv",
                                                    root, StoreFixture.executable])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        let changed = try #require(try Self.rows(root + "/replaced/measure.csv").first)
        #expect(changed["effectiveDose_mSv"] == "2.79")  // 159.6 × 0.0175 = 2.793
        #expect(changed["effectiveDoseMethod"] == "test coefficients, adult; abdomenPelvis k=0.0175")
        #expect(try Self.rows(root + "/replaced/events.csv").map { $0["effectiveDose_mSv"] } == ["0.1680", "2.6250"])
        // Options not given come from the scan (AAPM Report 96 again, not the previous export's file).
        let flagged = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/flagged", "--cumulative-dose-threshold", "2.25"])
        #expect(flagged.status == 0, "\(flagged.stderr)")
        let over = try #require(try Self.rows(root + "/flagged/patient-dose.csv").first)
        #expect(over["windowEffectiveDose_mSv"] == "2.39" && over["atOrAboveThreshold"] == "yes" && over["threshold_mSv"] == "2.25")
        let noWindow = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/no-window", "--cumulative-dose-window", "0"])
        #expect(noWindow.status == 1 && noWindow.stderr.contains("--cumulative-dose-window 0: give 1 to 100 years"), "\(noWindow.stderr)")

        // A coefficient file it cannot use: the file, the record and the reason; exit 1, nothing half-written.
        try "region,age,phantom,k_mSvPerMGycm\nthorax,adult,body32cm,0.014\n".write(toFile: root + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/bad", "--effective-dose-coefficients", root + "/bad.csv"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains(root + "/bad.csv: record 2: region 'thorax' is none of head, neck, headAndNeck"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/bad/measure.csv"))
    }
}
