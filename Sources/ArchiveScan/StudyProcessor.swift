import DICOMBridge
import DoseModel
import DoseValidation
import Foundation

/// Everything ctdose derives for one study: the exam, size and noise of its measured series, their
/// slices and thumbnails, and the validation findings.
public struct StudyResult: Sendable {
    public var exam: Exam
    public var measurements: [SeriesMeasurement] = []
    public var slices: [SliceMeasurement] = []
    /// PNG thumbnails of mid-scan slices, by Series Instance UID.
    public var thumbnails: [String: Data] = [:]
    public var findings: [Finding] = []
    /// Image headers (one per image or frame) and dose reports the exam was assembled from.
    public var imageCount: Int = 0
    public var doseReportCount: Int = 0
    /// The key of each measured series' pixel results (`StoredStudyPixels.key`), stored with them.
    var pixelKeys: [String: String] = [:]
    /// Series measured from their pixels, and series whose stored results were taken instead.
    var seriesMeasured = 0
    var seriesReused = 0
}

/// Assembles one study from its image headers and dose reports, measures its diagnostic series
/// from the pixels and cross-checks it. Used by the in-memory scan and the store scan alike.
struct StudyProcessor: Sendable {
    let pixels: PixelAnalysisSettings
    let validation: ValidationSettings
    var seriesPolicy = DiagnosticSeriesPolicy()
    let workers: LargeStackWorkers

    /// One result per Study Instance UID found among `images` and `reports` (normally one).
    /// `stored`: what the store holds of the study's earlier pixel results (a store scan).
    func process(images: [CTImageHeader], reports: [DoseReport], stored: StoredStudyPixels? = nil) -> [StudyResult] {
        let bySeries = Dictionary(grouping: images, by: \.seriesInstanceUID)
        let reportsByStudy = Dictionary(grouping: reports, by: \.studyInstanceUID)
        let imagesByStudy = Dictionary(grouping: images, by: \.studyInstanceUID)
        let pass = ExamPixelPass(analyzer: SeriesPixelAnalyzer(settings: pixels, workers: workers), stored: stored)
        return ExamAssembler.assemble(images: images, reports: reports, policy: seriesPolicy).map { exam in
            var result = StudyResult(exam: exam)
            let studyReports = reportsByStudy[exam.studyInstanceUID] ?? []
            result.imageCount = imagesByStudy[exam.studyInstanceUID]?.count ?? 0
            result.doseReportCount = studyReports.count
            if pixels.enabled {
                let pixels = pass.measure(exam, images: bySeries)
                (result.measurements, result.slices, result.thumbnails) = (pixels.series, pixels.slices, pixels.thumbnails)
                (result.pixelKeys, result.seriesMeasured, result.seriesReused) = (pixels.keys, pixels.measured, pixels.reused)
            }
            result.findings = ExamValidationPass.findings(
                for: exam, reports: studyReports, images: bySeries, measurements: result.measurements, settings: validation)
            return result
        }
    }
}
