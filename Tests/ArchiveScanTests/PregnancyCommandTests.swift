import CSVFormat
import Foundation
import Testing

/// Pregnancy Status (0010,21C0, US) read from the images: a copy of the sample exam given 3 (definitely
/// pregnant) by dcmodify raises PATIENT_POSSIBLY_PREGNANT with its spiral's CTDIvol (12.5 mGy, the
/// sample's README); a copy given 1 (not pregnant) raises nothing.
struct PregnancyCommandTests {
    @Test(.timeLimit(.minutes(1))) func aPregnantPatientsExamIsFlagged() throws {
        let root = try StoreFixture.temporaryFolder("pregnancy")
        for index in 0..<2 { try StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        let dcmodify = try #require(DCMTKTools.path("dcmodify"))
        for (index, status) in [(0, 3), (1, 1)] {
            let images = StoreFixture.sampleFiles.filter { !$0.hasPrefix("dose-report") }.map { root + "/archive/study\(index)/" + $0 }
            #expect(StoreFixture.run(dcmodify, ["-nb", "-i", "(0010,21c0)=\(status)"] + images).status == 0)
        }
        let scan = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/store.sqlite", "--out", root + "/out", "--headers-only"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let findings = CSVDocument(parsing: try String(contentsOfFile: root + "/out/findings.csv", encoding: .utf8)).namedRows
            .filter { $0["code"] == "PATIENT_POSSIBLY_PREGNANT" }
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding["studyInstanceUID"] == "2.25.9000000" && finding["severity"] == "warning")
        #expect(finding["message"].contains("is 3, definitely pregnant") && finding["message"].contains("CTDIvol 12.5 mGy"), "\(finding["message"])")
    }
}
