import ArchiveScan
import ArgumentParser
import DICOMBridge
import Foundation
import Logging

struct RetrieveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieve",
        abstract: "Fetch a period's CT studies (or only their dose reports) from a PACS into a folder (C-FIND with C-MOVE or C-GET, or DICOMweb).",
        discussion: """
            Asks the PACS (Study Root query/retrieve) for the studies of the date range, keeps those with a \
            CT series, and moves their CT and SR series (or, with --content dose-reports, only the SR \
            series) to this command's own receiver, which files them as `ctdose receive` does: \
            INTO/YYYY-MM-DD/<SOP Instance UID>.dcm. The PACS must know this machine as a move \
            destination: the --ae-title, this machine's address and the --port; or, with --method get, \
            where the PACS supports C-GET, the objects come on the query's own association and the PACS \
            needs no configuration. Each series the PACS sent whole is listed in INTO/.ctdose-retrieved.csv and not fetched again, so the same \
            command can run every night; a series sent in part is fetched again by the next run. \
            With an http:// or https:// URL, --from is a DICOMweb service instead (its base URL, the one the \
            "studies" resource hangs from): studies and series are found with QIDO-RS and each series \
            fetched with WADO-RS; no AE title, port or PACS configuration is involved, and an \
            Authorization header can be given in a file (--authorization-file) or in \
            CTDOSE_DICOMWEB_AUTHORIZATION. https verifies the service with the system's certificate \
            authorities, or only with those of --tls-trust; --tls-key and --tls-certificate present a \
            client certificate to a service that asks for one. Nothing identifying is logged (counts and statuses only).

            Exit status: 0 when every series came whole, 2 when some were not (named by status in \
            the log), 1 when the PACS cannot be reached, refuses, or does not know the move destination.

            Examples:
              ctdose retrieve --from pacs.example.org:104 --called-ae PACS --into /archive/ct --days 2   # nightly: yesterday and today
              ctdose retrieve --from 10.0.0.5:11112 --called-ae ARCHIVE --into /archive/ct \\
                  --since 2026-01-01 --until 2026-03-31 --content dose-reports --dry-run
              ctdose retrieve --from https://pacs.example.org/dicom-web --authorization-file token.txt --into /archive/ct --days 2
              ctdose scan /archive/ct --out /archive/results
            """
    )

    @Option(name: .long, help: "The PACS, as HOST:PORT (DICOM), or a DICOMweb service's base URL (http:// or https://).")
    var from: String

    @Option(name: .long, help: "The PACS's AE title (DICOM).")
    var calledAe: String?

    @Option(name: .long, help: "DICOMweb: a file whose first line is the Authorization header value (e.g. Bearer …); default: CTDOSE_DICOMWEB_AUTHORIZATION.")
    var authorizationFile: String?

    @Option(name: .long, help: "Folder to receive into (created when absent).")
    var into: String

    @OptionGroup var local: LocalAEArguments

    @OptionGroup var tls: TLSArguments

    @Option(name: .long, help: "First study date, YYYY-MM-DD.")
    var since: String?

    @Option(name: .long, help: "Last study date, YYYY-MM-DD.")
    var until: String?

    @Option(name: .long, help: "The last N days, today included (instead of --since / --until).")
    var days: Int?

    @Option(name: .long, help: "Series to fetch: all (CT and SR) or dose-reports (SR only).")
    var content: PACSRetrieval.Content = .all

    @Option(name: .long, help: "DICOM: how objects come: move (C-MOVE to this machine's --ae-title and --port, which the PACS must know; the default) or get (C-GET on the query's association).")
    var method: PACSRetrieval.Method?

    @Option(name: .long, help: "A study query with this many matches is asked again in halves of its dates (for a PACS that caps its answers).")
    var splitAt = 500

    @Option(name: .long, help: "Seconds to wait for the PACS to answer (association, each response).")
    var timeout: Int32 = 600

    @Flag(name: .long, help: "Query only: print how many studies and series would be fetched.")
    var dryRun = false

    func validate() throws {
        _ = try dates()
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 second") }
        guard splitAt > 0 else { throw ValidationError("--split-at must be at least 1") }
        if dicomweb != nil {
            guard calledAe == nil, method == nil else {
                throw ValidationError("--called-ae and --method are for a DICOM PACS, and --from is a DICOMweb service")
            }
            if tls.settings != nil && !from.hasPrefix("https://") {
                throw ValidationError("the --tls options are for an https:// DICOMweb service (or a DICOM PACS)")
            }
            _ = try authorization()
            return
        }
        if authorizationFile != nil { throw ValidationError("--authorization-file is for a DICOMweb service (--from https://…)") }
        guard let calledAe else { throw ValidationError("--called-ae is required for a DICOM PACS (--from HOST:PORT)") }
        try LocalAEArguments.check(calledAe, option: "--called-ae")
        _ = try pacs()
        if tls.settings != nil && tls.tlsTrust.isEmpty {
            throw ValidationError("TLS to a PACS needs --tls-trust (its certificate or its authority's): ctdose does not talk to a PACS it cannot verify")
        }
        if tls.settings != nil && (method ?? .move) == .move && tls.tlsKey == nil {
            throw ValidationError("TLS with --method move needs --tls-key and --tls-certificate: the PACS connects back to this machine's receiver")
        }
    }

    /// The DICOMweb service when --from is an http(s) URL.
    private var dicomweb: DICOMwebService? {
        guard from.hasPrefix("http://") || from.hasPrefix("https://"), let url = URL(string: from), url.host != nil else { return nil }
        return DICOMwebService(baseURL: url, authorization: try? authorization(), timeoutSeconds: Double(timeout), tls: tls.settings)
    }

    /// The Authorization header value: --authorization-file's first line, else CTDOSE_DICOMWEB_AUTHORIZATION.
    private func authorization() throws -> String? {
        guard let authorizationFile else { return ProcessInfo.processInfo.environment["CTDOSE_DICOMWEB_AUTHORIZATION"].flatMap { $0.isEmpty ? nil : $0 } }
        return try AuthorizationFile.value(in: authorizationFile)
    }

    private func pacs() throws -> (host: String, port: UInt16) {
        guard let colon = from.lastIndex(of: ":"), let port = UInt16(from[from.index(after: colon)...]), port > 0, colon > from.startIndex else {
            throw ValidationError("--from must be HOST:PORT (e.g. pacs.example.org:104), not \"\(from)\"")
        }
        return (String(from[..<colon]), port)
    }

    private func dates() throws -> StudyDateRange {
        do {
            if let days {
                guard since == nil, until == nil else { throw ValidationError("give --days or --since / --until, not both") }
                return try StudyDateRange(lastDays: days)
            }
            guard since != nil || until != nil else {
                throw ValidationError("give the study dates to fetch: --days N, or --since and/or --until")
            }
            return try StudyDateRange(first: since, last: until)
        } catch let error as StudyDateRangeError {
            throw ValidationError("study dates: \(error)")
        }
    }

    func run() throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "ctdose.retrieve")
        let archive: PACSRetrieval.Archive
        if let service = dicomweb {
            archive = .dicomweb(service)
        } else {
            let (host, port) = try pacs()
            archive = .dimse(DICOMPeer(host: host, port: port, calledAETitle: calledAe ?? "", callingAETitle: local.aeTitle, timeoutSeconds: timeout,
                                       tls: tls.settings), method: method ?? .move, receivePort: local.port)
        }
        let retrieval = PACSRetrieval(archive: archive, studyDates: try dates(), content: content, splitAt: splitAt)
        let folder = try IncomingFolder(into)
        let summary = try retrieval.run(into: folder, dryRun: dryRun) { event in
            switch event {
            case .planned(let plan):
                logger.info("\(retrieval.archiveName): \(plan.studiesFound) studies with study dates \(retrieval.studyDates.dicomRange) (\(plan.studyQueries) queries), \(plan.studiesWanted) with CT; \(plan.series.count) series to fetch, \(plan.seriesAlreadyFetched) fetched before")
                if plan.imageCountQueries > 0 {
                    logger.info("the PACS did not count the objects of \(plan.imageCountQueries) series fetched before: counted them at IMAGE level")
                }
                if plan.listingsCutShort > 0 {
                    logger.warning("\(plan.listingsCutShort) QIDO-RS listings were answered with the same matches again past their first page: the service ignores offset, so matches beyond its page size may not have been seen (ask for fewer days at a time)")
                }
                if plan.crowdedDays > 0 {
                    logger.warning("\(plan.crowdedDays) single days had \(splitAt) or more studies: if the PACS caps its answers, some were not seen (raise --split-at if it does not)")
                }
            case .series(let index, let total, let objects, let complete):
                logger.info("series \(index) of \(total): \(objects) objects\(complete ? "" : ", not whole")")
            case .receiver(.notPlaced(let reason)): logger.error("an object could not be put in place: \(reason)")
            case .reconnecting(let reason): logger.warning("the association broke (\(reason)); asking again on a new one")
            case .receiver: break
            }
        }
        for problem in summary.problems { logger.warning("not whole: \(problem)") }
        if dryRun {
            print("\(summary.plan.series.count) series of \(summary.plan.studiesWanted) CT studies would be fetched (\(summary.plan.seriesAlreadyFetched) fetched before); nothing moved (--dry-run)")
            return
        }
        print("\(summary.seriesFetched) series fetched whole, \(summary.seriesIncomplete) not; \(summary.objectsReceived) objects received into \(into), \(summary.objectsFailed) failed; `ctdose scan \(into)` reads them")
        if summary.seriesIncomplete > 0 || summary.objectsFailed > 0 { throw ExitCode(2) }
    }
}

extension PACSRetrieval.Content: ExpressibleByArgument {}
extension PACSRetrieval.Method: ExpressibleByArgument {}
