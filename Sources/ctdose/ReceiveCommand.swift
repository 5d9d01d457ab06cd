import ArchiveScan
import ArgumentParser
import Dispatch
import Foundation
import Logging

struct ReceiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Receive CT images and dose reports from a scanner or PACS (DICOM C-STORE) into a folder.",
        discussion: """
            A DICOM Storage SCP: answers C-ECHO and accepts C-STORE of CT Image, Enhanced CT Image, Secondary \
            Capture (dose screens) and the structured report classes (X-Ray Radiation Dose SR and the SR \
            classes older scanners put dose reports in), in every transfer syntax ctdose decodes (with \
            --every-class, objects of any class), up to --max-associations associations at once (a sender \
            beyond them is told to try again later). Each object goes to INTO/YYYY-MM-DD/<SOP Instance \
            UID>.dcm (UTC day of arrival), received under INTO/.ctdose-receiving and moved into place once \
            whole, so that `ctdose scan INTO` (which skips that folder) can run at any time and reads only new files. Runs \
            until SIGINT or SIGTERM, then prints what it received. Nothing identifying is logged (calling \
            AE titles, client addresses and counts only). With --stow-port, senders can also push over \
            DICOMweb: a STOW-RS service (POST …/studies, multipart/related application/dicom) files \
            what it receives the same way and answers with the stored and failed instances.

            Examples:
              ctdose receive --into /archive/incoming --port 11112 --ae-title CTDOSE
              ctdose receive --into /archive/incoming --accept-from CT_SCANNER1 --accept-from PACS
              ctdose receive --into /archive/incoming --stow-port 8080 --stow-authorization-file token.txt
              ctdose receive --into /archive/incoming --scan-after 60 -- --out /archive/results --db /archive/ctdose.sqlite
              ctdose scan /archive/incoming --out /archive/results   # e.g. hourly
            """
    )

    @Option(name: .long, help: "Folder to receive into (created when absent).")
    var into: String

    @OptionGroup var local: LocalAEArguments

    @OptionGroup var tls: TLSArguments

    @Option(name: .long, help: "Accept associations only from this calling AE title (repeat for several; default: any).")
    var acceptFrom: [String] = []

    @Flag(name: .long, help: "Also accept objects of every other class (kept as sent; a scan sets them aside): for a PACS that routes whole studies and retries what is refused.")
    var everyClass = false

    @Option(name: .long, help: "Associations served at once (scanners and PACS sending at the same time); a request beyond them is rejected as transient.")
    var maxAssociations = 8

    @Option(name: .long, help: "Also receive over DICOMweb: a STOW-RS service on this HTTP port (POST …/studies; HTTPS with the --tls options).")
    var stowPort: UInt16?

    @Option(name: .long, help: "STOW-RS: a file whose first line is the Authorization header value senders must send (e.g. Bearer …).")
    var stowAuthorizationFile: String?

    @Option(name: .long, help: "STOW-RS: the largest request body taken, in MB; a larger one is refused (413) and removed.")
    var stowMaxMegabytes = STOWReceiver.defaultMaximumBytes >> 20

    @Option(name: .long, help: "Scan the folder once senders have been quiet this many seconds and something new arrived: `ctdose scan INTO` with the arguments after `--`.")
    var scanAfter: Double?

    @Argument(parsing: .postTerminator, help: "With --scan-after: arguments of the scan, after `--` (e.g. -- --out results --db ctdose.sqlite).")
    var scanArguments: [String] = []

    func validate() throws {
        for title in acceptFrom { try LocalAEArguments.check(title, option: "--accept-from") }
        if let scanAfter, !(scanAfter >= 0 && scanAfter < 86_400) { throw ValidationError("--scan-after must be 0 to 86400 seconds") }
        if tls.settings != nil && tls.tlsKey == nil { throw ValidationError("a TLS receiver needs --tls-key and --tls-certificate") }
        if !(1...256).contains(maxAssociations) { throw ValidationError("--max-associations must be 1 to 256") }
        if scanAfter == nil && !scanArguments.isEmpty { throw ValidationError("arguments after `--` are the scan's: give --scan-after too") }
        if stowAuthorizationFile != nil && stowPort == nil { throw ValidationError("--stow-authorization-file goes with --stow-port") }
        if stowPort != nil && stowPort == local.port { throw ValidationError("--stow-port must differ from --port") }
        if !(1...(1 << 20)).contains(stowMaxMegabytes) { throw ValidationError("--stow-max-megabytes must be 1 to 1048576") }
        _ = try stowAuthorization()
    }

    /// --stow-authorization-file's first line.
    private func stowAuthorization() throws -> String? {
        try stowAuthorizationFile.map(AuthorizationFile.value(in:))
    }

    func run() throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "ctdose.receive")
        let (port, aeTitle) = (local.port, local.aeTitle)
        let folder = try IncomingFolder(into)
        let stop = IncomingFolder.Stop()
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.stop() }
            source.resume()
            sources.append(source)
        }
        let accepted = acceptFrom.isEmpty ? nil : Set(acceptFrom.map { $0.trimmingCharacters(in: .whitespaces) })
        let scans = try scanAfter.map { seconds in
            ScanWhenIdle(folder: folder, idleSeconds: seconds, executable: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
                         arguments: ["scan", into] + scanArguments) { report in
                switch report {
                case .started(let objects): logger.info("scanning \(into): \(objects) objects received since the last scan")
                case .finished(let status): logger.info("scan of \(into) finished, exit status \(status)")
                case .couldNotStart(let reason): logger.error("cannot start the scan: \(reason)")
                }
            }
        }
        defer { scans?.stop() }
        let events: @Sendable (IncomingFolder.Event) -> Void = { event in
            scans?.note(event)
            switch event {
            case .listening: logger.info("receiving as AE \(aeTitle) on port \(port)\(tls.settings == nil ? "" : " (TLS)") into \(into)")
            case .associationStarted(let callingAETitle): logger.info("association from AE \(callingAETitle)")
            case .associationEnded(let callingAETitle):
                let counts = folder.counts
                logger.info("association from AE \(callingAETitle) ended; \(counts.stored) objects received so far, \(counts.failed) failed")
            case .notPlaced(let reason): logger.error("an object could not be put in place: \(reason)")
            case .refused(let callingAETitle): logger.warning("association from AE \(callingAETitle) refused: not among --accept-from")
            case .busy(let callingAETitle):
                logger.warning("association from AE \(callingAETitle) refused for now: \(maxAssociations) associations open (--max-associations)")
            case .connectionFailed(let reason): logger.warning("a connection brought no association: \(reason)")
            case .webStoreStarted: break
            case .webStoreEnded(let client, 0, _, _): logger.warning("STOW-RS from \(client): the connection closed before the request's end")
            case .webStoreEnded(let client, let status, let stored, let failed):
                logger.info("STOW-RS from \(client): HTTP \(status), \(stored) objects stored, \(failed) refused")
            }
        }
        let stow = try stowPort.map { stowPort in
            try STOWReceiver(folder: folder, port: stowPort, tls: tls.settings, authorization: try stowAuthorization(), everyClass: everyClass,
                             maximumBytes: stowMaxMegabytes << 20, events: events)
        }
        defer { stow?.close() }
        if let stow { logger.info("receiving STOW-RS on port \(stow.port)\(tls.settings == nil ? "" : " (HTTPS)") at …/studies") }
        try folder.receive(port: port, aeTitle: aeTitle, tls: tls.settings, acceptedCallingAETitles: accepted,
                           maximumAssociations: maxAssociations, everyClass: everyClass, stop: stop, events: events)
        let counts = folder.counts
        let requests = stowPort == nil ? "" : " and \(counts.webStoreRequests) STOW-RS requests"
        logger.info("stopped: \(counts.stored) objects received in \(counts.associations) associations\(requests), \(counts.failed) failed; `ctdose scan \(into)` reads them")
        _ = sources
    }
}
