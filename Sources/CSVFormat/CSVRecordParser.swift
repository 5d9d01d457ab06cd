/// The RFC 4180 record parser behind `CSVText.records(parsing:)` and `CSVReader`: fed bytes of UTF-8
/// text in pieces of any size (a quoted field, a `""` or a CRLF may be cut between two pieces), it
/// hands over each record as it ends. Commas, quotes, CR and LF are ASCII, so the bytes between them
/// are whole UTF-8 sequences once a field ends.
struct CSVRecordParser {
    private var record: [String] = []
    private var field: [UInt8] = []
    private var inQuotes = false
    private var fieldStarted = false
    /// A quote inside quotes was the last byte: the next one says whether it was `""` or the closing quote.
    private var quoteEnding = false
    /// A CR ended the last record: an LF right after it belongs to the same line end.
    private var lineFeedSkippable = false

    mutating func consume(_ bytes: some Sequence<UInt8>, _ emit: ([String]) throws -> Void) rethrows {
        for byte in bytes {
            if lineFeedSkippable {
                lineFeedSkippable = false
                if byte == 0x0A { continue }
            }
            if quoteEnding {
                quoteEnding = false
                if byte == 0x22 {
                    field.append(0x22)
                    continue
                }
                inQuotes = false
            }
            if inQuotes {
                if byte == 0x22 { quoteEnding = true } else { field.append(byte) }
                continue
            }
            switch byte {
            case 0x22:  // "
                inQuotes = true
                fieldStarted = true
            case 0x2C:  // ,
                endField()
                fieldStarted = true
            case 0x0D:  // CR
                lineFeedSkippable = true
                try endRecord(emit)
            case 0x0A:  // LF
                try endRecord(emit)
            default:
                field.append(byte)
                fieldStarted = true
            }
        }
    }

    /// Ends the text: a last record without a line end is handed over.
    mutating func finish(_ emit: ([String]) throws -> Void) rethrows {
        if quoteEnding { quoteEnding = false; inQuotes = false }
        if fieldStarted || !field.isEmpty || !record.isEmpty { try endRecord(emit) }
    }

    private mutating func endField() {
        record.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    /// Blank lines are not records.
    private mutating func endRecord(_ emit: ([String]) throws -> Void) rethrows {
        endField()
        let blank = record.count == 1 && record[0].isEmpty && !fieldStarted
        let finished = record
        record = []
        fieldStarted = false
        if !blank { try emit(finished) }
    }
}

/// A CSV file read record by record (`FileChunks`), in memory bounded by its longest record.
public enum CSVReader {
    /// Calls `body` with each row after the header, read by the header's column names. A file without
    /// a header has no rows.
    public static func forEachRow(inFile path: String, chunkBytes: Int = FileChunks.defaultChunkBytes,
                                  _ body: (CSVRow) throws -> Void) throws {
        var columnIndex: [String: Int]?
        var parser = CSVRecordParser()
        func take(_ record: [String]) throws {
            if let columnIndex {
                try body(CSVRow(fields: record, columnIndex: columnIndex))
            } else {
                columnIndex = CSVRow.columnIndex(record)
            }
        }
        try FileChunks.forEach(inFile: path, chunkBytes: chunkBytes) { chunk in try parser.consume(chunk, take) }
        try parser.finish(take)
    }
}
