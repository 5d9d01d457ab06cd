import Foundation
@testable import ScanReport
import ScratchFolders
import Testing

/// Opens the report in headless Chromium: the page loads, its script runs (sort buttons appear),
/// charts and tables are in the DOM, a screenshot renders, and nothing is fetched or logged as an error.
@Suite(.enabled(if: HeadlessChromium.installed != nil, "chromium is not installed: run Scripts/setup (apt-get install chromium)"))
struct BrowserReportTests {
    /// Writes the report of a scan folder next to it and returns the HTML file's path and text.
    static func render(_ folder: String) throws -> (path: String, html: String) {
        let path = folder + "/report.html"
        try ScanReportPage.write(from: folder, to: path)
        return (path, try String(contentsOfFile: path, encoding: .utf8))
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The rows of a table in the dumped DOM.
    static func bodyRows(table id: String, in dom: String) -> Int? {
        guard let start = dom.range(of: "<table id=\"\(id)\"") else { return nil }
        let rest = dom[start.upperBound...]
        guard let end = rest.range(of: "</table>") else { return nil }
        let table = String(rest[..<end.lowerBound])
        guard let body = table.range(of: "<tbody>") else { return nil }
        return count("<tr>", in: String(table[body.upperBound...]))
    }

    static func expectCleanLog(_ run: HeadlessChromium.Run) {
        #expect(run.pageNetworkRequests.isEmpty, "network requests: \(run.pageNetworkRequests)")
        #expect(run.consoleMessages.isEmpty, "console: \(run.consoleMessages)")
        #expect(run.networkErrors.isEmpty, "network errors: \(run.networkErrors)")
    }

    static func expectSelfContained(_ html: String) {
        for pattern in [#"(src|href)\s*=\s*["']?\s*(https?:)?//"#, #"url\(\s*["']?(https?:)?//"#, #"@import"#] {
            #expect(html.range(of: pattern, options: [.regularExpression, .caseInsensitive]) == nil, "external reference \(pattern)")
        }
        #expect(!html.contains("http://") && !html.contains("https://"))
    }

    @Test func sampleExamReportLoadsInChromium() throws {
        let chromium = try #require(HeadlessChromium.installed)
        let (path, html) = try Self.render(ScannedFolders.sampleExam)
        Self.expectSelfContained(html)

        let dom = try chromium.run(["--dump-dom", "file://" + path])
        #expect(dom.status == 0)
        for id in ScanReportPage.sectionIDs { #expect(dom.stdout.contains("<section id=\"\(id)\""), "section \(id)") }
        // 2 category scatter charts + 4 box charts (CTDIvol, DLP, SSDE, effective dose) by scanner + 4 by protocol.
        #expect(Self.count("role=\"img\"", in: dom.stdout) == 10)
        #expect(Self.count("<svg ", in: dom.stdout) == 10)
        #expect(dom.stdout.contains("<dd id=\"summary-exams\">1</dd>"))
        #expect(dom.stdout.contains("<dd id=\"summary-dates\">2025-03-15</dd>"))
        #expect(Self.bodyRows(table: "category-rates", in: dom.stdout) == 1)
        #expect(Self.bodyRows(table: "sensitivity-table", in: dom.stdout) == 5)  // one row per diameter method
        #expect(Self.bodyRows(table: "by-scanner-table", in: dom.stdout) == 1)
        #expect(Self.bodyRows(table: "by-protocol-table", in: dom.stdout) == 1)
        #expect(dom.stdout.contains("Out of range</button>"))  // the inline script ran: headers became sort buttons
        #expect(Self.count("<th scope=\"col\"", in: dom.stdout) == Self.count("<button type=\"button\"", in: dom.stdout))
        Self.expectCleanLog(dom)

        // Without JavaScript: the served HTML already has every chart and row; the script only adds sort
        // buttons. (Headless Chromium cannot dump or screenshot with scripts disabled, so this is checked
        // on the file.)
        #expect(!html.contains("<button"))
        #expect(Self.count("role=\"img\"", in: html) == 10)
        #expect(Self.bodyRows(table: "sensitivity-table", in: html) == 5)

        let screenshot = path.replacingOccurrences(of: ".html", with: ".png")
        let shot = try chromium.run(["--screenshot=\(screenshot)", "--window-size=1280,2000", "file://" + path])
        #expect(shot.status == 0)
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.count > 10_000)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        Self.expectCleanLog(shot)
    }

    /// The shared corpus's dose reports (when ../shared/corpus exists): several scanners, findings and
    /// a flagged exam with its own section.
    @Test(.enabled(if: ScannedFolders.corpusDoseReports != nil, "../shared/corpus not present"))
    func corpusDoseReportsLoadInChromium() throws {
        let chromium = try #require(HeadlessChromium.installed)
        let folder = try #require(ScannedFolders.corpusDoseReports)
        let (path, html) = try Self.render(folder)
        Self.expectSelfContained(html)
        let flagged = try ReportContent(reading: try ScanOutputFolder(folder)).flagged
        #expect(!flagged.isEmpty)
        let dom = try chromium.run(["--dump-dom", "file://" + path])
        #expect(dom.status == 0)
        for id in ScanReportPage.sectionIDs { #expect(dom.stdout.contains("<section id=\"\(id)\""), "section \(id)") }
        for exam in flagged {
            #expect(dom.stdout.contains("<section class=\"exam\" id=\"\(exam.anchor)\""))
            #expect(Self.bodyRows(table: "\(exam.anchor)-events", in: dom.stdout) == exam.record.events.count)
            #expect(Self.bodyRows(table: "\(exam.anchor)-findings", in: dom.stdout) == max(exam.record.findings.count, 1))
        }
        #expect(Self.count("role=\"img\"", in: dom.stdout) == Self.count("<svg ", in: dom.stdout))
        Self.expectCleanLog(dom)
    }

    /// Negative control: the log checks do see a page's network request and script error.
    @Test func logChecksCatchARequestAndAScriptError() throws {
        let chromium = try #require(HeadlessChromium.installed)
        let page = URL(fileURLWithPath: ScratchFolder.path("bad", suffix: ".html"))
        try Data("<!DOCTYPE html><title>bad</title><img src=\"https://example.com/a.png\" alt=\"\"><script>notDefined();</script>".utf8)
            .write(to: page)
        defer { try? FileManager.default.removeItem(at: page) }
        let run = try chromium.run(["--screenshot=\(page.path).png", "--window-size=400,300", page.absoluteString])
        try? FileManager.default.removeItem(atPath: page.path + ".png")
        #expect(run.pageNetworkRequests == ["https://example.com/a.png"])
        #expect(run.consoleMessages.contains { $0.contains("Uncaught ReferenceError: notDefined is not defined") })
    }
}
