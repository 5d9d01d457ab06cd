import Foundation

/// The parts of a multipart/related body (RFC 2046 §5.1, as WADO-RS sends objects: PS3.18 §8.7.3.4)
/// held in a file, found without loading the file: it is mapped, and each part is handed out as bytes
/// of that mapping.
enum MultipartBody {
    /// The boundary parameter of a multipart Content-Type header value (quoted or not), if any.
    static func boundary(ofContentType contentType: String) -> String? {
        parameter("boundary", ofContentType: contentType)
    }

    /// A parameter of a Content-Type header value (its name in any case, its value quoted or not), if
    /// any and not empty.
    static func parameter(_ name: String, ofContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Calls `body` with each part's Content-Type (lower case, parameters dropped; "" when absent) and
    /// content, in order; returns the number of parts. Throws when the file has no first delimiter or a
    /// part has no header end or no closing delimiter (a body cut short).
    @discardableResult
    static func forEachPart(inFile path: String, boundary: String,
                            _ body: (_ contentType: String, _ content: UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        return try data.withUnsafeBytes { bytes in
            let delimiter = Array("--\(boundary)".utf8), nextDelimiter = Array("\r\n--\(boundary)".utf8), headerEnd = Array("\r\n\r\n".utf8)
            guard var position = find(delimiter, in: bytes, from: 0) else { throw MultipartError.malformed("no multipart delimiter") }
            position += delimiter.count
            var parts = 0
            while true {
                // After a delimiter: "--" closes the body; otherwise the line ends and a part begins.
                if position + 2 <= bytes.count, bytes[position] == UInt8(ascii: "-"), bytes[position + 1] == UInt8(ascii: "-") { return parts }
                guard let lineEnd = find(Array("\r\n".utf8), in: bytes, from: position) else { throw MultipartError.malformed("a delimiter line without its end") }
                let headersStart = lineEnd + 2
                // A part without headers starts with the empty line at once.
                let emptyHeaders = headersStart + 2 <= bytes.count && bytes[headersStart] == 13 && bytes[headersStart + 1] == 10
                guard let headersEnd = emptyHeaders ? headersStart - 2 : find(headerEnd, in: bytes, from: headersStart) else {
                    throw MultipartError.malformed("part \(parts + 1) without the end of its headers")
                }
                let contentStart = headersEnd + 4
                guard let contentEnd = find(nextDelimiter, in: bytes, from: contentStart) else {
                    throw MultipartError.malformed("part \(parts + 1) without a closing delimiter (the body was cut short)")
                }
                let headers = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[headersStart..<max(headersStart, headersEnd)]), as: UTF8.self)
                try body(contentType(inHeaders: headers), UnsafeRawBufferPointer(rebasing: bytes[contentStart..<contentEnd]))
                parts += 1
                position = contentEnd + nextDelimiter.count
            }
        }
    }

    private static func contentType(inHeaders headers: String) -> String {
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-type" else { continue }
            return pair[1].split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        }
        return ""
    }

    /// The first offset at or after `start` where `needle` occurs (memchr for its first byte, then memcmp).
    private static func find(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, !needle.isEmpty else { return nil }
        return needle.withUnsafeBytes { pattern in
            var offset = start
            while offset + needle.count <= bytes.count {
                guard let hit = memchr(base + offset, Int32(needle[0]), bytes.count - offset - needle.count + 1) else { return nil }
                let index = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + index, pattern.baseAddress!, needle.count) == 0 { return index }
                offset = index + 1
            }
            return nil
        }
    }
}

enum MultipartError: Error, CustomStringConvertible {
    case malformed(String)

    var description: String {
        switch self { case .malformed(let reason): return "malformed multipart body: \(reason)" }
    }
}
