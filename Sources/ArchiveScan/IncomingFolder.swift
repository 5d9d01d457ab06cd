import DICOMBridge
import DoseModel
import Foundation
import Synchronization

/// Where `ctdose receive` puts what a scanner or PACS sends: ROOT/YYYY-MM-DD/<SOP Instance UID>.dcm,
/// by the UTC day of arrival (a folder a day stays a manageable size; an object sent again the same day
/// replaces its file). Each object is received under ROOT/.ctdose-receiving and renamed into place once
/// whole, so a scan of ROOT (`ArchiveWalker` skips that folder) never reads half an object, and a
/// receiver killed mid-transfer leaves only a partial file there, removed when the next one starts.
public final class IncomingFolder: Sendable {
    public let root: String
    /// The folder of objects being received; never walked by a scan.
    public static let receivingFolderName = ".ctdose-receiving"
    /// What a scan of the folder passes over: the receiving folder and `RetrievedSeries`' list.
    public static let bookkeepingNames: Set<String> = [receivingFolderName, RetrievedSeries.fileName]
    /// The SOP classes ctdose reads: CT images, secondary captures (dose screens) and structured reports.
    public static let acceptedSOPClasses = [SOPClass.ctImage, SOPClass.enhancedCTImage, SOPClass.secondaryCapture]
        + SOPClass.structuredReports.sorted()

    /// What has been received since the folder was opened.
    public struct Counts: Sendable, Equatable {
        public var associations = 0
        /// STOW-RS requests taken (their bodies read).
        public var webStoreRequests = 0
        public var stored = 0
        /// Objects whose transfer broke or that could not be put in place.
        public var failed = 0
    }

    private let state = Mutex<(counts: Counts, next: Int, pending: [String: String])>((Counts(), 0, [:]))

    /// Creates ROOT and its receiving folder and removes what a killed receiver left there.
    public init(_ root: String) throws {
        self.root = root
        let receiving = root + "/" + Self.receivingFolderName
        try? FileManager.default.removeItem(atPath: receiving)
        try FileManager.default.createDirectory(atPath: receiving, withIntermediateDirectories: true)
    }

    public var counts: Counts { state.withLock { $0.counts } }

    /// The file an object is received into.
    public func receivingPath(sopInstanceUID: String) -> String {
        let path = newReceivingFile()
        state.withLock { $0.pending[path] = sopInstanceUID }
        return path
    }

    /// A new file name in the receiving folder, for an object whose UID is known once it is there
    /// (then `place`, or `discard`).
    func newReceivingFile() -> String {
        state.withLock { state in
            state.next += 1
            return "\(root)/\(Self.receivingFolderName)/\(state.next).part"
        }
    }

    /// Puts a whole object in place and returns its path; a broken transfer's file is removed. Throws
    /// when the file cannot be moved (the sender is then told the object was not stored).
    @discardableResult
    public func received(_ path: String, outcome: Result<Void, DICOMError>, at date: Date = Date()) throws -> String? {
        let uid = state.withLock { $0.pending.removeValue(forKey: path) } ?? ""
        guard case .success = outcome else {
            discard(path)
            return nil
        }
        return try place(path, sopInstanceUID: uid, at: date)
    }

    func countWebStoreRequest() { state.withLock { $0.counts.webStoreRequests += 1 } }

    /// Removes a file of the receiving folder that did not hold a whole object, counting it failed.
    func discard(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
        state.withLock { $0.counts.failed += 1 }
    }

    /// Moves a whole object from the receiving folder into place and returns its path. Throws when the
    /// file cannot be moved (it is then removed and counted failed).
    @discardableResult
    func place(_ path: String, sopInstanceUID uid: String, at date: Date = Date()) throws -> String {
        do {
            let final = finalPath(sopInstanceUID: uid, receivedAt: date)
            try FileManager.default.createDirectory(atPath: (final as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard rename(path, final) == 0 else { throw DICOMError.io("cannot move \(path) to \(final): \(String(cString: strerror(errno)))") }
            state.withLock { $0.counts.stored += 1 }
            return final
        } catch {
            discard(path)
            throw error
        }
    }

    /// What became of an object that arrived whole in memory (a part of a DICOMweb body).
    public enum ObjectOutcome: Sendable, Equatable {
        case placed(sopClassUID: String, sopInstanceUID: String)
        /// Not a DICOM object ctdose can read (no SOP Instance UID).
        case notDICOM
        /// A class other than `acceptedSOPClasses`, not kept.
        case classNotAccepted(sopClassUID: String, sopInstanceUID: String)
        /// It could not be written or moved into place.
        case notPlaced(sopClassUID: String, sopInstanceUID: String, reason: String)
    }

    /// Writes one object under the receiving folder, reads its SOP Class and Instance UIDs and puts it in
    /// place, named by its UID as a receiver names what it receives; with `everyClass` false, only the
    /// `acceptedSOPClasses`. Whatever is not placed is removed and counted failed.
    func place(object content: UnsafeRawBufferPointer, everyClass: Bool = true) -> ObjectOutcome {
        let file = newReceivingFile()
        guard FileManager.default.createFile(atPath: file, contents: Data(content)),
              let uids = try? DICOMFile.read(file, headersOnly: true, { ($0.string(.sopClassUID) ?? "", $0.string(.sopInstanceUID)) }),
              let instance = uids.1, !instance.isEmpty else {
            discard(file)
            return .notDICOM
        }
        guard everyClass || Self.acceptedSOPClasses.contains(uids.0) else {
            discard(file)
            return .classNotAccepted(sopClassUID: uids.0, sopInstanceUID: instance)
        }
        do {
            try place(file, sopInstanceUID: instance)
            return .placed(sopClassUID: uids.0, sopInstanceUID: instance)
        } catch {
            return .notPlaced(sopClassUID: uids.0, sopInstanceUID: instance, reason: "\(error)")
        }
    }

    /// Something the log may say: calling AE titles and reasons, never what was received.
    public enum Event: Sendable {
        case associationStarted(callingAETitle: String)
        case associationEnded(callingAETitle: String)
        case notPlaced(reason: String)
        /// The port is open; senders are accepted from now on.
        case listening
        /// An association from a calling AE title not among those accepted, rejected.
        case refused(callingAETitle: String)
        /// An association request rejected (transient) because the receiver served its maximum already.
        case busy(callingAETitle: String)
        /// A connection that brought no association request: other bytes, a failed TLS handshake.
        case connectionFailed(reason: String)
        /// A STOW-RS request (DICOMweb store) from a client address began to arrive.
        case webStoreStarted(client: String)
        /// It ended with this HTTP status (0: the connection closed before the request's end), objects
        /// stored and objects refused.
        case webStoreEnded(client: String, status: Int, stored: Int, failed: Int)
    }

    /// Stops `receive` from any thread (it takes no new association within about a second, and returns
    /// once those under way have ended).
    public typealias Stop = DICOMReceiver.StopSignal

    /// Receives on `port` as `aeTitle` (`DICOMReceiver`, over TLS with `tls`) into this folder until
    /// `stop` is signalled, from the calling AE titles `acceptedCallingAETitles` (nil: any), serving up to
    /// `maximumAssociations` at once; throws when it cannot listen. `events` is called from the listening
    /// thread and from the threads serving associations. With `everyClass`, objects of other classes
    /// than `acceptedSOPClasses` are kept too (a scan sets them aside).
    public func receive(port: UInt16, aeTitle: String, tls: TLSSettings? = nil, acceptedCallingAETitles: Set<String>? = nil,
                        maximumAssociations: Int = 1, everyClass: Bool = false, stop: Stop,
                        events: @escaping @Sendable (Event) -> Void = { _ in }) throws {
        let receiver = DICOMReceiver(port: port, aeTitle: aeTitle, sopClassUIDs: Self.acceptedSOPClasses, tls: tls,
                                     maximumAssociations: maximumAssociations, acceptsOtherClasses: everyClass)
        try receiver.run(events: receiverEvents(acceptedCallingAETitles: acceptedCallingAETitles, events), stop: stop)
    }

    /// What a receiver (or a C-GET) asks this folder: where each object goes, and what to answer once it
    /// is there.
    public func receiverEvents(acceptedCallingAETitles: Set<String>? = nil, _ events: @escaping @Sendable (Event) -> Void = { _ in })
        -> DICOMReceiver.Events {
        DICOMReceiver.Events(
            fileFor: { [self] _, sopInstanceUID in receivingPath(sopInstanceUID: sopInstanceUID) },
            received: { [self] path, outcome in
                do {
                    return try received(path, outcome: outcome) == nil ? Self.outOfResources : 0x0000
                } catch {
                    events(.notPlaced(reason: "\(error)"))
                    return Self.outOfResources
                }
            },
            association: { [self] callingAETitle, started in
                if started { state.withLock { $0.counts.associations += 1 } }
                events(started ? .associationStarted(callingAETitle: callingAETitle) : .associationEnded(callingAETitle: callingAETitle))
            },
            listening: { events(.listening) },
            acceptsCallingAETitle: { callingAETitle in
                guard let accepted = acceptedCallingAETitles, !accepted.contains(callingAETitle) else { return true }
                events(.refused(callingAETitle: callingAETitle))
                return false
            },
            busy: { events(.busy(callingAETitle: $0)) },
            connectionFailed: { events(.connectionFailed(reason: $0)) })
    }

    /// C-STORE status "Refused: Out of Resources" (PS3.4 Table GG.4-1).
    static let outOfResources: UInt16 = 0xA700

    /// ROOT/YYYY-MM-DD/UID.dcm; a UID that is not one (digits and dots, at most 64 characters: PS3.5
    /// §9.1) is named by the arrival time instead, so that no sent text becomes a path.
    func finalPath(sopInstanceUID uid: String, receivedAt date: Date) -> String {
        let day = Self.utcDay(date)
        let name = Self.isUID(Substring(uid)) ? uid : "object-\(Int64(date.timeIntervalSince1970 * 1e9))-\(state.withLock { state in state.next += 1; return state.next })"
        return "\(root)/\(day)/\(name).dcm"
    }

    /// Digits and dots, at most 64 characters (PS3.5 §9.1): text that may become a file name.
    static func isUID(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 64 && !text.hasPrefix(".") && text.allSatisfy { $0 == "." || ("0"..."9").contains($0) }
    }

    /// YYYY-MM-DD of `date` in UTC (gmtime_r: safe on the receiver's several threads).
    static func utcDay(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(twoDigits(parts.tm_mon + 1))-\(twoDigits(parts.tm_mday))"
    }
}
