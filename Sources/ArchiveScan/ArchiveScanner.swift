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
    public var progress: (@Sendable (Int) -> Void)?

    public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, pixels: PixelAnalysisSettings = PixelAnalysisSettings(),
                progress: (@Sendable (Int) -> Void)? = nil) {
        self.jobs = max(1, jobs)
        self.pixels = pixels
        self.progress = progress
    }

    public func scan(_ paths: [String]) -> ScanResult {
        AllocatorTuning.apply()
        let collector = Collector()
        let workers = LargeStackWorkers.pool(count: jobs)
        let slots = DispatchSemaphore(value: jobs * 4)
        let group = DispatchGroup()
        let unreadable = ArchiveWalker().walk(paths) { path in
            slots.wait()
            group.enter()
            workers.submit {
                let object = ObjectReader.read(path: path)
                let count = collector.add(path: path, object)
                progress?(count)
                slots.signal()
                group.leave()
            }
        }
        group.wait()
        var problems = collector.problems + unreadable.map { ScanProblem(path: $0.path, severity: .error, reason: $0.reason) }
        problems.sort { ($0.path, $0.reason) < ($1.path, $1.reason) }
        let exams = ExamAssembler.assemble(images: collector.images, reports: collector.reports)
        var result = ScanResult(exams: exams, problems: problems, filesSeen: collector.count + unreadable.count,
                                ctImages: collector.images.count, doseReports: collector.reports.count)
        let bySeries = Dictionary(grouping: collector.images, by: \.seriesInstanceUID)
        let reportsByStudy = Dictionary(grouping: collector.reports, by: \.studyInstanceUID)
        let pass = ExamPixelPass(analyzer: SeriesPixelAnalyzer(settings: pixels, workers: workers))
        for exam in exams {
            if pixels.enabled {
                let (series, slices, thumbnails) = pass.measure(exam, images: bySeries)
                result.seriesMeasurements[exam.studyInstanceUID] = series
                result.slices.append(contentsOf: slices)
                result.thumbnails.merge(thumbnails) { first, _ in first }
            }
            result.findings[exam.studyInstanceUID] = ExamValidationPass.findings(
                for: exam, reports: reportsByStudy[exam.studyInstanceUID] ?? [], images: bySeries,
                measurements: result.seriesMeasurements[exam.studyInstanceUID] ?? [], settings: validation)
        }
        return result
    }
}

private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    var images: [CTImageHeader] = []
    var reports: [DoseReport] = []
    var problems: [ScanProblem] = []
    var count = 0

    func add(path: String, _ object: ScannedObject) -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        switch object {
        case .ctImage(let headers): images.append(contentsOf: headers)
        case .doseReport(let report, let warnings):
            reports.append(report)
            for warning in warnings { problems.append(ScanProblem(path: path, severity: .repaired, reason: warning)) }
        case .setAside(let reason): problems.append(ScanProblem(path: path, severity: .setAside, reason: reason))
        case .failed(let reason): problems.append(ScanProblem(path: path, severity: .error, reason: reason))
        }
        return count
    }
}
