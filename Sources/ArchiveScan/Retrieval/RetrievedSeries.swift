import Foundation

/// The series `ctdose retrieve` has fetched whole into a folder, and how many objects each had:
/// ROOT/.ctdose-retrieved.csv, one `seriesInstanceUID,instances` line appended (and synced) after each
/// series the PACS reported moved without failure. A later run skips those, unless the PACS now counts
/// more objects in the series. A line cut short by a killed run is ignored (the series is fetched again).
public final class RetrievedSeries {
    public static let fileName = ".ctdose-retrieved.csv"
    public let path: String
    private(set) var instances: [String: Int] = [:]
    /// The file ends in a line cut short: the next line starts on a line of its own.
    private var endsMidLine = false

    public init(folder: String) throws {
        path = folder + "/" + Self.fileName
        guard FileManager.default.fileExists(atPath: path) else { return }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RetrievalError.ledger("cannot read \(path): \(error.localizedDescription)")
        }
        endsMidLine = !text.isEmpty && !text.hasSuffix("\n")
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 2, let count = Int(fields[1]), count >= 0, IncomingFolder.isUID(fields[0]) else { continue }
            instances[String(fields[0]), default: 0] = max(instances[String(fields[0])] ?? 0, count)
        }
    }

    /// Whether the series was recorded as fetched whole.
    public func hasRecord(seriesInstanceUID uid: String) -> Bool { instances[uid] != nil }

    /// Whether a series needs fetching: not fetched before, or the PACS now counts more objects than
    /// were fetched (nil: the PACS does not say, and a series fetched once is not fetched again).
    public func needs(seriesInstanceUID uid: String, instancesOnPACS: Int?) -> Bool {
        guard let fetched = instances[uid] else { return true }
        guard let onPACS = instancesOnPACS else { return false }
        return onPACS > fetched
    }

    /// Records a series as fetched whole with `count` objects.
    public func record(seriesInstanceUID uid: String, count: Int) throws {
        guard IncomingFolder.isUID(Substring(uid)) else { return }  // never a line a later read would misparse
        let line = (endsMidLine ? "\n" : "") + "\(uid),\(count)\n"
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw RetrievalError.ledger("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { Foundation.close(descriptor) }
        let written = line.withCString { write(descriptor, $0, strlen($0)) }
        guard written == line.utf8.count, fsync(descriptor) == 0 else {
            throw RetrievalError.ledger("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        instances[uid] = count
        endsMidLine = false
    }
}
