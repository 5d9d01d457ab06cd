import ArgumentParser
import ScanReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a scan output folder.",
        discussion: """
            Reads the files `ctdose scan --out DIR` wrote (exams.jsonl, measure.csv, sensitivity.csv, \
            slices.csv, problems.csv) and writes one HTML file with inline SVG charts: summary, CMS measure \
            per category, size-method sensitivity, CTDIvol/DLP/SSDE by scanner and protocol per month, and \
            one section per flagged exam (out of range, or with warning or error findings). The file loads \
            nothing from the network and works without JavaScript; open it in any browser or print it (A4).

            Examples:
              ctdose scan TestData/sample-exam --out /tmp/ctdose-out
              ctdose report --from /tmp/ctdose-out --out /tmp/ctdose-report.html
              ctdose report --from results --out results/report.html
            """
    )

    @Option(name: .long, help: "Output folder of `ctdose scan`.")
    var from: String

    @Option(name: .long, help: "HTML file to write.")
    var out: String

    func run() throws {
        try ScanReportPage.write(from: from, to: out)
    }
}
