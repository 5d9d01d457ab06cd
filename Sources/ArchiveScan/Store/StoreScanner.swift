import DICOMBridge
import DoseModel
import DoseValidation
import Foundation
import ResultStore

/// What one store scan did.
public struct StoreScanSummary: Sendable {
    public var runID: String
    /// Files found under the paths (all shards' files included).
    public var filesSeen = 0
    /// Files read in this run (new or changed, and owned by this shard).
    public var filesRead = 0
    /// Files skipped because the store already has them unchanged.
    public var filesUnchanged = 0
    /// Exams assembled again (new files, changed files) or removed.
    public var studiesUpdated = 0
}

/// Scans files into a store, incrementally and resumably:
/// 1. the paths are walked in batches; a file whose path, size and modification time the store
///    already has is not read again; new and changed files are read on the workers and recorded in
///    one transaction per batch, marking their studies pending;
/// 2. each pending study (of this shard) is assembled from all of its stored files, measured from
///    the pixels, validated, and replaces its previous exam in one transaction that also clears the mark.
/// A run killed at any moment leaves committed batches and exams intact and the rest pending or
/// unrecorded, so running the same command again finishes the work with the same result.
/// Memory is bounded by the batch size and the largest study, not by the archive.
public struct StoreScanner: Sendable {
    public var jobs: Int
    public var pixels: PixelAnalysisSettings
    public var validation = ValidationSettings()
    /// Applied to patient identifiers before anything is stored.
    public var pseudonymizer: Pseudonymizer
    public var shard: StudyShard?
    public var batchSize = 512
    public var progress: (@Sendable (Int) -> Void)?

    public init(jobs: Int, pixels: PixelAnalysisSettings, pseudonymizer: Pseudonymizer, shard: StudyShard? = nil) {
        self.jobs = max(1, jobs)
        self.pixels = pixels
        self.pseudonymizer = pseudonymizer
        self.shard = shard
    }

    public func scan(_ paths: [String], into store: ScanStore, run: ScanRun) throws -> StoreScanSummary {
        AllocatorTuning.apply()
        try store.beginRun(run)
        let workers = LargeStackWorkers.pool(count: jobs)
        var summary = StoreScanSummary(runID: run.id)
        var batch: [String] = []
        var failure: Error?
        let unreadable = ArchiveWalker().walk(paths) { path in
            guard failure == nil else { return }
            batch.append(path)
            if batch.count >= batchSize {
                do { try ingest(batch, store: store, workers: workers, run: run, summary: &summary) } catch { failure = error }
                batch.removeAll(keepingCapacity: true)
            }
        }
        if let failure { throw failure }
        try ingest(batch, store: store, workers: workers, run: run, summary: &summary)
        summary.filesSeen += unreadable.count
        let walkProblems = unreadable.filter { owns(path: $0.path) }.map {
            ReadFile(path: $0.path, stamp: FileStamp(sizeBytes: 0, modificationNanoseconds: 0), object: .failed(reason: $0.reason))
        }
        try store.record(walkProblems, runID: run.id)
        try assemblePending(store: store, workers: workers, run: run, summary: &summary)
        try store.finishRun(run.id, filesSeen: summary.filesSeen, filesRead: summary.filesRead, studiesUpdated: summary.studiesUpdated)
        return summary
    }

    private func owns(path: String) -> Bool { shard?.owns(key: StudyShard.key(path)) ?? true }

    private func owns(_ object: ScannedObject, path: String) -> Bool {
        guard let shard else { return true }
        return object.studyInstanceUID.map(shard.owns(studyInstanceUID:)) ?? owns(path: path)
    }

    /// Reads the new and changed files of one batch in parallel and records them in one transaction.
    private func ingest(_ paths: [String], store: ScanStore, workers: LargeStackWorkers, run: ScanRun,
                        summary: inout StoreScanSummary) throws {
        guard !paths.isEmpty else { return }
        summary.filesSeen += paths.count
        let known = try store.knownFiles(paths)
        var toRead: [(path: String, stamp: FileStamp, previous: String?)] = []
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }  // vanished since the walk: the next run sees it
            let stamp = FileStamp(sizeBytes: Int64(info.st_size),
                                  modificationNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
            if let old = known[path], old.sizeBytes == stamp.sizeBytes, old.modificationNanoseconds == stamp.modificationNanoseconds {
                summary.filesUnchanged += 1
                continue
            }
            toRead.append((path, stamp, known[path]?.studyInstanceUID))
        }
        let results = ReadResults(count: toRead.count)
        let group = DispatchGroup()
        for (index, item) in toRead.enumerated() {
            group.enter()
            workers.submit {
                results.set(index, ObjectReader.read(path: item.path).pseudonymised(by: pseudonymizer))
                group.leave()
            }
        }
        group.wait()
        var files: [ReadFile] = []
        for (index, item) in toRead.enumerated() {
            let object = results.value(index)
            guard owns(object, path: item.path) else { continue }
            files.append(ReadFile(path: item.path, stamp: item.stamp, object: object, previousStudyInstanceUID: item.previous))
        }
        try store.record(files, runID: run.id)
        summary.filesRead += files.count
        progress?(summary.filesSeen)
    }

    /// Assembles, measures and validates every pending study of this shard, one transaction each.
    private func assemblePending(store: ScanStore, workers: LargeStackWorkers, run: ScanRun, summary: inout StoreScanSummary) throws {
        let processor = StudyProcessor(pixels: pixels, validation: validation, workers: workers)
        var after: String?
        while true {
            let page = try store.pendingStudies(after: after, limit: 256)
            guard let last = page.last else { break }
            after = last.uid
            for study in page where shard?.owns(key: study.shardKey) ?? true {
                let (images, reports) = try store.storedObjects(studyInstanceUID: study.uid)
                let result = processor.process(images: images, reports: reports).first { $0.exam.studyInstanceUID == study.uid }
                try store.replaceStudy(study.uid, with: result, runID: run.id)
                summary.studiesUpdated += 1
            }
        }
    }
}

/// Results of one batch, written by the workers at distinct indices.
private final class ReadResults: @unchecked Sendable {
    private var values: [ScannedObject?]
    private let lock = NSLock()

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: ScannedObject) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    func value(_ index: Int) -> ScannedObject {
        lock.lock()
        defer { lock.unlock() }
        return values[index] ?? .failed(reason: "not read")
    }
}
