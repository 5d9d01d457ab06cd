@testable import ArchiveScan
import CSVFormat
import Foundation
import Testing

/// dose-outliers.csv names each outlier's exam and event: the export finds the exams at the outliers'
/// positions (in Study Instance UID order) by paging through the store's UIDs.
struct DoseOutliersCSVTests {
    @Test func outliersAreNamedByTheirExamsAtTheirPositions() throws {
        let root = try StoreFixture.temporaryFolder("dose-outliers")
        for index in 0..<3 { try StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        let scan = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/store.sqlite", "--headers-only", "--out", root + "/out"])
        #expect(scan.status == 0, "\(scan.stderr)")
        // Too few events for any protocol's fit: the file has its header only.
        #expect(try String(contentsOfFile: root + "/out/dose-outliers.csv", encoding: .utf8) == DoseOutliersCSV.columns.joined(separator: ",") + "\n")
        let store = try ScanStore.open(.sqlite(path: root + "/store.sqlite"))
        let exams = try ScanOutputWriter.exams(at: [1, 3, 7], in: store)
        #expect(exams.mapValues(\.studyInstanceUID) == [1: "2.25.9000000", 3: "2.25.9000002"])
        let outlier = DoseForSizeOutlier(examPosition: 3, eventIndex: 1, scanner: "ctdose SIM1", acquisitionProtocol: "Abdomen Pelvis Routine",
                                         dwCentimeters: 27.7, ctdiVolMilligray: 25, expectedCTDIvolMilligray: 12.5, ratio: 2, spreadFactor: 1.1,
                                         groupEvents: 40)
        let rows = CSVDocument(parsing: DoseOutliersCSV.text([outlier], exams: exams)).namedRows
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row["studyInstanceUID"] == "2.25.9000002" && row["studyDate"] == "20250315")
        #expect(row["irradiationEventUID"] == "2.25.127204470637056897995063342845353229790")  // the sample exam's spiral
        #expect(row["ctdiVol_mGy"] == "25.0000" && row["expectedCtdiVol_mGy"] == "12.5000" && row["ratio"] == "2.0000" && row["groupEvents"] == "40")
    }
}
