import CDCMTK
import Foundation

/// A remote DICOM application entity: where it listens and the AE titles on both ends.
public struct DICOMPeer: Sendable, Equatable {
    public var host: String
    public var port: UInt16
    /// The peer's AE title.
    public var calledAETitle: String
    /// Ours.
    public var callingAETitle: String
    /// For opening the association and for each response awaited.
    public var timeoutSeconds: Int32
    /// nil: plain TCP.
    public var tls: TLSSettings?

    public init(host: String, port: UInt16, calledAETitle: String, callingAETitle: String, timeoutSeconds: Int32 = 600, tls: TLSSettings? = nil) {
        self.host = host
        self.port = port
        self.calledAETitle = calledAETitle
        self.callingAETitle = callingAETitle
        self.timeoutSeconds = timeoutSeconds
        self.tls = tls
    }

    /// "AE at host:port", as messages name it.
    public var name: String { "\(calledAETitle) at \(host):\(port)" }
}

/// One attribute of a C-FIND or C-MOVE identifier: a matching key (a value) or a return key (empty).
public struct QueryKey: Sendable, Equatable {
    public var tag: DICOMTag
    public var value: String

    public init(_ tag: DICOMTag, _ value: String = "") {
        self.tag = tag
        self.value = value
    }

    /// Query/Retrieve Level (PS3.4 C.4.1.1.3.1), the first key of every identifier.
    public static func level(_ level: QueryRetrieveLevel) -> QueryKey { QueryKey(.queryRetrieveLevel, level.rawValue) }
}

/// The Study Root levels (PS3.4 C.6.2).
public enum QueryRetrieveLevel: String, Sendable {
    case study = "STUDY"
    case series = "SERIES"
    case image = "IMAGE"
}

/// The final C-MOVE or C-GET response: DIMSE status and sub-operation (C-STORE) counts (PS3.4 C.4.2.1.4,
/// C.4.3.1.4).
public struct RetrieveOutcome: Sendable, Equatable {
    public var status: UInt16
    public var completed: Int
    public var failed: Int
    public var warning: Int
    public var remaining: Int

    /// Success (0x0000) or a warning (0xB000: some sub-operations failed or warned; PS3.4 C.4.2.1.5, C.4.3.1.5).
    public var finished: Bool { status == 0x0000 || status == 0xB000 }
}

/// An association to a Query/Retrieve SCP (Study Root FIND, MOVE and optionally GET; DCMTK's DcmSCU).
/// Use it from one thread; it is released when closed or deinitialised.
public final class QueryRetrieveAssociation {
    public let peer: DICOMPeer
    private var handle: OpaquePointer?

    /// A storage SOP class in one transfer syntax: a presentation context proposed for C-GET's objects.
    public struct StorageContext: Sendable, Equatable {
        public var sopClassUID: String
        public var transferSyntaxUID: String
        public init(sopClassUID: String, transferSyntaxUID: String) {
            self.sopClassUID = sopClassUID
            self.transferSyntaxUID = transferSyntaxUID
        }
    }

    /// Opens the association, proposing GET too when `getStorage` is not empty (at most 120 contexts:
    /// an association has 128 presentation contexts; PS3.8 §9.3.2.2); throws `.network` naming the peer
    /// when it cannot be reached or refuses.
    public init(peer: DICOMPeer, getStorage: [StorageContext] = []) throws {
        guard getStorage.count <= 120 else { throw DICOMError.unsupported("\(getStorage.count) storage contexts: at most 120 fit an association") }
        DCMTKRuntime.initialize()
        self.peer = peer
        var error = cdcm_error()
        var opened: OpaquePointer?
        let status = peer.host.withCString { host in
            peer.calledAETitle.withCString { called in
                peer.callingAETitle.withCString { calling in
                    withTLS(peer.tls) { tls in
                        var description = cdcm_peer(host: host, port: peer.port, called_ae_title: called, calling_ae_title: calling,
                                                    timeout_seconds: peer.timeoutSeconds, tls: tls)
                        return withCStrings(getStorage.map(\.sopClassUID)) { classes in
                            withCStrings(getStorage.map(\.transferSyntaxUID)) { syntaxes in
                                cdcm_qr_open(&description, classes, syntaxes, getStorage.count, &opened, &error)
                            }
                        }
                    }
                }
            }
        }
        guard status == CDCM_OK, let opened else { throw DICOMError.network(DICOMError.message(of: error)) }
        handle = opened
    }

    deinit { close() }

    /// Releases the association; later calls throw.
    public func close() {
        cdcm_qr_close(handle)
        handle = nil
    }

    /// One C-FIND: each match's values of the keys' attributes, in the keys' order ("" when absent).
    /// Throws when the exchange breaks or the peer ends it with a failure status.
    public func find(_ keys: [QueryKey]) throws -> [[String]] {
        guard let handle else { throw DICOMError.network("C-FIND with \(peer.name): the association is closed") }
        let matches = FindMatches()
        var error = cdcm_error()
        var finalStatus: UInt16 = 0
        let status = withQueryKeys(keys) { keys, count in
            cdcm_qr_find(handle, keys, count, { context, values, count in
                let matches = Unmanaged<FindMatches>.fromOpaque(context!).takeUnretainedValue()
                matches.rows.append((0..<count).map { String(cString: values![$0]!).trimmingCharacters(in: .whitespaces) })
            }, Unmanaged.passUnretained(matches).toOpaque(), &finalStatus, &error)
        }
        guard status == CDCM_OK else { throw DICOMError.network(DICOMError.message(of: error)) }
        guard finalStatus == 0x0000 else {
            throw DICOMError.network("C-FIND with \(peer.name) ended with status 0x\(String(finalStatus, radix: 16, uppercase: true))")
        }
        return matches.rows
    }

    /// One C-MOVE of what the keys identify to `destinationAETitle`; returns its final response.
    public func move(_ keys: [QueryKey], to destinationAETitle: String) throws -> RetrieveOutcome {
        guard let handle else { throw DICOMError.network("C-MOVE with \(peer.name): the association is closed") }
        var error = cdcm_error()
        var result = cdcm_retrieve_result()
        let status = withQueryKeys(keys) { keys, count in
            destinationAETitle.withCString { cdcm_qr_move(handle, $0, keys, count, &result, &error) }
        }
        guard status == CDCM_OK else { throw DICOMError.network(DICOMError.message(of: error)) }
        return RetrieveOutcome(result)
    }

    /// One C-GET of what the keys identify: each object arrives on this association into the file
    /// `events.fileFor` names, then `events.received` (the other events are not used); an object refused
    /// or not placed ends the C-GET. Needs an association opened with `getStorage`.
    public func get(_ keys: [QueryKey], events: DICOMReceiver.Events) throws -> RetrieveOutcome {
        guard let handle else { throw DICOMError.network("C-GET with \(peer.name): the association is closed") }
        let box = EventBox(events)
        var callbacks = box.callbacks
        var error = cdcm_error()
        var result = cdcm_retrieve_result()
        let status = withExtendedLifetime(box) {
            withQueryKeys(keys) { keys, count in cdcm_qr_get(handle, keys, count, &callbacks, &result, &error) }
        }
        guard status == CDCM_OK else { throw DICOMError.network(DICOMError.message(of: error)) }
        return RetrieveOutcome(result)
    }
}

extension RetrieveOutcome {
    init(_ result: cdcm_retrieve_result) {
        self.init(status: result.status, completed: Int(result.completed), failed: Int(result.failed), warning: Int(result.warning),
                  remaining: Int(result.remaining))
    }
}

private final class FindMatches {
    var rows: [[String]] = []
}

private func withQueryKeys<R>(_ keys: [QueryKey], _ body: (UnsafePointer<cdcm_query_key>, Int) -> R) -> R {
    let values = keys.map { strdup($0.value) }
    defer { values.forEach { free($0) } }
    let described = zip(keys, values).map { key, value in cdcm_query_key(group: key.tag.group, element: key.tag.element, value: value) }
    return described.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
}
