import Foundation

/// The HTML report of a scan output folder: one self-contained file (inline CSS, inline SVG charts,
/// a small inline script for sorting tables; no URL is fetched, the page works without JavaScript).
public struct ScanReportPage: Sendable {
    public var content: ReportContent
    /// Shown in the header; the report of the same folder is otherwise identical run to run.
    public var generatedAt: Date
    /// Where the folder came from, shown in the header.
    public var sourceDescription: String

    public init(content: ReportContent, sourceDescription: String, generatedAt: Date = Date()) {
        self.content = content
        self.sourceDescription = sourceDescription
        self.generatedAt = generatedAt
    }

    /// Section ids in page order (also the navigation).
    public static let sectionIDs = ["summary", "categories", "sensitivity", "by-scanner", "by-protocol", "typical-values", "cumulative-dose", "centring", "modulation", "protocol-changes", "dose-outliers", "findings-by-scanner", "non-patients", "flagged"]

    public var html: String {
        let summary = content.summary
        let sections = [
            SummarySection.html(summary),
            CategorySection.html(content.categories),
            SensitivitySection.html(content.sensitivity),
            DistributionSection.html(content.byScanner, grouping: .scanner),
            DistributionSection.html(content.byProtocol, grouping: .acquisitionProtocol),
            TypicalValueSection.html(content.typicalValues, bands: content.typicalValueBands),
            CumulativeDoseSection.html(content.cumulativeDose),
            CentringSection.html(content.centring),
            ModulationSection.html(content.modulation),
            ProtocolChangeSection.html(content.protocolChanges),
            DoseOutlierSection.html(content.doseOutliers),
            FindingOverviewSection.html(content.findings),
            NonPatientSection.html(content.nonPatients),
            FlaggedExamSection.html(content),
        ]
        let titles = ["Summary", "CMS CT measure by category", "Size-method sensitivity", "Dose by scanner", "Dose by protocol", "Typical values and DRLs",
                      "Cumulative dose per patient", "Patient centring", "CTDIvol and noise against size", "Protocol changes", "Dose for size outliers", "Findings by scanner", "QA phantoms and test patients", "Flagged exams (\(content.flaggedCount))"]
        let nav = zip(Self.sectionIDs, titles).map { "<li><a href=\"#\($0)\">\(HTML.escape($1))</a></li>" }.joined()
        let stamp = ISO8601DateFormatter().string(from: generatedAt)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>CT dose report: \(summary.examCount) exams</title>
            <style>\(ReportAssets.stylesheet)</style></head>
            <body><header><h1>CT dose report</h1>
            <p class="muted">\(HTML.escape(sourceDescription)) · generated \(stamp) by ctdose report</p></header>
            <nav aria-label="Sections"><ul>\(nav)</ul></nav>
            <main>\(sections.joined(separator: "\n"))</main>
            <script>\(ReportAssets.script)</script>
            </body></html>

            """
    }

    /// Reads `folder` (exams decoded on up to `jobs` threads) and writes the report to `output`;
    /// `source` names what the folder came from (default: "Scan output FOLDER").
    public static func write(from folder: String, to output: String, source: String? = nil, generatedAt: Date = Date(),
                             limits: ReportLimits = ReportLimits(), jobs: Int = 1) throws {
        let content = try ReportContent(reading: try ScanOutputFolder(folder), limits: limits, jobs: jobs)
        let page = ScanReportPage(content: content, sourceDescription: source ?? "Scan output " + folder, generatedAt: generatedAt)
        try Data(page.html.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
    }
}
