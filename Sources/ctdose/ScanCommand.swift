import ArchiveScan
import ArgumentParser
import DoseModel
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
            Results go into a store first: the SQLite file --db (default ctdose.sqlite here) or a PostgreSQL server (--store). \
            A file the store already has with the same size and modification time is not read again, and only the exams \
            whose files changed are assembled again, so a nightly run over the same folders reads only what is new. A run \
            that is killed can be started again with the same command; it finishes the work and gives the same result. A \
            file or study that crashes ctdose is named in the crash journal (--crash-journal), and the next run sets it \
            aside (problems.csv) instead of crashing on it again.

            With --out, every output file is then exported from the store: exams.jsonl, exams.csv, events.csv, slices.csv, \
            findings.csv, problems.csv, thumbnails/ and the CMS CT measure files measure.csv, measure-summary.txt and .json, \
            sensitivity.csv and measure-fhir.json (columns and units: README). problems.csv explains every file set aside \
            (not DICOM, not CT), partly read (repaired) or unreadable; findings.csv lists the cross-checks of what the \
            scanner reported.

            Patient identifiers are stored and written as keyed pseudonyms unless --keep-identifiers is given; a store \
            keeps the policy and key of its first scan and refuses another.

            Exit status: 0 when no file in the store is unreadable; 2 when at least one is or a study was set aside after \
            a crash (problems.csv, severity "error"); \
            3 when --fail-on is given and a finding of that severity or worse exists; 4 when one file took longer than \
            --file-time-limit (the next run sets it aside); 64 on a bad option; 1 on a store or output error or an input file \
            that cannot be used.

            Examples:
              ctdose scan TestData/sample-exam --out /tmp/ctdose-out
              ctdose scan /archive/2025 /archive/2026 --db results.sqlite --out results --jobs 2
              ctdose scan /archive --out results --period 2025 --care-settings settings.csv --slices every:4
              ctdose scan /archive --out results --series-thickness 3 --soft-tissue-kernels B30,Br40,STANDARD,FC08
              ctdose scan /archive --store postgres://ctdose@db/ctdose --shard 0/4    (then: ctdose export --store … --out results)
            """
    )

    @Argument(help: "Files or folders to read (folders recursively).")
    var paths: [String]

    @Option(name: .long, help: "Output folder: after the scan, every output file is exported from the store into it (omit with --shard; run `ctdose export` when all shards are done).")
    var out: String?

    @OptionGroup var storeArguments: StoreArguments

    @Option(name: .long, help: "K/N: this worker handles the studies whose Study Instance UID hashes to K modulo N (0 ≤ K < N).")
    var shard: String?

    @Option(name: .long, help: "Parallel readers, and threads of the export (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Pseudonym key file (created on first use) unless CTDOSE_PSEUDONYM_KEY is set.")
    var pseudonymKey: String = Pseudonymizer.defaultKeyFile

    @Flag(name: .long, help: "Store and write patient identifiers unchanged instead of pseudonyms.")
    var keepIdentifiers = false

    @Option(name: .long, help: "Crash journal: names the file or study a crash happened in, so that the next run sets it aside instead of crashing on it again (default: DB[-shard-K-of-N].crashes beside an SQLite store; ctdose-DATABASE[-shard-K-of-N].crashes here for PostgreSQL). Keep it on storage that outlives the process.")
    var crashJournal: String?

    @Option(name: .long, help: "Seconds one file may take to read or decode before it counts as hung: the run ends (status 4) and the next sets the file aside.")
    var fileTimeLimit: Int = CrashJournal.defaultFileTimeLimitSeconds

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

    @Option(name: .long, help: "Millimetres the patient's centre may lie above or below the isocentre (mean over a series' whole slices) before PATIENT_OFF_CENTRE.")
    var offCentreLimit: Double = ValidationSettings().offCentreLimitMillimeters

    @Option(name: .long, help: "Words of a Patient's Name, Patient ID or Patient Comments that mark a QA phantom or test patient, looked for as files are read (names and comments are not stored): comma-separated, whole words, any case; \"\" for none (default: the store's, else \(NonPatientWords.defaultIdentifierWords.joined(separator: ","))). Other words than the store's make every stored file be read again.")
    var nonPatientWords: String?

    @OptionGroup var seriesChoice: SeriesChoiceArguments

    @OptionGroup var measureArguments: MeasureArguments

    @Option(name: .long, help: .hidden)
    var batchSize: Int = 512

    func run() throws {
        StoreScanner.prepareReading()  // DCMTK sets up while the store opens
        defer { StoreScanner.finishPreparingReading() }  // exiting (on a bad option too) while it does would crash
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "ctdose.scan")
        let studyShard = try shard.map(StudyShard.init(parsing:))
        if studyShard != nil, out != nil {
            throw ValidationError("--out with --shard would export while other shards still run: scan with --shard, then `ctdose export` once")
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
        guard offCentreLimit >= 0, offCentreLimit.isFinite else { throw ValidationError("--off-centre-limit must be a distance in mm, 0 or more") }
        let seriesPolicy = try seriesChoice.policy()
        let measures = measureArguments.options
        _ = try measures.configuration()  // a bad rules or care-settings file fails before any reading
        _ = try measures.doseOutlierSettings()
        _ = try measures.nonPatientWords()
        _ = try measures.phantomShapeSettings()
        let nameWords = try nonPatientWords.map { text in
            guard let words = NonPatientWords.list(parsing: text) else {
                throw ValidationError("--non-patient-words \(text): give single words of letters (or of digits) separated by commas, e.g. QA,PHANTOM")
            }
            return words
        }

        let pseudonymizer = Pseudonymizer(key: try Pseudonymizer.loadKey(keyFile: pseudonymKey), keepsIdentifiers: keepIdentifiers)
        let store = try storeArguments.open()
        try store.adoptIdentifierPolicy(pseudonymizer)
        var settings = ScanSettingsRecord(paths: paths, jobs: jobs, slices: slices, headersOnly: headersOnly, thresholdHounsfield: threshold,
                                          noiseWindowHounsfield: noiseWindow, measures: measures, offCentreLimitMillimeters: offCentreLimit)
        settings.seriesChoice = seriesPolicy.description
        let run = ScanRun(command: "scan", shard: studyShard, settingsJSON: settings.json)
        var scanner = StoreScanner(jobs: jobs, pixels: pixels, pseudonymizer: pseudonymizer, shard: studyShard)
        scanner.validation.offCentreLimitMillimeters = offCentreLimit
        scanner.seriesPolicy = seriesPolicy
        scanner.batchSize = max(1, batchSize)
        scanner.nonPatientNameWords = nameWords
        let showProgress = isatty(STDERR_FILENO) == 1
        if showProgress {
            scanner.progress = { count in FileHandle.standardError.write(Data("\r\(count) files seen".utf8)) }
        }
        let journal = try crashJournal ?? CrashJournal.defaultPath(for: storeArguments.location, shard: studyShard)
        let summary = try CrashJournal.recording(at: journal, store: store, run: run, fileTimeLimitSeconds: fileTimeLimit) {
            let summary = try scanner.scan(paths, into: store, run: run)
            if summary.filesToReadAgain > 0 {
                logger.notice("--non-patient-words differ from those the store's files were read with: its \(summary.filesToReadAgain) CT images and dose reports are read again by the scans that come to them")
            }
            if summary.studiesInvalidated > 0 {
                logger.notice("analysis settings or ctdose version differ from the store's exams: all \(summary.studiesInvalidated) studies were assembled again")
            }
            if showProgress { FileHandle.standardError.write(Data("\r".utf8)) }
            if let out { try store.export(to: out, measures: measures, run: run, jobs: jobs).log(folder: out, to: logger) }
            return summary
        }
        let failed = try store.fileCount(withProblem: .error)
        let setAside = try store.fileCount(withProblem: .setAside)
        let studiesSetAside = try store.setAsideStudyCount()
        let crashed = studiesSetAside > 0 ? ", \(studiesSetAside) studies set aside after a crash (problems.csv)" : ""
        let place = try storeArguments.location.description
        let exams = try store.examCount()
        let seriesPart = summary.seriesMeasured + summary.seriesReused == 0 ? ""
            : "\(summary.seriesMeasured) series measured from their pixels, \(summary.seriesReused) taken from the store; "
        logger.info("\(summary.filesSeen) files: \(summary.filesRead) read, \(shard == nil ? "" : "\(summary.filesOfOtherShards) of other shards, ")\(summary.filesUnchanged) unchanged, \(summary.filesForgotten) gone; \(summary.studiesUpdated) exams updated (\(seriesPart)reading \(String(format: "%.1f", summary.readingSeconds)) s, exams \(String(format: "%.1f", summary.assemblingSeconds)) s); store \(place) holds \(exams) exams, \(failed) unreadable and \(setAside) set-aside files\(crashed)\(out.map { "; results in " + $0 } ?? "")")
        if failed + studiesSetAside > 0 { throw ExitCode(2) }
        if let failOn {
            let severities = FindingSeverity.allCases.filter { $0 >= failOn }.map(\.rawValue)
            if try store.hasFinding(withSeverityIn: severities) {
                logger.error("findings at or above \(failOn.rawValue): see findings.csv")
                throw ExitCode(3)
            }
        }
    }
}

extension FindingSeverity: ExpressibleByArgument {}
