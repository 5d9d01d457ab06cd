#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A text file read in fixed-size chunks, so that a file of any size is read in bounded memory:
/// CSV records (`CSVReader`) and JSON lines are taken from it as the chunks arrive.
public enum FileChunks {
    /// Bytes read at a time.
    public static let defaultChunkBytes = 1 << 16

    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Calls `body` with each chunk of the file, in order; throws when the file cannot be opened or read.
    public static func forEach(inFile path: String, chunkBytes: Int = defaultChunkBytes,
                               _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ReadError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, chunkBytes))
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return }
            try body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Calls `body` with each line of the file (1-based number, bytes without the LF or CRLF); a final
    /// line without a line end is given too.
    public static func forEachLine(inFile path: String, chunkBytes: Int = defaultChunkBytes,
                                   _ body: (Int, ArraySlice<UInt8>) throws -> Void) throws {
        var line: [UInt8] = []
        var number = 0
        func emit() throws {
            number += 1
            let end = line.last == 0x0D ? line.count - 1 : line.count
            try body(number, line[0..<end])
            line.removeAll(keepingCapacity: true)
        }
        try forEach(inFile: path, chunkBytes: chunkBytes) { chunk in
            var start = 0
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                line.append(contentsOf: chunk[start..<newline])
                try emit()
                start = newline + 1
            }
            line.append(contentsOf: chunk[start...])
        }
        if !line.isEmpty { try emit() }
    }
}
