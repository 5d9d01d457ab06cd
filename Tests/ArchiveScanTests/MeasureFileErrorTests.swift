import Foundation
import Synchronization
import Testing

/// A measure input file that cannot be used stops the scan before anything is read, with its option,
/// its path and the reason (not an operating-system error dump), and exit status 1.
struct MeasureFileErrorTests {
    @Test func unusableFilesAreNamedWithTheReason() throws {
        let root = try StoreFixture.temporaryFolder("measure-file-errors")
        let notJSON = root + "/rules.txt"
        try "not json".write(toFile: notJSON, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["--care-settings", root + "/missing.csv"], "--care-settings \(root)/missing.csv: no such file"),
            (["--care-settings", root], "--care-settings \(root): a folder, not a file"),
            (["--category-rules", root + "/missing.json"], "--category-rules \(root)/missing.json: no such file"),
            (["--category-rules", notJSON], "--category-rules \(notJSON): DecodingError"),
            (["--effective-dose-coefficients", root + "/missing.csv"], "--effective-dose-coefficients \(root)/missing.csv: no such file"),
        ]
        for (arguments, message) in cases {
            let scan = StoreFixture.ctdose(["scan", StoreFixture.sampleExam, "--db", root + "/store.sqlite"] + arguments)
            #expect(scan.status == 1, "\(arguments): \(scan.status)")
            #expect(scan.stderr.contains(message), "\(scan.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/store.sqlite"))
    }

    /// The scan sets DCMTK up on another thread from its first line; refusing an option a few
    /// milliseconds later must wait for it, or exit's static destructors run under it (a segmentation
    /// fault in about 1 run of 200 on a busy machine, as CI found). Many runs side by side, each
    /// expected to end with status 1.
    @Test func anEarlyRefusalNeverCrashes() throws {
        let root = try StoreFixture.temporaryFolder("early-refusal")
        let statuses = Mutex([Int32]())
        DispatchQueue.concurrentPerform(iterations: 4) { lane in
            for _ in 0..<16 {
                let scan = StoreFixture.ctdose(["scan", StoreFixture.sampleExam, "--db", root + "/store\(lane).sqlite",
                                                "--care-settings", root + "/missing.csv"])
                statuses.withLock { $0.append(scan.status) }
            }
        }
        let all = statuses.withLock { $0 }
        #expect(all.count == 64 && all.allSatisfy { $0 == 1 }, "\(all.filter { $0 != 1 })")
    }

    @Test func anOutlierRatioOfOneOrLessIsRefused() throws {
        let root = try StoreFixture.temporaryFolder("outlier-ratio")
        for ratio in ["1", "0.5", "nan"] {
            let scan = StoreFixture.ctdose(["scan", StoreFixture.sampleExam, "--db", root + "/store.sqlite", "--outlier-ratio", ratio])
            #expect(scan.status == 1 && scan.stderr.contains("--outlier-ratio") && scan.stderr.contains("give a ratio above 1"), "\(scan.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/store.sqlite"))
    }
}
