import ArchiveScan
import ArgumentParser
import Foundation
import Logging

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Read every CT image and dose report under the given paths and report each exam.",
        discussion: """
            Writes OUT/exams.jsonl, OUT/exams.csv, OUT/events.csv and OUT/problems.csv.
            problems.csv explains every file set aside (not DICOM, not CT), partly read (repaired) or
            unreadable. Exit status: 0 when no file was unreadable, 2 when at least one was (see
            problems.csv, severity "error"), 1 on a usage or output error.

            Examples:
              ctdose scan TestData/sample-exam --out /tmp/ctdose-out
              ctdose scan /archive/2025 /archive/2026 --out results --jobs 2
            """
    )

    @Argument(help: "Files or folders to read (folders recursively).")
    var paths: [String]

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Parallel readers (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Pseudonym key file (created on first use) unless CTDOSE_PSEUDONYM_KEY is set.")
    var pseudonymKey: String = Pseudonymizer.defaultKeyFile

    @Flag(name: .long, help: "Write patient identifiers unchanged instead of pseudonyms.")
    var keepIdentifiers = false

    func run() throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "ctdose.scan")
        let key = try Pseudonymizer.loadKey(keyFile: pseudonymKey)
        let showProgress = isatty(STDERR_FILENO) == 1
        var progress: (@Sendable (Int) -> Void)?
        if showProgress {
            progress = { count in
                if count % 100 == 0 { FileHandle.standardError.write(Data("\r\(count) files read".utf8)) }
            }
        }
        let scanner = ArchiveScanner(jobs: jobs, progress: progress)
        let result = scanner.scan(paths)
        if showProgress { FileHandle.standardError.write(Data("\r".utf8)) }
        try ScanOutputWriter(folder: out, pseudonymizer: Pseudonymizer(key: key, keepsIdentifiers: keepIdentifiers))
            .write(result)
        let failed = result.problems.filter { $0.severity == ScanProblem.Severity.error }.count
        let setAside = result.problems.filter { $0.severity == ScanProblem.Severity.setAside }.count
        logger.info("\(result.filesSeen) files: \(result.ctImages) CT images, \(result.doseReports) dose reports, \(result.exams.count) exams; \(failed) unreadable, \(setAside) set aside; results in \(out)")
        if failed > 0 { throw ExitCode(2) }
    }
}
