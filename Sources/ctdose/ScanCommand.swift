import ArchiveScan
import ArgumentParser
import DoseValidation
import Foundation
import Logging
import PixelAnalysis
import QualityMeasures

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Read every CT image and dose report under the given paths and report each exam.",
        discussion: """
            Writes OUT/exams.jsonl, exams.csv, events.csv, slices.csv, findings.csv, problems.csv and the CMS CT measure files measure.csv, measure-summary.txt and .json, sensitivity.csv and measure-fhir.json (columns and units: README).

            problems.csv explains every file set aside (not DICOM, not CT), partly read (repaired) or unreadable. findings.csv lists the cross-checks of what the scanner reported.

            Exit status: 0 when no file was unreadable; 2 when at least one was (problems.csv, severity "error"); 3 when --fail-on is given and a finding of that severity or worse exists; 1 on a usage or output error.

            Examples:
              ctdose scan TestData/sample-exam --out /tmp/ctdose-out
              ctdose scan /archive/2025 /archive/2026 --out results --jobs 2
              ctdose scan /archive --out results --period 2025 --care-settings settings.csv --slices every:4
            """
    )

    @Argument(help: "Files or folders to read (folders recursively).")
    var paths: [String]

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Parallel readers (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Pseudonym key file (created on first use) unless CTDOSE_PSEUDONYM_KEY is set.")
    var pseudonymKey: String = Pseudonymizer.defaultKeyFile

    @Flag(name: .long, help: "Write patient identifiers unchanged instead of pseudonyms.")
    var keepIdentifiers = false

    @Option(name: .long, help: "Exit with status 3 when a finding of this severity or worse exists (info, warning, error).")
    var failOn: FindingSeverity?

    @Option(name: .long, help: "Slices analysed per series: all, mid (mid-scan only) or every:N.")
    var slices: String = "all"

    @Flag(name: .long, help: "Skip the pixel pass (no size, noise, SAD or measure verdicts).")
    var headersOnly = false

    @Option(name: .long, help: "HU threshold of the patient segmentation.")
    var threshold: Float = -500

    @Option(name: .long, help: "Soft-tissue window of the global noise, as LOW:HIGH HU.")
    var noiseWindow: String = "0:100"

    @Option(name: .long, help: "Measurement period: a year (2025). Default: each exam in the year of its scan date.")
    var period: Int?

    @Option(name: .long, help: "CSV with studyInstanceUID,setting (inpatient / outpatient / emergency).")
    var careSettings: String?

    @Option(name: .long, help: "Category rules file replacing the bundled default rules (JSON).")
    var categoryRules: String?

    @Option(name: .long, help: "DLP definition for SAD: allEvents, withoutLocalizers, withoutLocalizersAndMonitoring.")
    var dlpDefinition: DLPDefinition = .allEvents

    @Option(name: .long, help: "Diameter for SAD: waterEquivalent, areaEquivalent, singleDimensionAAPM204, geometricMeanAPLateral, arithmeticMeanAPLateral.")
    var diameterMethod: DiameterMethod = .waterEquivalent

    func run() throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "ctdose.scan")
        let key = try Pseudonymizer.loadKey(keyFile: pseudonymKey)
        let showProgress = isatty(STDERR_FILENO) == 1
        var progress: (@Sendable (Int) -> Void)?
        if showProgress {
            progress = { count in
                if count % 100 == 0 { FileHandle.standardError.write(Data("\r\(count) files read".utf8)) }
            }
        }
        var pixels = PixelAnalysisSettings()
        pixels.enabled = !headersOnly
        guard let selection = SliceSelection(parsing: slices) else {
            throw ValidationError("--slices must be all, mid or every:N (N ≥ 1)")
        }
        pixels.slices = selection
        pixels.segmentation.thresholdHounsfield = threshold
        let window = noiseWindow.split(separator: ":").compactMap { Float($0) }
        guard window.count == 2, window[0] < window[1] else { throw ValidationError("--noise-window must be LOW:HIGH, e.g. 0:100") }
        pixels.noise.tissueWindowHounsfield = window[0]...window[1]
        var measures = try MeasureConfiguration.bundledDefaults(rulesURL: categoryRules.map { URL(fileURLWithPath: $0) })
        measures.measurementPeriod = period.map(MeasurementPeriod.year)
        measures.dlpDefinition = dlpDefinition
        measures.diameterMethod = diameterMethod
        if let careSettings {
            measures.careSettings = try CareSettingMapping.parse(csv: String(contentsOfFile: careSettings, encoding: .utf8))
        }
        let scanner = ArchiveScanner(jobs: jobs, pixels: pixels, progress: progress)
        let result = scanner.scan(paths)
        if showProgress { FileHandle.standardError.write(Data("\r".utf8)) }
        try ScanOutputWriter(folder: out, pseudonymizer: Pseudonymizer(key: key, keepsIdentifiers: keepIdentifiers),
                             measures: measures).write(result)
        let failed = result.problems.filter { $0.severity == ScanProblem.Severity.error }.count
        let setAside = result.problems.filter { $0.severity == ScanProblem.Severity.setAside }.count
        logger.info("\(result.filesSeen) files: \(result.ctImages) CT images, \(result.doseReports) dose reports, \(result.exams.count) exams; \(failed) unreadable, \(setAside) set aside; results in \(out)")
        if failed > 0 { throw ExitCode(2) }
        if let failOn, result.findings.values.contains(where: { $0.containsFinding(atOrAbove: failOn) }) {
            logger.error("findings at or above \(failOn.rawValue): see findings.csv")
            throw ExitCode(3)
        }
    }
}

extension DLPDefinition: ExpressibleByArgument {}
extension DiameterMethod: ExpressibleByArgument {}
extension FindingSeverity: ExpressibleByArgument {}
