import Foundation

/// Where tests write their files: `$TMPDIR/ctdose-tests-PID/`, one folder per test process, removed
/// when the process exits. A run that was killed leaves its folder behind; the next run removes the
/// folders of processes that no longer exist. Without this, every run of the suite left about 500 MB
/// in /tmp.
public enum ScratchFolder {
    static let prefix = "ctdose-tests-"

    /// This process's folder, made (and stale ones removed) on first use.
    public static let root: String = {
        let temporary = FileManager.default.temporaryDirectory.path
        removeFoldersOfEndedProcesses(in: temporary)
        let path = temporary + "/" + prefix + String(getpid())
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit {
            try? FileManager.default.removeItem(atPath: ScratchFolder.root)
        }
        return path
    }()

    /// A path under this process's folder that nothing uses yet: `LABEL-XXXXXXXX` (not created).
    public static func path(_ label: String, suffix: String = "") -> String {
        root + "/" + label + "-" + UUID().uuidString.prefix(8) + suffix
    }

    /// A new empty folder under this process's folder.
    public static func folder(_ label: String) throws -> String {
        let path = path(label)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static func removeFoldersOfEndedProcesses(in temporary: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            // kill(pid, 0) fails with ESRCH when no such process exists.
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: temporary + "/" + name)
            }
        }
    }
}
