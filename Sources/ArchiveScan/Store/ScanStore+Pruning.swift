import Foundation
import ResultStore

extension ScanStore {
    /// Stored files at or under `root` (a canonical path), after `path` in path order, at most `limit`.
    func storedFiles(under root: String, after path: String?, limit: Int) throws -> [(path: String, studyInstanceUID: String?)] {
        // Under ROOT: ROOT itself, or between ROOT + "/" and ROOT + "0" ("0" is the character after "/").
        try database.read { session in
            try session.rows(
                "SELECT path, study_uid FROM dicom_file WHERE (path = ? OR (path > ? AND path < ?)) AND path > ? ORDER BY path LIMIT ?",
                [.text(root), .text(root + "/"), .text(root + "0"), .text(path ?? ""), SQLValue(limit)]
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
                    try session.execute("INSERT INTO pending_study (study_uid, shard_key) VALUES (?, ?) ON CONFLICT (study_uid) DO NOTHING",
                                        [.text(uid), .integer(StudyShard.key(uid))])
                }
            }
        }
    }
}

/// Scan roots as the store records them: absolute, with symbolic links and "." / ".." resolved, so
/// that a nightly run from another working directory finds the same paths.
enum CanonicalPath {
    static func of(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (absolute as NSString).standardizingPath
    }
}
