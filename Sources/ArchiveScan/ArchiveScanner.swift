import DICOMBridge
import DoseModel
import DoseValidation
import Foundation

/// A file that was skipped or only partly read, with the reason.
public struct ScanProblem: Sendable, Codable, Equatable {
    public enum Severity: String, Sendable, Codable { case error, setAside, repaired }
    public var path: String
    public var severity: Severity
    public var reason: String
}

/// Result of reading an archive: the exams and every problem.
public struct ScanResult: Sendable {
    public var exams: [Exam]
    /// Size and noise per analysed series, by Study Instance UID.
    public var seriesMeasurements: [String: [SeriesMeasurement]] = [:]
    /// Every analysed slice (slices.csv).
    public var slices: [SliceMeasurement] = []
    /// PNG thumbnails of the mid-scan slices with their outline, by Series Instance UID.
    public var thumbnails: [String: Data] = [:]
    /// Validation findings, by Study Instance UID.
    public var findings: [String: [Finding]] = [:]
    public var problems: [ScanProblem]
    public var filesSeen: Int
    public var ctImages: Int
    public var doseReports: Int
}

/// Reads every file under the given paths in parallel (on large-stack workers), classifies it and
/// assembles exams. One bad file never stops the batch: it becomes a `ScanProblem`.
public struct ArchiveScanner: Sendable {
    public var jobs: Int
    public var pixels: PixelAnalysisSettings
    public var validation = ValidationSettings()
    public var seriesPolicy = DiagnosticSeriesPolicy()
    public var progress: (@Sendable (Int) -> Void)?

    public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, pixels: PixelAnalysisSettings = PixelAnalysisSettings(),
                progress: (@Sendable (Int) -> Void)? = nil) {
        self.jobs = max(1, jobs)
        self.pixels = pixels
        self.progress = progress
    }

    /// Scans into a private in-memory store (identifiers kept; writers pseudonymise) and returns
    /// everything in memory. For archives, use `StoreScanner` with a file or PostgreSQL store.
    public func scan(_ paths: [String]) -> ScanResult {
        do {
            let store = try ScanStore.inMemory()
            var scanner = StoreScanner(jobs: jobs, pixels: pixels, pseudonymizer: .identity)
            scanner.validation = validation
            scanner.seriesPolicy = seriesPolicy
            scanner.progress = progress
            _ = try scanner.scan(paths, into: store, run: ScanRun(command: "scan", shard: nil, settingsJSON: "{}"))
            return try store.loadResult()
        } catch {
            // An in-memory SQLite store fails only when memory runs out.
            fatalError("in-memory result store failed: \(error)")
        }
    }
}
