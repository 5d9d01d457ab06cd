/// The results schema, one SQL text for SQLite and PostgreSQL, changed only by appending a
/// migration. `schema_migration` records which versions a store has; each migration runs in one
/// transaction, so a store is never left half-migrated.
public enum StoreSchema {
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let statements: [String]
    }

    /// Every migration in order. Never edit a released one: append a new version.
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "files, runs, exams, events, series, slices, findings, problems, thumbnails, measures", statements: [
            // Key/value facts of the store: pseudonym key fingerprint and identifier policy.
            "CREATE TABLE store_fact (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            // One row per `ctdose scan` / `export` run: who wrote what, with which settings and version.
            """
            CREATE TABLE scan_run (run_id TEXT PRIMARY KEY, command TEXT NOT NULL, ctdose_version TEXT NOT NULL,
              started_at TEXT NOT NULL, finished_at TEXT, shard TEXT, settings_json TEXT NOT NULL,
              files_seen BIGINT, files_read BIGINT, studies_updated BIGINT)
            """,
            // Every file seen: its identity on disk (path, size, mtime) decides whether it is read again.
            // object_json holds what was read from it (image headers or the dose report), pseudonymised
            // (renamed object_record by version 2).
            """
            CREATE TABLE dicom_file (path TEXT PRIMARY KEY, size_bytes BIGINT NOT NULL, mtime_ns BIGINT NOT NULL,
              kind TEXT NOT NULL, study_uid TEXT, sop_instance_uid TEXT, object_json {BLOB}, run_id TEXT NOT NULL)
            """,
            "CREATE INDEX dicom_file_by_study ON dicom_file (study_uid)",
            "CREATE TABLE file_problem (path TEXT NOT NULL, position BIGINT NOT NULL, severity TEXT NOT NULL, reason TEXT NOT NULL, run_id TEXT NOT NULL, PRIMARY KEY (path, position))",
            // Studies whose files changed and whose exam must be assembled again.
            "CREATE TABLE pending_study (study_uid TEXT PRIMARY KEY, shard_key BIGINT NOT NULL)",
            """
            CREATE TABLE exam (study_uid TEXT PRIMARY KEY, patient_pseudonym TEXT, study_date TEXT, study_description TEXT,
              manufacturer TEXT, model TEXT, station_name TEXT, dose_source TEXT, event_count BIGINT NOT NULL,
              dlp_total_mgycm DOUBLE PRECISION, image_count BIGINT NOT NULL, dose_report_count BIGINT NOT NULL,
              exam_json {BLOB} NOT NULL, run_id TEXT NOT NULL)
            """,
            """
            CREATE TABLE irradiation_event (study_uid TEXT NOT NULL, position BIGINT NOT NULL, event_uid TEXT,
              acquisition_type TEXT NOT NULL, acquisition_protocol TEXT, target_region TEXT, ctdivol_mgy DOUBLE PRECISION,
              dlp_mgycm DOUBLE PRECISION, phantom TEXT NOT NULL, source TEXT NOT NULL, diagnostic_series_uid TEXT,
              PRIMARY KEY (study_uid, position))
            """,
            """
            CREATE TABLE image_series (study_uid TEXT NOT NULL, series_uid TEXT NOT NULL, series_number BIGINT,
              description TEXT, image_count BIGINT NOT NULL, is_localizer BIGINT NOT NULL, is_axial BIGINT NOT NULL,
              convolution_kernel TEXT, slice_thickness_mm DOUBLE PRECISION, mean_ctdivol_mgy DOUBLE PRECISION,
              linked_event_uid TEXT, PRIMARY KEY (study_uid, series_uid))
            """,
            """
            CREATE TABLE series_measurement (study_uid TEXT NOT NULL, position BIGINT NOT NULL, series_uid TEXT NOT NULL,
              mid_scan_dw_cm DOUBLE PRECISION, mean_dw_cm DOUBLE PRECISION, global_noise_hu DOUBLE PRECISION,
              ssde_mgy DOUBLE PRECISION, measurement_json {BLOB} NOT NULL, PRIMARY KEY (study_uid, position))
            """,
            """
            CREATE TABLE slice (study_uid TEXT NOT NULL, position BIGINT NOT NULL, series_uid TEXT NOT NULL,
              sop_instance_uid TEXT NOT NULL, frame_number BIGINT, z_mm DOUBLE PRECISION NOT NULL,
              area_cm2 DOUBLE PRECISION NOT NULL, water_equivalent_diameter_cm DOUBLE PRECISION NOT NULL,
              area_equivalent_diameter_cm DOUBLE PRECISION NOT NULL, ap_cm DOUBLE PRECISION NOT NULL,
              lateral_cm DOUBLE PRECISION NOT NULL, truncated BIGINT NOT NULL, noise_hu DOUBLE PRECISION,
              ctdivol_mgy DOUBLE PRECISION, ssde_mgy DOUBLE PRECISION, slice_json {BLOB} NOT NULL,
              PRIMARY KEY (study_uid, position))
            """,
            """
            CREATE TABLE finding (study_uid TEXT NOT NULL, position BIGINT NOT NULL, code TEXT NOT NULL, severity TEXT NOT NULL,
              message TEXT NOT NULL, finding_json {BLOB} NOT NULL, PRIMARY KEY (study_uid, position))
            """,
            "CREATE TABLE thumbnail (series_uid TEXT PRIMARY KEY, study_uid TEXT NOT NULL, png {BLOB} NOT NULL)",
            "CREATE INDEX thumbnail_by_study ON thumbnail (study_uid)",
            // The CMS measure verdict per exam from the last evaluation (scan or export) and its settings.
            """
            CREATE TABLE measure_result (study_uid TEXT PRIMARY KEY, category TEXT, size_adjusted_dose DOUBLE PRECISION,
              verdict TEXT, result_json {BLOB} NOT NULL, run_id TEXT NOT NULL)
            """,
        ]),
        // The rows that only ctdose reads back are kept in BinaryRecordFormat: about a quarter of a
        // header-only scan went into JSON for them. Rows of older stores stay JSON and are still read; a
        // ctdose that knows only version 1 refuses the store instead of misreading it. Exports stay JSON.
        Migration(version: 2, name: "*_json columns become *_record (binary records)", statements: [
            "ALTER TABLE dicom_file RENAME COLUMN object_json TO object_record",
            "ALTER TABLE exam RENAME COLUMN exam_json TO exam_record",
            "ALTER TABLE series_measurement RENAME COLUMN measurement_json TO measurement_record",
            "ALTER TABLE slice RENAME COLUMN slice_json TO slice_record",
            "ALTER TABLE finding RENAME COLUMN finding_json TO finding_record",
            "ALTER TABLE measure_result RENAME COLUMN result_json TO result_record",
        ]),
        // A study whose assembly crashed ctdose (CrashJournal) is set aside until one of its files
        // changes, with the reason, instead of being assembled, and crashing, on every run.
        Migration(version: 3, name: "studies set aside after a crash", statements: [
            "CREATE TABLE study_problem (study_uid TEXT PRIMARY KEY, reason TEXT NOT NULL, run_id TEXT NOT NULL)",
        ]),
        // Dose reports now keep their own patient and study (an exam seen only through its reports takes
        // them from there): the reports a store already holds are read again by the next scan, as if
        // they had changed on disk.
        Migration(version: 4, name: "dose reports read again for their patient and study", statements: [
            "UPDATE dicom_file SET mtime_ns = -1 WHERE kind = 'doseReport'",
        ]),
        // CT image headers now keep Patient Position and Data Collection Center (Patient) for the patient's
        // centring: without them a prone patient would be taken as supine and a recorded isocentre ignored,
        // so the next scan reads the images a store already holds again, as if they had changed on disk.
        Migration(version: 5, name: "CT images read again for Patient Position and Data Collection Center", statements: [
            "UPDATE dicom_file SET mtime_ns = -1 WHERE kind = 'ctImage'",
        ]),
        // A patient's name and ID are looked at, when a file is read, for the words of a QA phantom or
        // test patient, and Quality Control Subject (0010,0200) is kept: names are not stored, so the
        // next scan reads the files a store already holds again, as if they had changed on disk.
        Migration(version: 6, name: "CT images and dose reports read again for QA phantoms and test patients", statements: [
            "UPDATE dicom_file SET mtime_ns = -1 WHERE kind IN ('ctImage', 'doseReport')",
        ]),
        // A series' pixel results are kept with the key of what they were derived from (the pixel
        // settings and the fingerprints of its files), so that a study assembled again (another ctdose,
        // other validation settings, a file of another series changed) takes them instead of decoding
        // the images again. Results stored before have no key and are measured again once.
        Migration(version: 7, name: "series pixel results keyed by their files and settings", statements: [
            "ALTER TABLE series_measurement ADD COLUMN pixel_key TEXT",
        ]),
    ]

    public static var currentVersion: Int { migrations.last?.version ?? 0 }

    /// Brings the store to `currentVersion`; refuses a store written by a newer ctdose.
    public static func migrate(_ database: any SQLDatabase) throws {
        try database.withExclusiveSchemaLock {
            try database.transaction { session in
                try session.execute("CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL)")
            }
            let applied = Set(try database.read { try $0.rows("SELECT version FROM schema_migration") }.compactMap { $0.first?.int64 })
            if let newest = applied.max(), newest > Int64(currentVersion) {
                throw StoreError("the store has schema version \(newest); this ctdose knows versions up to \(currentVersion): use a newer ctdose")
            }
            if applied.isEmpty {  // a new store: its whole schema in one transaction
                try database.transaction { session in
                    for statement in newStoreStatements { try session.execute(statement, []) }
                    for migration in migrations {
                        try session.execute("INSERT INTO schema_migration (version, name) VALUES (?, ?)",
                                            [.integer(Int64(migration.version)), .text(migration.name)])
                    }
                }
                return
            }
            for migration in migrations where !applied.contains(Int64(migration.version)) {
                try database.transaction { session in
                    for statement in migration.statements { try session.execute(statement, []) }
                    try session.execute("INSERT INTO schema_migration (version, name) VALUES (?, ?)",
                                        [.integer(Int64(migration.version)), .text(migration.name)])
                }
            }
        }
    }

    /// Every migration's statements for a store made new at `currentVersion`, with each later
    /// `ALTER TABLE t RENAME COLUMN a TO b` written into the `CREATE TABLE t` it renames: SQLite parses
    /// the whole schema again for each rename, and version 2's six renames took about as long as all
    /// the rest of a new store's schema. Statements that cannot be folded so are kept, in order.
    public static let newStoreStatements: [String] = {
        var statements: [String] = []
        for statement in migrations.flatMap(\.statements) {
            if let rename = ColumnRename(statement),
               let index = statements.lastIndex(where: { rename.isCreatedBy($0) }),
               let renamed = rename.applied(to: statements[index]) {
                statements[index] = renamed
            } else {
                statements.append(statement)
            }
        }
        return statements
    }()
}

/// `ALTER TABLE table RENAME COLUMN old TO new`, as the migrations write it.
private struct ColumnRename {
    let table: Substring
    let old: Substring
    let new: Substring

    init?(_ statement: String) {
        let words = statement.split(whereSeparator: \.isWhitespace)
        guard words.count == 8, words[0] == "ALTER", words[1] == "TABLE", words[3] == "RENAME", words[4] == "COLUMN",
              words[6] == "TO" else { return nil }
        (table, old, new) = (words[2], words[5], words[7])
    }

    func isCreatedBy(_ statement: String) -> Bool {
        statement.drop { $0.isWhitespace }.hasPrefix("CREATE TABLE \(table) (")
    }

    /// The CREATE TABLE statement with the column's one whole-word occurrence renamed; nil when the
    /// name occurs other than once (the rename is then run as written).
    func applied(to statement: String) -> String? {
        func isIdentifier(_ character: Character?) -> Bool { character.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false }
        var occurrences: [Range<String.Index>] = []
        var searchStart = statement.startIndex
        while let found = statement.range(of: old, range: searchStart..<statement.endIndex) {
            let before = found.lowerBound > statement.startIndex ? statement[statement.index(before: found.lowerBound)] : nil
            let after = found.upperBound < statement.endIndex ? statement[found.upperBound] : nil
            if !isIdentifier(before), !isIdentifier(after) { occurrences.append(found) }
            searchStart = found.upperBound
        }
        guard occurrences.count == 1 else { return nil }
        return statement.replacingCharacters(in: occurrences[0], with: new)
    }
}
