import Testing
@testable import CSVFormat

@Suite struct CSVDocumentTests {
    @Test func quotedFieldsWithCommasQuotesAndLineBreaks() {
        let text = "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",\r\n"
        let csv = CSVDocument(parsing: text)
        #expect(csv.header == ["a", "b", "c"])
        #expect(csv.rows == [["1", "x, y", "say \"hi\""], ["2", "two\nlines", ""]])
    }

    @Test func lineFeedEndingsBlankLinesAndNoFinalNewline() {
        let csv = CSVDocument(parsing: "a,b\n1,2\n\n3,4")
        #expect(csv.rows == [["1", "2"], ["3", "4"]])
    }

    @Test func namedAccessToleratesShortRowsAndMissingColumns() {
        let rows = CSVDocument(parsing: "z_mm,noise_hu\n-2.5\n").namedRows
        #expect(rows.count == 1)
        #expect(rows[0].number("z_mm") == -2.5)
        #expect(rows[0]["noise_hu"] == "")
        #expect(rows[0].number("noise_hu") == nil)
        #expect(rows[0].text("absent") == nil)
    }

    @Test func emptyQuotedFieldIsARecord() {
        #expect(CSVDocument(parsing: "a\n\"\"\n").rows == [[""]])
        #expect(CSVDocument(parsing: "").header.isEmpty)
    }

    @Test func fieldsAreQuotedOnlyWhenTheyMustBe() {
        #expect(CSVText.quote("plain") == "plain")
        #expect(CSVText.quote("a,b") == "\"a,b\"")
        #expect(CSVText.quote("a\r\nb") == "\"a\r\nb\"")
        #expect(CSVText.quote("cr\ronly") == "\"cr\ronly\"")
        #expect(CSVText.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVText.record(["1", nil, "x, y"]) == "1,,\"x, y\"")
    }

    @Test func writtenRecordsReadBackUnchanged() {
        let records = [["a", "b", "c"], ["1", "x, \"y\"", "two\r\nlines"], ["", "é·µ", ","]]
        let text = records.map { CSVText.record($0) + "\r\n" }.joined()
        #expect(CSVText.records(parsing: text) == records)
    }
}
