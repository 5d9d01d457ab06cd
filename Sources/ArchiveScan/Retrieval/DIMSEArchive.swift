import DICOMBridge
import DoseModel
import Foundation
import Synchronization

/// A PACS over DIMSE: Study Root C-FIND, then per series a C-MOVE to this process's own receiver (its
/// AE title is the calling AE title, which the PACS must know with this machine's address and
/// `receivePort`) or a C-GET on the query's association. An association that breaks is opened again
/// once per series.
final class DIMSEArchive: StudyArchive {
    let peer: DICOMPeer
    let method: PACSRetrieval.Method
    let receivePort: UInt16
    private let connection: Connection
    private var receiver: BackgroundReceiver?

    var name: String { peer.name }
    var reconnections: Int { connection.reopened }
    /// C-FIND has no pages; a capped answer shows as a crowded day (`Plan.crowdedDays`).
    let listingsCutShort = 0

    init(peer: DICOMPeer, method: PACSRetrieval.Method, receivePort: UInt16) throws {
        self.peer = peer
        self.method = method
        self.receivePort = receivePort
        connection = try Connection(peer: peer, getStorage: method == .get ? Self.getStorage : [])
    }

    func close() { connection.current.close() }

    /// The presentation contexts a C-GET proposes for its objects: each image class ctdose reads in each
    /// transfer syntax it decodes (a context each, so that the PACS can send every object as it holds
    /// it), the structured report classes in the uncompressed ones, and the classes it does not read but
    /// a CT study may hold (presentation states, key objects, multi-frame captures, raw data…) in
    /// explicit and implicit little endian, so that a series holding one arrives whole (the scan sets
    /// them aside): 97 of an association's 128 contexts.
    static let getStorage: [QueryRetrieveAssociation.StorageContext] = {
        let images = [SOPClass.ctImage, SOPClass.enhancedCTImage, SOPClass.secondaryCapture]
        let uncompressed = [TransferSyntaxUID.explicitVRLittleEndian, TransferSyntaxUID.implicitVRLittleEndian,
                            TransferSyntaxUID.deflatedExplicitVRLittleEndian, TransferSyntaxUID.explicitVRBigEndian]
        let reports = IncomingFolder.acceptedSOPClasses.filter { !images.contains($0) }
        return images.flatMap { sopClass in TransferSyntaxUID.readable.map { .init(sopClassUID: sopClass, transferSyntaxUID: $0) } }
            + reports.flatMap { sopClass in uncompressed.map { .init(sopClassUID: sopClass, transferSyntaxUID: $0) } }
            + SOPClass.unreadInCTStudies.flatMap { sopClass in
                uncompressed.prefix(2).map { .init(sopClassUID: sopClass, transferSyntaxUID: $0) }
            }
    }()

    /// Asks with Modalities in Study = CT; a PACS that refuses that optional key is asked again without
    /// it (its series then show which studies are CT). A range with `splitAt` matches or more is asked
    /// again in halves (a PACS may return only the first few hundred or thousand matches of a query
    /// without saying so); a single day that still has that many is counted in `plan.crowdedDays`.
    func studies(in range: StudyDateRange, splitAt: Int, plan: inout PACSRetrieval.Plan) throws -> [String] {
        var uids: [String] = [], seen = Set<String>()
        try findStudies(in: range, splitAt: splitAt, into: &plan, uids: &uids, seen: &seen)
        return uids
    }

    private func findStudies(in range: StudyDateRange, splitAt: Int, into plan: inout PACSRetrieval.Plan, uids: inout [String],
                             seen: inout Set<String>) throws {
        let association = connection.current
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
                try findStudies(in: earlier, splitAt: splitAt, into: &plan, uids: &uids, seen: &seen)
                try findStudies(in: later, splitAt: splitAt, into: &plan, uids: &uids, seen: &seen)
                return
            }
            plan.crowdedDays += 1
        }
        uids += rows.map { $0[1] }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    func series(ofStudy studyInstanceUID: String, withCounts: Bool) throws -> [ArchiveSeries] {
        try connection.current.find([
            .level(.series), QueryKey(.studyInstanceUID, studyInstanceUID), QueryKey(.seriesInstanceUID), QueryKey(.modality),
        ] + (withCounts ? [QueryKey(.numberOfSeriesRelatedInstances)] : [])).map { row in
            ArchiveSeries(seriesInstanceUID: row[2], modality: row[3].uppercased(), instances: row.count > 4 ? Int(row[4]) : nil)
        }
    }

    func instanceCount(studyInstanceUID: String, seriesInstanceUID: String) throws -> Int {
        try connection.current.find([
            .level(.image), QueryKey(.studyInstanceUID, studyInstanceUID), QueryKey(.seriesInstanceUID, seriesInstanceUID),
            QueryKey(.sopInstanceUID),
        ]).count
    }

    func startFetching(into folder: IncomingFolder, progress: @escaping @Sendable (PACSRetrieval.Progress) -> Void) throws {
        guard method == .move else { return }  // C-GET's objects come on the query's association
        let receiver = BackgroundReceiver(folder: folder, port: receivePort, aeTitle: peer.callingAETitle, tls: peer.tls, progress: progress)
        try receiver.start()
        self.receiver = receiver
    }

    func finishFetching() {
        receiver?.stop()
        receiver = nil
    }

    /// One C-MOVE to this AE or C-GET into `folder`; asked once more on a new association when the
    /// association breaks. Throws when the PACS does not know this AE as a move destination.
    func fetch(_ series: PACSRetrieval.Series, into folder: IncomingFolder,
               progress: @escaping @Sendable (PACSRetrieval.Progress) -> Void) throws -> SeriesFetch {
        let keys = [.level(.series), QueryKey(.studyInstanceUID, series.studyInstanceUID), QueryKey(.seriesInstanceUID, series.seriesInstanceUID)]
        let events = folder.receiverEvents { progress(.receiver($0)) }
        let send = { [self] (association: QueryRetrieveAssociation) in
            method == .move ? try association.move(keys, to: peer.callingAETitle) : try association.get(keys, events: events)
        }
        let outcome: RetrieveOutcome
        do {
            outcome = try send(connection.current)
        } catch let error as DICOMError {
            progress(.reconnecting(reason: "\(error)"))
            try connection.reopen()
            outcome = try send(connection.current)
        }
        if method == .move, outcome.status == Self.moveDestinationUnknown {
            throw RetrievalError.pacs("\(peer.name) does not know the move destination \(peer.callingAETitle) (status 0xA801): add it to "
                                      + "the PACS's DICOM nodes with this machine's address and port \(receivePort)")
        }
        let whole = outcome.finished && outcome.failed == 0 && outcome.remaining == 0
        return SeriesFetch(whole: whole, objects: outcome.completed + outcome.warning, problem: whole ? nil :
            "a \(series.modality) series: C-\(method.rawValue.uppercased()) status 0x\(String(outcome.status, radix: 16, uppercase: true)), "
            + "\(outcome.completed) moved, \(outcome.failed) failed, \(outcome.remaining) remaining")
    }

    /// C-MOVE status "Refused: Move Destination unknown" (PS3.4 Table C.4-2).
    static let moveDestinationUnknown: UInt16 = 0xA801
}

/// The association an archive uses, opened again when it breaks.
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
