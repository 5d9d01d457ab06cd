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
    }
}
