import Foundation

/// ctdose's JSON layout (JSONEncoder pretty-printed, sorted keys, slashes unescaped), and the pieces
/// that let a long array inside a document be written one element at a time: an element encoded alone
/// and indented to its depth is byte for byte what the encoder prints of it inside the whole.
enum PrettyJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // As exams.jsonl: an overflowed value is written as a string rather than failing the export.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    /// `data` (one value as `encoder()` prints it alone) as it stands `levels` deep in an enclosing
    /// value: every line two spaces a level further in; the blank line of an empty array stays blank.
    static func indented(_ data: Data, levels: Int) -> Data {
        let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " ")
        var indented: [UInt8] = []
        indented.reserveCapacity(data.count + data.count / 4)
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var lineStart = 0
            while lineStart < bytes.count {
                let end = bytes[lineStart...].firstIndex(of: newline).map { $0 + 1 } ?? bytes.count
                if bytes[lineStart] != newline { indented.append(contentsOf: repeatElement(space, count: 2 * levels)) }
                indented.append(contentsOf: bytes[lineStart..<end])
                lineStart = end
            }
        }
        return Data(indented)
    }
}
