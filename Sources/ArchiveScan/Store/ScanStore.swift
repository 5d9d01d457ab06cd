import DoseModel
import DoseValidation
import Foundation
import QualityMeasures
import ResultStore

/// ctdose's results in a store: the typed rows of `StoreSchema` (files, exams, events, series,
/// slices, findings, problems, thumbnails, measure verdicts, runs). Every value ctdose exports is
/// kept as JSON next to the columns people query, so an export from the store is exact.
public struct ScanStore: Sendable {
    public let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    /// Opens (creating and migrating) the store at `location`.
    public static func open(_ location: StoreLocation) throws -> ScanStore { ScanStore(database: try location.open()) }

    /// A private in-memory SQLite store.
    public static func inMemory() throws -> ScanStore {
        let database = try SQLiteDatabase(path: ":memory:")
        try StoreSchema.migrate(database)
        return ScanStore(database: database)
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A value computed from absurd header numbers can overflow (CTDIvol 1.8e308 times a length): written
        // as a string rather than failing the whole export.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    // MARK: facts and runs

    public func fact(_ name: String) throws -> String? {
        try database.read { try $0.rows("SELECT value FROM store_fact WHERE name = ?", [.text(name)]).first?.first?.string }
    }

    /// Records `value` for `name` unless the store already has one; returns the stored value.
    public func establishFact(_ name: String, _ value: String) throws -> String {
        try database.transaction { session in
            try session.execute("INSERT INTO store_fact (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", [.text(name), .text(value)])
            return try session.rows("SELECT value FROM store_fact WHERE name = ?", [.text(name)]).first?.first?.string ?? value
        }
    }

    /// Records `value` for `name`, replacing what was there.
    public func setFact(_ name: String, _ value: String) throws {
        try database.transaction { session in
            try session.execute("INSERT INTO store_fact (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                                [.text(name), .text(value)])
        }
    }

    public func beginRun(_ run: ScanRun) throws {
        try database.transaction { session in
            try session.execute(
                "INSERT INTO scan_run (run_id, command, ctdose_version, started_at, shard, settings_json) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(run.id), .text(run.command), .text(ScanRun.ctdoseVersion), .text(ScanRun.timestamp()), SQLValue(run.shard),
                 .text(run.settingsJSON)])
        }
    }

    public func finishRun(_ id: String, filesSeen: Int, filesRead: Int, studiesUpdated: Int) throws {
        try database.transaction { session in
            try session.execute(
                "UPDATE scan_run SET finished_at = ?, files_seen = ?, files_read = ?, studies_updated = ? WHERE run_id = ?",
                [.text(ScanRun.timestamp()), SQLValue(filesSeen), SQLValue(filesRead), SQLValue(studiesUpdated), .text(id)])
        }
    }

    /// Settings of the newest finished scan run (what `export` reuses by default).
    public func lastScanSettingsJSON() throws -> String? {
        try database.read {
            try $0.rows("SELECT settings_json FROM scan_run WHERE command = 'scan' AND finished_at IS NOT NULL ORDER BY finished_at DESC, run_id DESC LIMIT 1")
                .first?.first?.string
        }
    }

    // MARK: files

    /// Size and modification time recorded for each of `paths` that the store has seen.
    func knownFiles(_ paths: [String]) throws -> [String: FileStamp] {
        guard !paths.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: paths.count).joined(separator: ",")
        return try database.read { session in
            var known: [String: FileStamp] = [:]
            for row in try session.rows("SELECT path, size_bytes, mtime_ns, study_uid FROM dicom_file WHERE path IN (\(marks))",
                                        paths.map(SQLValue.text)) {
                guard let path = row[0].string, let size = row[1].int64, let mtime = row[2].int64 else { continue }
                known[path] = FileStamp(sizeBytes: size, modificationNanoseconds: mtime, studyInstanceUID: row[3].string)
            }
            return known
        }
    }

    /// Records a batch of read files in one transaction, replaces their problems and marks the
    /// studies they belong to (and belonged to, for changed files) as pending. Rows go in multi-row
    /// statements: one statement per file cost PostgreSQL a parse and plan each, and SQLite a step each.
    func record(_ files: [ReadFile], runID: String) throws {
        guard !files.isEmpty else { return }
        // A path listed twice keeps its last reading, as one statement per file in order did.
        var indexOfPath: [String: Int] = [:]
        var unique: [ReadFile] = []
        for file in files {
            if let index = indexOfPath[file.path] { unique[index] = file } else {
                indexOfPath[file.path] = unique.count
                unique.append(file)
            }
        }
        let rows = try unique.map { file -> [SQLValue] in
            let record = try file.objectRecord ?? file.object.storedRecord()
            return [.text(file.path), .integer(file.stamp.sizeBytes), .integer(file.stamp.modificationNanoseconds),
                    .text(file.object.kind), SQLValue(file.object.studyInstanceUID), SQLValue(file.object.sopInstanceUID),
                    SQLValue(record), .text(runID)]
        }
        let problems = unique.flatMap { file in
            file.object.problems(path: file.path).enumerated().map { position, problem -> [SQLValue] in
                [.text(file.path), SQLValue(position), .text(problem.severity.rawValue), .text(problem.reason), .text(runID)]
            }
        }
        var studies: [String] = []
        var seen: Set<String> = []
        for file in unique {
            for uid in [file.object.studyInstanceUID, file.previousStudyInstanceUID].compactMap({ $0 }) where seen.insert(uid).inserted {
                studies.append(uid)
            }
        }
        try database.transaction { session in
            for chunk in Self.chunks(rows) {
                try session.execute(
                    """
                    INSERT INTO dicom_file (path, size_bytes, mtime_ns, kind, study_uid, sop_instance_uid, object_record, run_id)
                    VALUES \(Self.placeholders(rows: chunk.count, columns: 8)) ON CONFLICT (path) DO UPDATE SET
                    size_bytes = excluded.size_bytes, mtime_ns = excluded.mtime_ns, kind = excluded.kind,
                    study_uid = excluded.study_uid, sop_instance_uid = excluded.sop_instance_uid,
                    object_record = excluded.object_record, run_id = excluded.run_id
                    """,
                    chunk.flatMap { $0 })
            }
            for chunk in Self.chunks(unique.map { SQLValue.text($0.path) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                try session.execute("DELETE FROM file_problem WHERE path IN (\(marks))", Array(chunk))
            }
            for chunk in Self.chunks(problems) {
                try session.execute(
                    "INSERT INTO file_problem (path, position, severity, reason, run_id) VALUES \(Self.placeholders(rows: chunk.count, columns: 5))",
                    chunk.flatMap { $0 })
            }
            for uid in studies { try Self.markPending(uid, in: session) }
            CrashInjection.reach("batch")
        }
        CrashInjection.reach("batch-done")
    }

    /// Rows per multi-row statement: few distinct statement texts (so SQLite's statement cache and
    /// PostgreSQL's translation cache hold them) and at most 64 × 8 bound values.
    static let rowsPerStatement = 64

    static func chunks<T>(_ rows: [T]) -> [ArraySlice<T>] {
        stride(from: 0, to: rows.count, by: rowsPerStatement).map { rows[$0..<min($0 + rowsPerStatement, rows.count)] }
    }

    /// "(?, ?), (?, ?)" for two rows of two columns; SQLDialect turns "?" into "$n" for PostgreSQL.
    static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// A stored object: a binary record, or the JSON text a store of schema version 1 holds. A binary
    /// record goes to `fieldByField` when the type has such a reader (CTImageHeaderRecord, …), else
    /// through Codable.
    static func decodeObject<T: Decodable>(_ type: T.Type, from data: Data, fieldByField: ((Data) throws -> T)? = nil) throws -> T {
        guard BinaryRecordFormat.isBinaryRecord(data) else { return try JSONDecoder().decode(type, from: data) }
        if let fieldByField { return try fieldByField(data) }
        return try BinaryRecordDecoder().decode(type, from: data)
    }

    /// Image headers and dose reports stored for one study; with `fingerprints`, also each CT image
    /// file's fingerprint (`StoredStudyPixels.fingerprint`), by path.
    func storedObjects(studyInstanceUID uid: String, fingerprints: Bool = false) throws -> StoredStudyObjects {
        let rows = try database.read {
            try $0.rows("SELECT kind, object_record, path, size_bytes, mtime_ns FROM dicom_file WHERE study_uid = ? ORDER BY path", [.text(uid)])
        }
        var objects = StoredStudyObjects()
        objects.images.reserveCapacity(rows.count)  // one image a file, mostly: no copies of the large headers while growing
        for row in rows {
            guard let data = row[1].data else { continue }
            switch row[0].string {
            case ScannedObject.ctImageKind:
                objects.images += try Self.decodeObject([CTImageHeader].self, from: data, fieldByField: CTImageHeaderRecord.decode)
                if fingerprints, let path = row[2].string, let size = row[3].int64, let mtime = row[4].int64 {
                    objects.fileFingerprints[path] = StoredStudyPixels.fingerprint(sizeBytes: size, modificationNanoseconds: mtime)
                }
            case ScannedObject.doseReportKind:
                objects.reports.append(try Self.decodeObject(DoseReport.self, from: data, fieldByField: DoseReportRecord.decode))
            default: continue
            }
        }
        return objects
    }

    /// Pending studies after `uid` (in UID order), at most `limit`, with their shard keys.
    func pendingStudies(after uid: String?, limit: Int) throws -> [(uid: String, shardKey: Int64)] {
        try database.read { session in
            try session.rows("SELECT study_uid, shard_key FROM pending_study WHERE study_uid > ? ORDER BY study_uid LIMIT ?",
                             [.text(uid ?? ""), SQLValue(limit)])
                .compactMap { row in row[0].string.map { ($0, row[1].int64 ?? 0) } }
        }
    }
}

/// What the store holds of one study's files.
struct StoredStudyObjects {
    var images: [CTImageHeader] = []
    var reports: [DoseReport] = []
    var fileFingerprints: [String: Data] = [:]
}

/// What a file looked like on disk when it was read.
struct FileStamp: Sendable, Equatable {
    var sizeBytes: Int64
    var modificationNanoseconds: Int64
    var studyInstanceUID: String?
}

/// One file read in a scan, ready to be recorded.
struct ReadFile: Sendable {
    var path: String
    var stamp: FileStamp
    var object: ScannedObject
    /// `object.storedRecord()`, when the reading worker already encoded it.
    var objectRecord: Data?
    /// The study this path belonged to before (a changed file may have moved to another study).
    var previousStudyInstanceUID: String?
}

extension ScannedObject {
    /// What the store keeps of the object (dicom_file.object_record): image headers or the dose report.
    func storedRecord() throws -> Data? {
        switch self {
        case .ctImage(let headers): return CTImageHeaderRecord.encode(headers)
        case .doseReport(let report, _): return DoseReportRecord.encode(report)
        default: return nil
        }
    }
}
