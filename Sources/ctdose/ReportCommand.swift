import ArchiveScan
import ArgumentParser
import Foundation
import ScanReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a results store or a scan output folder.",
        discussion: """
            Reads a results store (--db FILE, --store postgres://…; measure choices not given are those of the newest \
            scan) or the files `ctdose scan --out DIR` wrote (exams.jsonl, measure.csv, sensitivity.csv, \
            slices.csv, problems.csv) and writes one HTML file with inline SVG charts: summary, CMS measure \
            per category, size-method sensitivity, CTDIvol/DLP/SSDE by scanner and protocol per month, and \
            a section for each flagged exam (out of range, or with warning or error findings; the first \
            --flagged-exams of them, the rest counted). The file loads nothing from the network and works \
            without JavaScript; open it in any browser or print it (A4). The folder is read as a stream (about \
            330 bytes of memory an exam: verdicts, patients, dose values), and the page stays light \
            (charts of thousands of exams draw a fixed sample of at most \(CategoryOverview.defaultMarkerLimit) \
            markers per verdict and say so).

            Examples:
              ctdose scan TestData/sample-exam --out /tmp/ctdose-out
              ctdose report --from /tmp/ctdose-out --out /tmp/ctdose-report.html
              ctdose report --db ctdose.sqlite --out report.html
              ctdose report --store postgres://ctdose@db/ctdose --period 2025 --out r.html
              ctdose report --from /tmp/ctdose-out --flagged-exams 1000 --out all.html
            """
    )

    @Option(name: .long, help: "Output folder of `ctdose scan` (instead of a store).")
    var from: String?

    @OptionGroup var storeArguments: StoreArguments
    @OptionGroup var measureArguments: MeasureArguments

    @Option(name: .long, help: "HTML file to write.")
    var out: String

    @Option(name: .long, help: "Threads that decode and render the exams (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Flagged exams given a section of their own, out of range first; the others are counted.")
    var flaggedExams: Int = FlaggedExam.defaultSectionLimit

    func validate() throws {
        guard flaggedExams >= 0 else { throw ValidationError("--flagged-exams must be 0 or more") }
    }

    var limits: ReportLimits {
        var limits = ReportLimits()
        limits.flaggedExamSections = flaggedExams
        return limits
    }

    func run() throws {
        if let from {
            try ScanReportPage.write(from: from, to: out, limits: limits, jobs: jobs)
            return
        }
        // From a store: export into a private temporary folder, report from it, remove it.
        let store = try storeArguments.open()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ctdose-report-\(getpid())-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let measures = measureArguments.options.filled(from: try store.lastScanMeasureOptions())
        let run = ScanRun(command: "report", shard: nil, settingsJSON: ScanStore.json(measures))
        try store.beginRun(run)
        try store.export(to: folder, measures: measures, run: run, jobs: jobs)
        try ScanReportPage.write(from: folder, to: out, source: "Results store " + (try storeArguments.location.description), limits: limits,
                                 jobs: jobs)
        try store.finishRun(run.id, filesSeen: try store.fileCounts().files, filesRead: 0, studiesUpdated: 0)
    }
}
