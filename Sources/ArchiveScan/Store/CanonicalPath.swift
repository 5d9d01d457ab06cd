import Foundation

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
