import CSVFormat
import Foundation
import Testing

/// SCAN_LONGER_THAN_IMAGES end to end: the sample exam with only its first ten axial slices (z −50 to
/// −5 mm, 5 mm thick: −52.5 to −2.5 mm, 50 mm of table) against its spiral event's Scanning Length of
/// 120 mm (TestData/sample-exam/README.md): 70 mm without images, 10 mm beyond the 60 mm over-ranging
/// allowance, 12.5 mGy × 1 cm = 12.5 mGy·cm. The whole exam (100 mm of images) raises nothing.
struct ScanLongerThanImagesCommandTests {
    @Test(.timeLimit(.minutes(2))) func halfTheSlicesLeaveSeventyMillimetresWithoutImages() throws {
        let root = try StoreFixture.temporaryFolder("scan-longer")
        let firstTen = (1...10).map { String(format: "axial/IM%04d.dcm", $0) }
        try StoreFixture.writeStudyCopy(0, into: root + "/half") { !$0.hasPrefix("axial/") || firstTen.contains($0) }
        try StoreFixture.writeStudyCopy(1, into: root + "/whole")
        for name in ["half", "whole"] {
            let scan = StoreFixture.ctdose(["scan", root + "/" + name, "--db", root + "/\(name).sqlite", "--out", root + "/\(name)-out", "--headers-only"])
            #expect(scan.status == 0, "\(scan.stderr)")
        }
        let findings = { (name: String) in
            try CSVDocument(parsing: String(contentsOfFile: root + "/\(name)-out/findings.csv", encoding: .utf8)).namedRows
                .filter { $0["code"] == "SCAN_LONGER_THAN_IMAGES" }
        }
        let half = try findings("half")
        #expect(half.count == 1)
        let finding = try #require(half.first)
        #expect(finding["severity"] == "info" && finding["expected"] == "≤ 110 mm" && finding["actual"] == "120 mm")
        #expect(finding["message"].contains("cover 50 mm of table together; 70 mm was irradiated without an image"), "\(finding["message"])")
        #expect(finding["message"].contains("about 12.5 mGy·cm of DLP"), "\(finding["message"])")
        #expect(try findings("whole").isEmpty)
    }
}
