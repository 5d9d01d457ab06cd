import ArchiveScan
import Foundation
import QualityMeasures
import ScratchFolders

/// Scan output folders made for the tests with the real scanner and writer, once per test run.
enum ScannedFolders {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// TestData/sample-exam (bundled, always available): one synthetic exam, 32 × 24 cm water ellipse,
    /// DLP 159.6 mGy·cm, 20 analysed slices.
    static let sampleExam: String = scan(repository.appendingPathComponent("TestData/sample-exam").path, name: "sample")

    /// ../shared/corpus when it exists (dose reports only, to keep the test fast); nil otherwise.
    static let corpusDoseReports: String? = {
        let corpus = repository.deletingLastPathComponent().appendingPathComponent("shared/corpus/dose-reports").path
        return FileManager.default.fileExists(atPath: corpus) ? scan(corpus, name: "corpus") : nil
    }()

    static func scan(_ path: String, name: String) -> String {
        let folder = ScratchFolder.path("report-\(name)")
        let result = ArchiveScanner(jobs: 2).scan([path])
        do {
            try ScanOutputWriter(folder: folder, pseudonymizer: Pseudonymizer(key: .init(size: .bits256)),
                                 measures: try MeasureConfiguration.bundledDefaults()).write(result)
        } catch {
            fatalError("cannot write the scan of \(path) to \(folder): \(error)")
        }
        return folder
    }
}
