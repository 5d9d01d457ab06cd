import Foundation
import ResultStore

extension ScanStore {
    /// Stored files at or under `root` (a canonical path), after `path` in path order, at most `limit`.
    func storedFiles(under root: String, after path: String?, limit: Int, notRecordedBy runID: String) throws
        -> [(path: String, studyInstanceUID: String?)]
    {
        // Under ROOT: ROOT itself, or between ROOT + "/" and ROOT + "0" ("0" is the character after "/").
        try database.read { session in
            try session.rows(
                """
                SELECT path, study_uid FROM dicom_file WHERE (path = ? OR (path > ? AND path < ?)) AND path > ? AND run_id <> ?
                ORDER BY path LIMIT ?
                """,
                [.text(root), .text(root + "/"), .text(root + "0"), .text(path ?? ""), .text(runID), SQLValue(limit)]
            ).compactMap { row in row[0].string.map { ($0, row[1].string) } }
        }
    }

    /// Forgets files that are no longer on disk: their rows and problems go, their studies become pending.
    func forget(_ files: [(path: String, studyInstanceUID: String?)]) throws {
        guard !files.isEmpty else { return }
        try database.transaction { session in
            for file in files {
                try session.execute("DELETE FROM dicom_file WHERE path = ?", [.text(file.path)])
                try session.execute("DELETE FROM file_problem WHERE path = ?", [.text(file.path)])
                if let uid = file.studyInstanceUID {
                    try Self.markPending(uid, in: session)
                }
            }
        }
    }
}

extension ScanStore {
    /// Marks a study for assembly (by this run or by the shard that owns its key).
    static func markPending(_ uid: String, in session: any SQLSession) throws {
        try session.execute("INSERT INTO pending_study (study_uid, shard_key) VALUES (?, ?) ON CONFLICT (study_uid) DO NOTHING",
                            [.text(uid), .integer(StudyShard.key(uid))])
    }

    /// Marks every study that has files as pending; returns how many.
    func markEveryStudyPending() throws -> Int {
        var after = ""
        var count = 0
        while true {
            let uids = try database.read {
                try $0.rows("SELECT DISTINCT study_uid FROM dicom_file WHERE study_uid > ? ORDER BY study_uid LIMIT 1000", [.text(after)])
                    .compactMap { $0[0].string }
            }
            guard let last = uids.last else { return count }
            try database.transaction { session in
                for uid in uids {
                    try Self.markPending(uid, in: session)
                }
            }
            count += uids.count
            after = last
        }
    }
}

extension ScanStore {
    static let nonPatientNameWordsFact = "non-patient name words"

    /// The words the store's files were read with to mark QA phantoms and test patients by their names
    /// and IDs (`StoreScanner.nonPatientNameWords`); nil before a scan recorded any.
    public func nonPatientNameWords() throws -> [String]? {
        try fact(Self.nonPatientNameWordsFact).map { $0.split(separator: ",").map(String.init) }
    }

    /// Records `words` as those the store's files are read with. When its files were read with other
    /// words, each stored CT image and dose report is marked to be read again by the scans that come
    /// to it (the names are not stored, so only a new reading can look at them); returns how many.
    /// A store without recorded words is new, or was migrated to schema 6, which marked them already.
    func adoptNonPatientNameWords(_ words: [String]) throws -> Int {
        let text = words.joined(separator: ",")
        return try database.transaction { session in
            let stored = try session.rows("SELECT value FROM store_fact WHERE name = ?", [.text(Self.nonPatientNameWordsFact)]).first?.first?.string
            guard stored != text else { return 0 }
            try session.execute("INSERT INTO store_fact (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                                [.text(Self.nonPatientNameWordsFact), .text(text)])
            guard stored != nil else { return 0 }
            let kinds = "kind IN ('\(ScannedObject.ctImageKind)', '\(ScannedObject.doseReportKind)')"
            let count = try session.rows("SELECT COUNT(*) FROM dicom_file WHERE \(kinds)").first?.first?.int64 ?? 0
            try session.execute("UPDATE dicom_file SET mtime_ns = -1 WHERE \(kinds)")
            return Int(count)
        }
    }
}
