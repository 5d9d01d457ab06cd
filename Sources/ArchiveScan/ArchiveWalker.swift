import Foundation

/// Lists the regular files under the given paths, recursively, following symbolic links to folders
/// once (loops are detected by the folder's device and inode) and reporting every folder or file it
/// cannot read instead of stopping. `IncomingFolder.bookkeepingNames` (objects `ctdose receive` has
/// not finished receiving, the list of series `ctdose retrieve` has fetched) are passed over.
public struct ArchiveWalker: Sendable {
    public struct Unreadable: Sendable, Equatable {
        public let path: String
        public let reason: String
    }

    public init() {}

    /// Calls `visit` for each regular file; returns the paths that could not be read.
    public func walk(_ roots: [String], visit: (String) -> Void) -> [Unreadable] {
        walk(roots) { path, _ in visit(path) }
    }

    /// Calls `visit` for each regular file with the status the walk read of it (size and modification
    /// time included, so that a caller needs no second `stat`); returns the paths that could not be read.
    public func walk(_ roots: [String], visit: (String, stat) -> Void) -> [Unreadable] {
        var unreadable: [Unreadable] = []
        var seenFolders = Set<FileIdentity>()
        var pending = roots.reversed().map { $0 }
        while let path = pending.popLast() {
            var info = stat()
            guard stat(path, &info) == 0 else {
                unreadable.append(Unreadable(path: path, reason: "cannot access: \(String(cString: strerror(errno)))"))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                visit(path, info)
            case S_IFDIR:
                guard seenFolders.insert(FileIdentity(info)).inserted else { continue }  // symlink loop or repeat
                let entries: [String]
                do {
                    entries = try FileManager.default.contentsOfDirectory(atPath: path)
                } catch {
                    let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? error.localizedDescription
                    unreadable.append(Unreadable(path: path, reason: "cannot list folder: \(reason)"))
                    continue
                }
                for name in entries.sorted().reversed() where !IncomingFolder.bookkeepingNames.contains(name) { pending.append(path + "/" + name) }
            default:
                continue  // sockets, devices, FIFOs: not files to read
            }
        }
        return unreadable
    }
}

private struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64
    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
