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

extension ScanStore {
    public func setFact(_ name: String, _ value: String) throws {
        try database.transaction { session in
            try session.execute("INSERT INTO store_fact (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                                [.text(name), .text(value)])
        }
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
                    try session.execute("INSERT INTO pending_study (study_uid, shard_key) VALUES (?, ?) ON CONFLICT (study_uid) DO NOTHING",
                                        [.text(uid), .integer(StudyShard.key(uid))])
                }
            }
            count += uids.count
            after = last
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

/// A text of a settings value that is the same in every process: Swift prints dictionaries and sets
/// in a per-process hash order, so their entries are sorted here.
enum SettingsText {
    static func of(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .dictionary:
            let entries = mirror.children.map { entry -> String in
                let pair = Mirror(reflecting: entry.value).children.map { of($0.value) }
                return pair.joined(separator: ": ")
            }
            return "[" + entries.sorted().joined(separator: ", ") + "]"
        case .set:
            return "[" + mirror.children.map { of($0.value) }.sorted().joined(separator: ", ") + "]"
        case .struct, .class:
            let fields = mirror.children.map { "\($0.label ?? "_"): \(of($0.value))" }
            return "\(mirror.subjectType)(" + fields.joined(separator: ", ") + ")"
        case .collection, .tuple:
            return "[" + mirror.children.map { of($0.value) }.joined(separator: ", ") + "]"
        case .optional:
            return mirror.children.first.map { of($0.value) } ?? "nil"
        default:
            return String(describing: value)
        }
    }
}
