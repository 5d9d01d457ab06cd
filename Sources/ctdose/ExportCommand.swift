import ArchiveScan
import ArgumentParser
import Foundation
import Logging

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the output files of a results store (the same files `scan --out` writes).",
        discussion: """
            Reads every exam, slice, finding and problem from the store and writes exams.jsonl, exams.csv, events.csv, \
            slices.csv, findings.csv, problems.csv, thumbnails/ and the CMS measure files into OUT. Measure choices not \
            given here are those of the newest scan, so a plain export reproduces the scan's files. Use it after sharded \
            scans (`scan --shard K/N`) to write the union of all shards.

            Examples:
              ctdose export --db ctdose.sqlite --out results
              ctdose export --store postgres://ctdose@db.example/ctdose --out results --period 2025
            """
    )

    @OptionGroup var storeArguments: StoreArguments
    @OptionGroup var measureArguments: MeasureArguments

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Threads that decode and render the exams (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Crash journal, as for `ctdose scan` (default: DB.crashes beside an SQLite store; ctdose-DATABASE.crashes here for PostgreSQL).")
    var crashJournal: String?

    func run() throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let store = try storeArguments.open()
        let measures = measureArguments.options.filled(from: try store.lastScanMeasureOptions())
        let run = ScanRun(command: "export", shard: nil, settingsJSON: ScanStore.json(measures))
        try store.beginRun(run)
        let journal = try crashJournal ?? CrashJournal.defaultPath(for: storeArguments.location, shard: nil)
        let logger = Logger(label: "ctdose.export")
        try CrashJournal.recording(at: journal, store: store, run: run) {
            try store.export(to: out, measures: measures, run: run, jobs: jobs).log(folder: out, to: logger)
        }
        let counts = try store.fileCounts()
        try store.finishRun(run.id, filesSeen: counts.files, filesRead: 0, studiesUpdated: 0)
        let exams = try store.examCount()
        let place = try storeArguments.location.description
        logger.info("exported \(exams) exams from \(place) to \(out)")
    }
}
