@testable import CSVFormat
import Foundation
import ScratchFolders
import Testing

/// Files read in chunks give the same records as the whole text, wherever a chunk ends: inside a
/// quoted field, between the two quotes of `""`, between CR and LF, inside a UTF-8 sequence.
@Suite struct CSVReaderTests {
    static let text = "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n2,\"two\r\nlines\",é·µ\r3,\"\",\n4,5"
    static let expected = [["1", "x, y", "say \"hi\""], ["2", "two\r\nlines", "é·µ"], ["3", "", ""], ["4", "5"]]

    static func file(_ text: String) throws -> String {
        let path = ScratchFolder.path("csv", suffix: ".csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [1, 2, 3, 5, 7, 64, 1 << 16])
    func chunkedFileReadsLikeTheWholeText(chunkBytes: Int) throws {
        let path = try Self.file(Self.text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var rows: [[String]] = []
        try CSVReader.forEachRow(inFile: path, chunkBytes: chunkBytes) { row in rows.append(["a", "b", "c"].map { row[$0] }) }
        #expect(rows == Self.expected.map { $0 + Array(repeating: "", count: 3 - $0.count) })
        #expect(CSVDocument(parsing: Self.text).rows == Self.expected)
    }

    @Test(arguments: [1, 4, 1 << 16])
    func linesAreSplitAcrossChunks(chunkBytes: Int) throws {
        let path = try Self.file("{\"a\":1}\r\n\n  \nµ\nlast")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lines: [(Int, String)] = []
        try FileChunks.forEachLine(inFile: path, chunkBytes: chunkBytes) { number, bytes in lines.append((number, String(decoding: bytes, as: UTF8.self))) }
        #expect(lines.map(\.0) == [1, 2, 3, 4, 5])
        #expect(lines.map(\.1) == ["{\"a\":1}", "", "  ", "µ", "last"])
    }

    @Test func missingFileIsAnErrorNamingIt() {
        #expect(throws: FileChunks.ReadError.self) { try CSVReader.forEachRow(inFile: "/nonexistent/measure.csv") { _ in } }
        do {
            try CSVReader.forEachRow(inFile: "/nonexistent/measure.csv") { _ in }
        } catch {
            #expect("\(error)".hasPrefix("/nonexistent/measure.csv: cannot open"))
        }
    }
}
