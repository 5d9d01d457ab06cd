import DICOMBridge
import DoseModel
import DoseValidation
import Foundation
import ResultStore
import Synchronization

/// What one store scan did.
public struct StoreScanSummary: Sendable {
    public var runID: String
    /// Files found under the paths (all shards' files included).
    public var filesSeen = 0
    /// Files read in this run (new or changed, and owned by this shard).
    public var filesRead = 0
    /// Files skipped because the store already has them unchanged.
    public var filesUnchanged = 0
    /// New or changed files left to other shards (`--shard`): their study is another shard's.
    public var filesOfOtherShards = 0
    /// Stored files under the scanned paths that are no longer there, now forgotten.
    public var filesForgotten = 0
    /// Studies marked for assembly because the analysis settings or ctdose's version changed.
    public var studiesInvalidated = 0
    /// Stored CT images and dose reports marked to be read again because the words that mark a
    /// patient's name or ID as a QA phantom's or test patient's changed.
    public var filesToReadAgain = 0
    /// Exams assembled again (new files, changed files) or removed.
    public var studiesUpdated = 0
    /// Series of those exams measured from their pixels, and series whose pixel results were taken
    /// from the store (derived from the same files, read the same way, with the same settings).
    public var seriesMeasured = 0
    public var seriesReused = 0
    /// Wall-clock seconds spent walking, reading and recording files, and assembling exams.
    public var readingSeconds = 0.0
    public var assemblingSeconds = 0.0
}

/// Scans files into a store, incrementally and resumably:
/// 1. the paths are walked in batches; a file whose path, size and modification time the store
///    already has is not read again; new and changed files are read on the workers and recorded in
///    one transaction per batch, marking their studies pending;
/// 2. each pending study (of this shard) is assembled from all of its stored files, measured from
///    the pixels, validated, and replaces its previous exam in a transaction that also clears the mark
///    (up to `studiesPerTransaction` studies share one).
/// A run killed at any moment leaves committed batches and exams intact and the rest pending or
/// unrecorded, so running the same command again finishes the work with the same result. Inside
/// `CrashJournal.recording` (as `ctdose scan` runs it), a file or study that crashes the process is
/// set aside by the next run instead of crashing it again.
/// Memory is bounded by the batch size and the largest study, not by the archive.
public struct StoreScanner: Sendable {
    public var jobs: Int
    public var pixels: PixelAnalysisSettings
    public var validation = ValidationSettings()
    /// How each event's diagnostic axial series is chosen (kernels, reformat words, slice thickness).
    public var seriesPolicy = DiagnosticSeriesPolicy()
    /// Applied to patient identifiers before anything is stored.
    public var pseudonymizer: Pseudonymizer
    public var shard: StudyShard?
    /// The words that mark a patient's name or ID as a QA phantom's or test patient's, looked for as
    /// each file is read (names are not stored); nil: those the store's files were read with, else
    /// `NonPatientWords.defaultIdentifierWords`. Other words make every stored file be read again.
    public var nonPatientNameWords: [String]?
    public var batchSize = 512
    /// Assembled studies written per transaction: few enough that a killed run loses little work.
    static let studiesPerTransaction = 16
    public var progress: (@Sendable (Int) -> Void)?

    public init(jobs: Int, pixels: PixelAnalysisSettings, pseudonymizer: Pseudonymizer, shard: StudyShard? = nil) {
        self.jobs = max(1, jobs)
        self.pixels = pixels
        self.pseudonymizer = pseudonymizer
        self.shard = shard
    }

    /// Starts setting DCMTK up on another thread (see `DICOMFile.prepareInBackground`): call it before
    /// opening the store, whose start-up work then overlaps DCMTK's. A program that may end before it
    /// reads a file (a bad option, a store that will not open) must call `finishPreparingReading` first.
    public static func prepareReading() { DICOMFile.prepareInBackground() }

    /// Waits until DCMTK is set up (at once when it is): ending the process while the other thread is
    /// still setting it up runs DCMTK's static destructors under it, a crash.
    public static func finishPreparingReading() { DICOMFile.finishPreparing() }

    public func scan(_ paths: [String], into store: ScanStore, run: ScanRun) throws -> StoreScanSummary {
        let paths = paths.map(CanonicalPath.of)
        AllocatorTuning.apply()
        let start = DispatchTime.now()
        try store.beginRun(run)
        var summary = StoreScanSummary(runID: run.id)
        let words = NonPatientWords(identifierWords: try nonPatientNameWords ?? store.nonPatientNameWords() ?? NonPatientWords.defaultIdentifierWords)
        summary.filesToReadAgain = try store.adoptNonPatientNameWords(words.identifierWords)
        // The analysis fingerprint (reflection over every setting: about 40 M instructions) is made on
        // another thread while this one walks and commits; it is needed only before assembly.
        let fingerprint = BackgroundResult { [self] in analysisFingerprint }
        let workers = LargeStackWorkers.pool(count: jobs)
        var batch: [WalkedFile] = []
        var reading: BatchInFlight?
        var failure: Error?
        // Two stages: the workers read (and encode) batch k+1 while this thread commits batch k.
        func advance(_ walked: [WalkedFile]) {
            do {
                let next = try startReading(walked, store: store, workers: workers, words: words, summary: &summary)
                if let reading { try commit(reading, store: store, run: run, summary: &summary) }
                reading = next
            } catch {
                failure = error
            }
        }
        let unreadable = ArchiveWalker().walk(paths) { path, info in
            guard failure == nil else { return }
            batch.append(WalkedFile(path: path, stamp: FileStamp(of: info)))
            if batch.count >= batchSize {
                advance(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if failure == nil { advance(batch) }
        if let failure { throw failure }
        if let reading { try commit(reading, store: store, run: run, summary: &summary) }
        summary.filesSeen += unreadable.count
        try forgetVanishedFiles(under: paths, store: store, runID: run.id, summary: &summary)
        let walkProblems = unreadable.filter { owns(path: $0.path) }.map {
            ReadFile(path: $0.path, stamp: FileStamp(sizeBytes: 0, modificationNanoseconds: 0), object: .failed(reason: $0.reason))
        }
        try store.record(walkProblems, runID: run.id)
        try reassembleEverythingIfAnalysisChanged(store: store, wanted: try fingerprint.wait(), summary: &summary)
        let assemblyStart = DispatchTime.now()
        summary.readingSeconds = Double(assemblyStart.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        try assemblePending(store: store, workers: workers, run: run, summary: &summary)
        summary.assemblingSeconds = Double(DispatchTime.now().uptimeNanoseconds - assemblyStart.uptimeNanoseconds) / 1e9
        try store.finishRun(run.id, filesSeen: summary.filesSeen, filesRead: summary.filesRead, studiesUpdated: summary.studiesUpdated)
        return summary
    }

    /// What the stored exams were derived with: pixel, validation and series-choice settings and ctdose's version.
    var analysisFingerprint: String {
        let pixelPart = pixels.enabled ? "pixels \(pixels.settingsText)" : "headers only"
        return "\(pixelPart); validation \(SettingsText.of(validation)); series \(seriesPolicy.description); ctdose \(ScanRun.ctdoseVersion)"
    }

    /// When the exams in the store were made with other settings (or another ctdose), every study is
    /// assembled again from its stored headers, so that one store never mixes two analyses.
    /// Called after the reading, before the assembly: every study then pending, by this run's reading or
    /// by this, is assembled (a run killed before this point compares again when it is run again).
    private func reassembleEverythingIfAnalysisChanged(store: ScanStore, wanted: String, summary: inout StoreScanSummary) throws {
        let name = "exam analysis"
        guard let stored = try store.fact(name) else {
            try store.setFact(name, wanted)
            return
        }
        guard stored != wanted else { return }
        summary.studiesInvalidated = try store.markEveryStudyPending()
        try store.setFact(name, wanted)
    }

    /// Stored files under the scanned roots that are gone from disk are forgotten, and their studies
    /// assembled again without them. A file this run has just read is not looked at again (on a first
    /// scan that is every file): one that vanished since its reading is forgotten by the next run.
    private func forgetVanishedFiles(under roots: [String], store: ScanStore, runID: String, summary: inout StoreScanSummary) throws {
        for root in Set(roots).sorted() {
            var after: String?
            while true {
                let page = try store.storedFiles(under: root, after: after, limit: 2000, notRecordedBy: runID)
                guard let last = page.last else { break }
                after = last.path
                let gone = page.filter { file in
                    var info = stat()
                    let owned = file.studyInstanceUID.map { shard?.owns(studyInstanceUID: $0) ?? true } ?? owns(path: file.path)
                    // A folder is only ever stored as a walk problem ("cannot list folder"): re-recorded below if it still is one.
                    return owned && (stat(file.path, &info) != 0 || info.st_mode & S_IFMT == S_IFDIR)
                }
                try store.forget(gone)
                summary.filesForgotten += gone.count
            }
        }
    }

    private func owns(path: String) -> Bool { shard?.owns(key: StudyShard.key(path)) ?? true }

    /// A file belongs to the shard of the study its first attributes named, even when it ends set aside
    /// or failed (every other shard left it after that first read); a file without one, to its path's.
    private func owns(_ object: ScannedObject, study: String?, path: String) -> Bool {
        guard let shard else { return true }
        return (study ?? object.studyInstanceUID).map(shard.owns(studyInstanceUID:)) ?? owns(path: path)
    }

    /// Finds the new and changed files of one batch and starts reading them on the workers.
    private func startReading(_ walked: [WalkedFile], store: ScanStore, workers: LargeStackWorkers, words: NonPatientWords,
                              summary: inout StoreScanSummary) throws -> BatchInFlight {
        summary.filesSeen += walked.count
        let known = try store.knownFiles(walked.map(\.path))
        var toRead: [BatchInFlight.Item] = []
        // The walk's own stamp: a file changed since (at most one batch of reading earlier) is read as it
        // is now and, its stamp no longer matching, read again by the next run; one that vanished is
        // recorded as unreadable and forgotten by the next run.
        for file in walked {
            let (path, stamp) = (file.path, file.stamp)
            if let old = known[path], old.sizeBytes == stamp.sizeBytes, old.modificationNanoseconds == stamp.modificationNanoseconds {
                summary.filesUnchanged += 1
                continue
            }
            toRead.append(BatchInFlight.Item(path: path, stamp: stamp, previous: known[path]?.studyInstanceUID))
        }
        let batch = BatchInFlight(items: toRead)
        for (index, item) in toRead.enumerated() {
            batch.group.enter()
            workers.submit {
                // Under --shard, a file of another shard's study is left after its first, shortest read.
                let outcome = CrashJournal.during(.file(path: item.path)) {
                    CrashInjection.trapIfAsked("read", item.path)
                    return ObjectReader.read(path: item.path, wantsStudy: shard.map { shard in { shard.owns(studyInstanceUID: $0) } })
                }
                var file: ReadFile?
                if case .read(let read, let study) = outcome, owns(read, study: study, path: item.path) {
                    let object = read.indicatingNonPatients(words).pseudonymised(by: pseudonymizer)
                    // Encoded here, on the worker, so that the committing thread only writes rows.
                    let record: Data?
                    do { record = try object.storedRecord() } catch { record = nil }
                    file = ReadFile(path: item.path, stamp: item.stamp, object: object, objectRecord: record,
                                    previousStudyInstanceUID: item.previous)
                }
                batch.set(index, file)
                batch.group.leave()
            }
        }
        return batch
    }

    /// Waits for a batch's reads and records the files this shard owns in one transaction.
    private func commit(_ batch: BatchInFlight, store: ScanStore, run: ScanRun, summary: inout StoreScanSummary) throws {
        batch.group.wait()
        let files = batch.files
        try store.record(files, runID: run.id)
        summary.filesRead += files.count
        summary.filesOfOtherShards += batch.count - files.count
        progress?(summary.filesSeen)
    }

    /// Assembles, measures and validates every pending study of this shard, one transaction each.
    private func assemblePending(store: ScanStore, workers: LargeStackWorkers, run: ScanRun, summary: inout StoreScanSummary) throws {
        let processor = StudyProcessor(pixels: pixels, validation: validation, seriesPolicy: seriesPolicy, workers: workers)
        var after: String?
        while true {
            let page = try store.pendingStudies(after: after, limit: 256)
            guard let last = page.last else { break }
            after = last.uid
            // Studies are independent: assemble several at once. Their rows are written a few studies per
            // transaction (one commit each rewrote the same index pages), by whichever lane fills a batch.
            let owned = page.filter { shard?.owns(key: $0.shardKey) ?? true }.map(\.uid)
            let batch = StudyWriteBatch(size: Self.studiesPerTransaction)
            let counts = try ParallelMap.ordered(owned, lanes: jobs) { [pixels] uid in
                let objects = try store.storedObjects(studyInstanceUID: uid, fingerprints: pixels.enabled)
                let stored = pixels.enabled
                    ? StoredStudyPixels(fileFingerprints: objects.fileFingerprints, series: try store.storedSeriesPixels(studyInstanceUID: uid),
                                        settingsText: pixels.settingsText)
                    : nil
                let result = CrashJournal.during(.study(uid: uid, file: nil)) {
                    CrashInjection.trapIfAsked("assemble", uid)
                    return processor.process(images: objects.images, reports: objects.reports, stored: stored)
                        .first { $0.exam.studyInstanceUID == uid }
                }
                if let full = batch.add(try PreparedStudy(uid, result: result)) { try store.replaceStudies(full, runID: run.id) }
                return (measured: result?.seriesMeasured ?? 0, reused: result?.seriesReused ?? 0)
            }
            try store.replaceStudies(batch.drain(), runID: run.id)
            summary.studiesUpdated += owned.count
            summary.seriesMeasured += counts.map(\.measured).reduce(0, +)
            summary.seriesReused += counts.map(\.reused).reduce(0, +)
        }
    }
}

/// Assembled studies waiting to be written; `add` hands back a full batch to the lane that filled it.
private final class StudyWriteBatch: Sendable {
    private let size: Int
    private let waiting = Mutex<[PreparedStudy]>([])

    init(size: Int) { self.size = size }

    func add(_ study: PreparedStudy) -> [PreparedStudy]? {
        waiting.withLock { waiting in
            waiting.append(study)
            guard waiting.count >= size else { return nil }
            defer { waiting.removeAll() }
            return waiting
        }
    }

    func drain() -> [PreparedStudy] { waiting.withLock { waiting in defer { waiting.removeAll() }; return waiting } }
}

/// A file the walk found, with the size and modification time it had then.
private struct WalkedFile {
    let path: String
    let stamp: FileStamp
}

/// One batch of files being read by the workers; each worker writes its own index.
private final class BatchInFlight: @unchecked Sendable {
    struct Item: Sendable {
        let path: String
        let stamp: FileStamp
        let previous: String?
    }

    let group = DispatchGroup()
    private var results: [ReadFile?]
    private let lock = NSLock()

    /// Files handed to the workers.
    let count: Int

    init(items: [Item]) {
        count = items.count
        results = Array(repeating: nil, count: items.count)
    }

    func set(_ index: Int, _ file: ReadFile?) {
        lock.lock()
        results[index] = file
        lock.unlock()
    }

    /// The files this shard owns, in walk order (call after `group.wait()`).
    var files: [ReadFile] {
        lock.lock()
        defer { lock.unlock() }
        return results.compactMap { $0 }
    }
}

extension FileStamp {
    /// Size and modification time from `stat`.
    init(of info: stat) {
        self.init(sizeBytes: Int64(info.st_size),
                  modificationNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }
}
