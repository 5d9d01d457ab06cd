import DICOMBridge
import DoseModel
import Foundation
import Synchronization

/// Why a retrieval stopped before it was through.
public enum RetrievalError: Error, Equatable, CustomStringConvertible {
    /// The list of retrieved series cannot be read or written.
    case ledger(String)
    /// The PACS refused or broke the exchange in a way no later series can escape.
    case pacs(String)

    public var description: String {
        switch self {
        case .ledger(let message), .pacs(let message): return message
        }
    }
}

/// Pulls a period's CT studies from a PACS into an `IncomingFolder`: Study Root C-FIND of the studies
/// (Study Date in the range, in parts when a query has many matches; Modalities in Study CT where the
/// PACS supports that key), C-FIND of each study's series, then per wanted series a C-MOVE to this
/// process's own receiver (its AE title is the calling AE title, which the PACS must know with this
/// machine's address and `receivePort`) or a C-GET. Series already fetched whole (`RetrievedSeries`)
/// are skipped, so the same command can run every night.
public struct PACSRetrieval: Sendable {
    /// Which series of a CT study are fetched.
    public enum Content: String, Sendable, CaseIterable {
        /// CT series (images, localizers, dose screens) and SR series (dose reports).
        case all
        /// SR series only: what the dose audit needs without pixels (no size from images, no noise).
        case doseReports = "dose-reports"

        /// The Modality (0008,0060) values of the series fetched (PS3.3 C.7.3.1.1.1).
        var modalities: Set<String> { self == .all ? ["CT", "SR"] : ["SR"] }
    }

    /// How the objects come.
    public enum Method: String, Sendable, CaseIterable {
        /// C-MOVE to this process's own receiver: every PACS supports it, each must know this AE as a
        /// move destination (address and `receivePort`).
        case move
        /// C-GET on the query's association: no PACS configuration and no port to open, where the PACS
        /// supports it.
        case get
    }

    /// A series the PACS holds that this retrieval wants.
    public struct Series: Sendable, Equatable {
        public var studyInstanceUID: String
        public var seriesInstanceUID: String
        public var modality: String
        /// Number of Series Related Instances, when the PACS returns it (an optional key).
        public var instancesOnPACS: Int?
    }

    /// What the queries found.
    public struct Plan: Sendable, Equatable {
        /// Studies in the date range (those with CT, where the PACS matches Modalities in Study).
        public var studiesFound = 0
        /// Studies with at least one wanted series.
        public var studiesWanted = 0
        /// Wanted series not fetched whole before: what a run retrieves.
        public var series: [Series] = []
        /// Wanted series fetched whole by an earlier run, skipped.
        public var seriesAlreadyFetched = 0
        /// Study-level C-FINDs sent (more than one when the range was asked in parts).
        public var studyQueries = 0
        /// Single days with `splitAt` matches or more: the PACS may have returned only some of them.
        public var crowdedDays = 0
        /// IMAGE-level C-FINDs sent to count the objects of a series fetched before, where the PACS did
        /// not return Number of Series Related Instances.
        public var imageCountQueries = 0
    }

    /// What a run did.
    public struct Summary: Sendable, Equatable {
        public var plan = Plan()
        public var seriesFetched = 0
        /// Series the PACS did not send whole (fetched again by the next run).
        public var seriesIncomplete = 0
        /// Objects that arrived (from the PACS, or any other sender while the receiver listened).
        public var objectsReceived = 0
        /// Objects whose transfer broke or that could not be put in place.
        public var objectsFailed = 0
        /// Why series were incomplete: statuses and counts, never identifiers.
        public var problems: [String] = []
        /// Associations opened again after one broke.
        public var reconnections = 0
    }

    /// Something the log may say (counts and statuses, never identifiers).
    public enum Progress: Sendable {
        case planned(Plan)
        case series(index: Int, of: Int, objects: Int, complete: Bool)
        case receiver(IncomingFolder.Event)
        /// The association broke during a retrieval (a PACS may end long or idle ones): a new one is
        /// opened and the series asked for once more.
        case reconnecting(reason: String)
    }

    public var peer: DICOMPeer
    public var studyDates: StudyDateRange
    public var content: Content
    /// The port this process receives the moved objects on.
    public var receivePort: UInt16
    /// A study query with this many matches is asked again in halves of its date range.
    public var splitAt: Int
    public var method: Method
    /// Whether the series queries ask for Number of Series Related Instances (an optional key; false
    /// behaves as a PACS that does not return it).
    var asksSeriesInstanceCount = true

    public init(peer: DICOMPeer, studyDates: StudyDateRange, content: Content = .all, method: Method = .move, receivePort: UInt16 = 11112,
                splitAt: Int = 500) {
        self.peer = peer
        self.studyDates = studyDates
        self.content = content
        self.method = method
        self.receivePort = receivePort
        self.splitAt = max(1, splitAt)
    }

    /// The presentation contexts a C-GET proposes for its objects: each image class ctdose reads in each
    /// transfer syntax it decodes (a context each, so that the PACS can send every object as it holds
    /// it), the structured report classes in the uncompressed ones.
    static let getStorage: [QueryRetrieveAssociation.StorageContext] = {
        let images = [SOPClass.ctImage, SOPClass.enhancedCTImage, SOPClass.secondaryCapture]
        let uncompressed = [TransferSyntaxUID.explicitVRLittleEndian, TransferSyntaxUID.implicitVRLittleEndian,
                            TransferSyntaxUID.deflatedExplicitVRLittleEndian, TransferSyntaxUID.explicitVRBigEndian]
        let reports = IncomingFolder.acceptedSOPClasses.filter { !images.contains($0) }
        return images.flatMap { sopClass in TransferSyntaxUID.readable.map { .init(sopClassUID: sopClass, transferSyntaxUID: $0) } }
            + reports.flatMap { sopClass in uncompressed.map { .init(sopClassUID: sopClass, transferSyntaxUID: $0) } }
    }()

    /// Queries the PACS: the studies of the range, their wanted series, less those already fetched.
    public func plan(using association: QueryRetrieveAssociation, fetched: RetrievedSeries) throws -> Plan {
        var plan = Plan()
        var studyUIDs: [String] = [], seen = Set<String>()
        try findStudies(in: studyDates, into: &plan, uids: &studyUIDs, seen: &seen, using: association)
        plan.studiesFound = studyUIDs.count
        for studyUID in studyUIDs {
            let rows = try association.find([
                .level(.series), QueryKey(.studyInstanceUID, studyUID), QueryKey(.seriesInstanceUID), QueryKey(.modality),
            ] + (asksSeriesInstanceCount ? [QueryKey(.numberOfSeriesRelatedInstances)] : []))
            let wanted = rows.compactMap { row -> Series? in
                guard content.modalities.contains(row[3].uppercased()), !row[2].isEmpty else { return nil }
                return Series(studyInstanceUID: studyUID, seriesInstanceUID: row[2], modality: row[3].uppercased(),
                              instancesOnPACS: row.count > 4 ? Int(row[4]) : nil)
            }
            guard Set(rows.map { $0[3].uppercased() }).contains("CT"), !wanted.isEmpty else { continue }  // a CT study only
            plan.studiesWanted += 1
            for var series in wanted {
                if series.instancesOnPACS == nil, fetched.hasRecord(seriesInstanceUID: series.seriesInstanceUID) {
                    // The PACS did not count the series' objects: count them at IMAGE level, so that
                    // objects added since it was fetched are fetched too.
                    series.instancesOnPACS = try association.find([
                        .level(.image), QueryKey(.studyInstanceUID, studyUID), QueryKey(.seriesInstanceUID, series.seriesInstanceUID),
                        QueryKey(.sopInstanceUID),
                    ]).count
                    plan.imageCountQueries += 1
                }
                if fetched.needs(seriesInstanceUID: series.seriesInstanceUID, instancesOnPACS: series.instancesOnPACS) {
                    plan.series.append(series)
                } else {
                    plan.seriesAlreadyFetched += 1
                }
            }
        }
        return plan
    }

    /// The Study Instance UIDs of `range`, appended to `plan`. Asks with Modalities in Study = CT; a PACS
    /// that refuses that optional key is asked again without it (its series then show which studies are
    /// CT). A range with `splitAt` matches or more is asked again in halves (a PACS may return only the
    /// first few hundred or thousand matches of a query without saying so); a single day that still has
    /// that many is counted in `plan.crowdedDays`.
    private func findStudies(in range: StudyDateRange, into plan: inout Plan, uids: inout [String], seen: inout Set<String>,
                             using association: QueryRetrieveAssociation) throws {
        let keys = [.level(.study), QueryKey(.studyInstanceUID), QueryKey(.studyDate, range.dicomRange)]
        let rows: [[String]]
        do {
            rows = try association.find(keys + [QueryKey(.modalitiesInStudy, "CT")])
        } catch {
            do {
                rows = try association.find(keys)
            } catch {
                guard plan.studyQueries == 0 else { throw error }
                // The first query of all: a PACS that aborts here (Orthanc does) most often does not let
                // this calling AE title query.
                throw RetrievalError.pacs("\(peer.name) answered the first study query (C-FIND) by ending the association: a PACS does "
                                          + "that when it does not know the calling AE title \(peer.callingAETitle) or does not let it query; add "
                                          + "it to the PACS's DICOM nodes (\(error))")
            }
        }
        plan.studyQueries += 1
        if rows.count >= splitAt {
            if let (earlier, later) = range.halves() {
                try findStudies(in: earlier, into: &plan, uids: &uids, seen: &seen, using: association)
                try findStudies(in: later, into: &plan, uids: &uids, seen: &seen, using: association)
                return
            }
            plan.crowdedDays += 1
        }
        uids += rows.map { $0[1] }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// Queries, then (unless `dryRun`) retrieves each planned series into `folder` (C-MOVE while
    /// receiving on `receivePort`, or C-GET), recording each one retrieved whole. Throws when the PACS
    /// cannot be reached, when the receiver cannot listen, or when the PACS does not know this AE as a
    /// move destination; series already recorded stay recorded.
    public func run(into folder: IncomingFolder, dryRun: Bool = false, progress: @escaping @Sendable (Progress) -> Void = { _ in }) throws -> Summary {
        let fetched = try RetrievedSeries(folder: folder.root)
        let association = try Connection(peer: peer, getStorage: method == .get ? Self.getStorage : [])
        defer { association.current.close() }
        var summary = Summary()
        summary.plan = try plan(using: association.current, fetched: fetched)
        progress(.planned(summary.plan))
        guard !dryRun, !summary.plan.series.isEmpty else { return summary }

        // C-MOVE's objects come on associations of the PACS's own, to this process's receiver.
        let receiver = method == .move
            ? BackgroundReceiver(folder: folder, port: receivePort, aeTitle: peer.callingAETitle, tls: peer.tls, progress: progress) : nil
        try receiver?.start()
        let retrieved = Result { try retrieve(summary.plan.series, using: association, into: folder, recordingIn: fetched, progress: progress) }
        receiver?.stop()
        (summary.seriesFetched, summary.seriesIncomplete, summary.problems) = try retrieved.get()
        summary.reconnections = association.reopened
        (summary.objectsReceived, summary.objectsFailed) = (folder.counts.stored, folder.counts.failed)
        return summary
    }

    /// C-MOVEs each series to this AE or C-GETs it into `folder`, recording those retrieved whole;
    /// returns (whole, not whole, why not).
    private func retrieve(_ planned: [Series], using association: Connection, into folder: IncomingFolder,
                          recordingIn fetched: RetrievedSeries, progress: @escaping @Sendable (Progress) -> Void) throws -> (Int, Int, [String]) {
        var (whole, incomplete, problems) = (0, 0, [String]())
        let events = folder.receiverEvents { progress(.receiver($0)) }
        for (index, series) in planned.enumerated() {
            let before = folder.counts.stored
            let keys = [.level(.series), QueryKey(.studyInstanceUID, series.studyInstanceUID), QueryKey(.seriesInstanceUID, series.seriesInstanceUID)]
            let send = { (association: QueryRetrieveAssociation) in
                method == .move ? try association.move(keys, to: peer.callingAETitle) : try association.get(keys, events: events)
            }
            let outcome: RetrieveOutcome
            do {
                outcome = try send(association.current)
            } catch let error as DICOMError {
                progress(.reconnecting(reason: "\(error)"))
                try association.reopen()
                outcome = try send(association.current)
            }
            let arrived = folder.counts.stored - before
            if method == .move, outcome.status == Self.moveDestinationUnknown {
                throw RetrievalError.pacs("\(peer.name) does not know the move destination \(peer.callingAETitle) (status 0xA801): add it to "
                                          + "the PACS's DICOM nodes with this machine's address and port \(receivePort)")
            }
            let complete = outcome.finished && outcome.failed == 0 && outcome.remaining == 0
            if complete {
                try fetched.record(seriesInstanceUID: series.seriesInstanceUID, count: max(outcome.completed + outcome.warning, arrived))
                whole += 1
            } else {
                incomplete += 1
                problems.append("a \(series.modality) series: C-\(method.rawValue.uppercased()) status 0x\(String(outcome.status, radix: 16, uppercase: true)), "
                                + "\(outcome.completed) moved, \(outcome.failed) failed, \(outcome.remaining) remaining")
            }
            progress(.series(index: index + 1, of: planned.count, objects: arrived, complete: complete))
        }
        return (whole, incomplete, problems)
    }

    /// C-MOVE status "Refused: Move Destination unknown" (PS3.4 Table C.4-2).
    static let moveDestinationUnknown: UInt16 = 0xA801
}

/// The association a retrieval uses, opened again when it breaks.
private final class Connection {
    let peer: DICOMPeer
    let getStorage: [QueryRetrieveAssociation.StorageContext]
    private(set) var current: QueryRetrieveAssociation
    private(set) var reopened = 0

    init(peer: DICOMPeer, getStorage: [QueryRetrieveAssociation.StorageContext]) throws {
        self.peer = peer
        self.getStorage = getStorage
        current = try QueryRetrieveAssociation(peer: peer, getStorage: getStorage)
    }

    func reopen() throws {
        current.close()
        current = try QueryRetrieveAssociation(peer: peer, getStorage: getStorage)
        reopened += 1
    }
}

/// The folder's receiver on a thread of its own for the length of a retrieval.
private final class BackgroundReceiver: @unchecked Sendable {
    let folder: IncomingFolder
    let port: UInt16
    let aeTitle: String
    let tls: TLSSettings?
    let progress: @Sendable (PACSRetrieval.Progress) -> Void
    private let stopSignal = IncomingFolder.Stop()
    private let ready = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let failure = Mutex<(any Error)?>(nil)

    init(folder: IncomingFolder, port: UInt16, aeTitle: String, tls: TLSSettings?, progress: @escaping @Sendable (PACSRetrieval.Progress) -> Void) {
        self.folder = folder
        self.port = port
        self.aeTitle = aeTitle
        self.tls = tls
        self.progress = progress
    }

    /// Returns once the port is open; throws the receiver's error when it cannot listen.
    func start() throws {
        let thread = Thread { [self] in
            do {
                // A PACS may move a series over several associations at once. Every class is kept: a
                // series holding an object ctdose does not read (a multi-frame capture, a private class)
                // is then whole, recorded, and not asked for again each night.
                try folder.receive(port: port, aeTitle: aeTitle, tls: tls, maximumAssociations: 4, everyClass: true, stop: stopSignal) { [self] event in
                    if case .listening = event { ready.signal() } else { progress(.receiver(event)) }
                }
            } catch {
                failure.withLock { $0 = error }
            }
            ready.signal()
            finished.signal()
        }
        thread.start()
        ready.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Returns once the receiver has ended (after the association it is in, within about a second).
    func stop() {
        stopSignal.stop()
        finished.wait()
    }
}
