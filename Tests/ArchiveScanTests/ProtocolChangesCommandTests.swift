import ArchiveScan
import CSVFormat
import Foundation
import Testing

/// `ctdose scan` and `ctdose export` write protocol-changes.csv: ten copies of the sample exam, five
/// dated 2025-03-15 as generated (kernel STANDARD, TestData/sample-exam/README.md) and five moved to
/// 2025-04-15 with kernel B70f (dcmodify): one change, the kernel, in April; nothing else changed
/// (the same CTDIvol, 12.5 mGy, and technique in every copy).
struct ProtocolChangesCommandTests {
    @Test(.timeLimit(.minutes(2))) func aKernelChangedInAprilIsFoundThere() throws {
        let root = try StoreFixture.temporaryFolder("protocol-changes")
        for index in 0..<10 { try StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        let dcmodify = try #require(DCMTKTools.path("dcmodify"))
        for index in 5..<10 {
            let files = StoreFixture.sampleFiles.map { root + "/archive/study\(index)/" + $0 }
            #expect(StoreFixture.run(dcmodify, ["-nb", "-m", "(0008,0020)=20250415"] + files).status == 0)
            let axial = files.filter { $0.contains("/axial/") }
            #expect(StoreFixture.run(dcmodify, ["-nb", "-m", "(0018,1210)=B70f"] + axial).status == 0)
        }
        let scan = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/store.sqlite", "--out", root + "/scan", "--headers-only"])
        #expect(scan.status == 0, "\(scan.stderr)")
        // The log says so, for a nightly run's mail.
        #expect(scan.stderr.contains("1 protocol change (technique, CTDIvol or noise): \(root)/scan/protocol-changes.csv"), "\(scan.stderr)")
        let text = try String(contentsOfFile: root + "/scan/protocol-changes.csv", encoding: .utf8)
        let rows = CSVDocument(parsing: text).namedRows
        #expect(rows.count == 1, "\(text)")
        let change = try #require(rows.first)
        #expect(change["month"] == "2025-04" && change["previousMonth"] == "2025-03" && change["setting"] == "Reconstruction kernel")
        #expect(change["before"] == "STANDARD (5 of 5)" && change["after"] == "B70f (5 of 5)" && change["ratio"] == "" && change["basis"] == "")
        #expect(change["scanner"].contains("Synthetic Phantom Generator"))
        // The export of the store writes the same file.
        let export = StoreFixture.ctdose(["export", "--db", root + "/store.sqlite", "--out", root + "/export"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(try String(contentsOfFile: root + "/export/protocol-changes.csv", encoding: .utf8) == text)
        // The report of the folder shows the file's row.
        let report = StoreFixture.ctdose(["report", "--from", root + "/scan", "--out", root + "/report.html"])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: root + "/report.html", encoding: .utf8)
        #expect(html.contains("<td>2025-03: STANDARD (5 of 5)</td><td>B70f (5 of 5)</td>") && html.contains("1 change in 1 protocol."))
        // Six events a month needed: the five of each month no longer count, in the export and in the
        // scan that records the option (its exports then use it too).
        let stricter = StoreFixture.ctdose(["export", "--db", root + "/store.sqlite", "--out", root + "/stricter", "--change-minimum-events", "6:10"])
        #expect(stricter.status == 0 && !stricter.stderr.contains("protocol change"), "\(stricter.stderr)")
        #expect(try String(contentsOfFile: root + "/stricter/protocol-changes.csv", encoding: .utf8) == ProtocolChangesCommandTests.header)
        // …and its report follows the file (counted again from exams.jsonl with the defaults, it would show the change).
        #expect(StoreFixture.ctdose(["report", "--from", root + "/stricter", "--out", root + "/stricter.html"]).status == 0)
        #expect(try String(contentsOfFile: root + "/stricter.html", encoding: .utf8).contains("No change: no protocol"))
        let rescan = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/store.sqlite", "--headers-only", "--change-minimum-events", "6:10"])
        #expect(rescan.status == 0, "\(rescan.stderr)")
        let later = StoreFixture.ctdose(["export", "--db", root + "/store.sqlite", "--out", root + "/later"])
        #expect(later.status == 0, "\(later.stderr)")
        #expect(try String(contentsOfFile: root + "/later/protocol-changes.csv", encoding: .utf8) == ProtocolChangesCommandTests.header)
        // A value that cannot be used is refused, naming the option.
        let bad = StoreFixture.ctdose(["export", "--db", root + "/store.sqlite", "--out", root + "/bad", "--change-ctdivol-ratio", "0.8"])
        #expect(bad.status != 0 && bad.stderr.contains("--change-ctdivol-ratio 0.8: give a ratio above 1"), "\(bad.stderr)")
    }

    static let header = "month,previousMonth,scanner,acquisitionProtocol,setting,before,after,ratio,pValue,basis,comparedWith\n"
}

/// The `--change-…` options: each checked, the stored ones filling those not given.
struct ProtocolChangeOptionsTests {
    @Test func optionsAreCheckedAndFilled() throws {
        let settings = try ProtocolChangeOptions(ctdiVolRatio: 1.5, significance: 0.05, minimumEvents: "3:12").settings()
        #expect(settings.ctdiVolRatio == 1.5 && settings.noiseRatio == 1.15 && settings.significance == 0.05)
        #expect(settings.techniqueMinimumEvents == 3 && settings.levelMinimumEvents == 12)
        for (options, message) in [(ProtocolChangeOptions(noiseRatio: 1), "--change-noise-ratio 1.0: give a ratio above 1"),
                                   (ProtocolChangeOptions(significance: 0), "--change-significance 0.0: give a p-value above 0"),
                                   (ProtocolChangeOptions(minimumEvents: "5"), "--change-minimum-events 5: give TECHNIQUE:LEVEL"),
                                   (ProtocolChangeOptions(minimumEvents: "0:10"), "--change-minimum-events 0:10: give TECHNIQUE:LEVEL"),
                                   (ProtocolChangeOptions(majority: 0.5), "--change-majority 0.5: give a share above 0.5"),
                                   (ProtocolChangeOptions(renameSimilarity: 0), "--change-rename-similarity 0.0: give a share above 0"),
                                   (ProtocolChangeOptions(renameSimilarity: 1.5), "--change-rename-similarity 1.5: give a share above 0, at most 1")] {
            #expect { try options.settings() } throws: { "\($0)".contains(message) }
        }
        #expect(try ProtocolChangeOptions(renameSimilarity: 0.8).settings().renameNameSimilarity == 0.8)
        let stored = MeasureOptions(protocolChanges: ProtocolChangeOptions(ctdiVolRatio: 1.4, minimumEvents: "6:10", renameSimilarity: 0.7))
        let filled = MeasureOptions(protocolChanges: ProtocolChangeOptions(ctdiVolRatio: 1.3)).filled(from: stored).protocolChanges
        #expect(filled == ProtocolChangeOptions(ctdiVolRatio: 1.3, minimumEvents: "6:10", renameSimilarity: 0.7))
    }
}
