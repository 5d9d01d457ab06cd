import CDCMTK
import Foundation
import Synchronization

/// A DICOM Storage SCP over DCMTK's dcmnet: listens on a TCP port, answers C-ECHO, and receives C-STORE
/// of the given SOP classes straight into files that `events` names, serving up to
/// `maximumAssociations` associations at once, each on a thread of its own.
public struct DICOMReceiver: Sendable {
    public var port: UInt16
    public var aeTitle: String
    public var sopClassUIDs: [String]
    public var transferSyntaxUIDs: [String]
    /// nil: plain TCP.
    public var tls: TLSSettings?
    /// Also accept every other class proposed (stored as sent; for a move destination, which gets what
    /// it asked for).
    public var acceptsOtherClasses: Bool
    /// Associations served at once; a request beyond them is rejected as transient ("local limit
    /// exceeded"), which a sender retries later.
    public var maximumAssociations: Int

    /// What the receiver asks and tells. `fileFor`, `received`, `association` and `acceptsCallingAETitle`
    /// are called on the thread serving the association, so from several threads at once.
    public struct Events: Sendable {
        /// The file to receive an object (SOP class, SOP instance) into; nil refuses it (out of resources).
        public var fileFor: @Sendable (_ sopClassUID: String, _ sopInstanceUID: String) -> String?
        /// The object is in the file (success) or not (DCMTK's reason); returns the C-STORE status.
        public var received: @Sendable (_ path: String, _ outcome: Result<Void, DICOMError>) -> UInt16
        /// An association accepted (true) or ended (false), by calling AE title.
        public var association: @Sendable (_ callingAETitle: String, _ started: Bool) -> Void
        /// The port is open: from now on a sender's association is accepted (or waits in the backlog).
        public var listening: @Sendable () -> Void
        /// Whether to accept an association from this calling AE title (else it is rejected).
        public var acceptsCallingAETitle: @Sendable (_ callingAETitle: String) -> Bool
        /// An association request rejected because `maximumAssociations` were open.
        public var busy: @Sendable (_ callingAETitle: String) -> Void
        /// A connection that brought no association request (other bytes, a failed TLS handshake…).
        public var connectionFailed: @Sendable (_ reason: String) -> Void

        public init(fileFor: @escaping @Sendable (String, String) -> String?,
                    received: @escaping @Sendable (String, Result<Void, DICOMError>) -> UInt16,
                    association: @escaping @Sendable (String, Bool) -> Void = { _, _ in },
                    listening: @escaping @Sendable () -> Void = {},
                    acceptsCallingAETitle: @escaping @Sendable (String) -> Bool = { _ in true },
                    busy: @escaping @Sendable (String) -> Void = { _ in },
                    connectionFailed: @escaping @Sendable (String) -> Void = { _ in }) {
            self.fileFor = fileFor
            self.received = received
            self.association = association
            self.listening = listening
            self.acceptsCallingAETitle = acceptsCallingAETitle
            self.busy = busy
            self.connectionFailed = connectionFailed
        }
    }

    /// Set from any thread: the receiver stops taking associations within about a second and returns
    /// once those it serves have ended.
    public final class StopSignal: Sendable {
        private let stopped = Atomic(false)

        public init() {}

        public func stop() { stopped.store(true, ordering: .releasing) }
        var isStopped: Bool { stopped.load(ordering: .acquiring) }
    }

    public init(port: UInt16, aeTitle: String, sopClassUIDs: [String], transferSyntaxUIDs: [String] = TransferSyntaxUID.readable,
                tls: TLSSettings? = nil, maximumAssociations: Int = 1, acceptsOtherClasses: Bool = false) {
        self.port = port
        self.aeTitle = aeTitle
        self.sopClassUIDs = sopClassUIDs
        self.transferSyntaxUIDs = transferSyntaxUIDs
        self.tls = tls
        self.maximumAssociations = max(1, maximumAssociations)
        self.acceptsOtherClasses = acceptsOtherClasses
    }

    /// Listens until `stop` is signalled and the associations under way have ended; throws when it cannot
    /// listen (port taken, not allowed, TLS files that do not load). Connections are taken and their
    /// association requests read by `AcceptingThreads`; each association is then served on a thread
    /// with `LargeStackWorkers.stackBytes` of stack (a refused object is parsed in memory to be
    /// discarded, and DCMTK parses nested sequences recursively). Once stopped, requests still being
    /// read are cut off and any that arrives is rejected as transient.
    public func run(events: Events, stop: StopSignal) throws {
        DCMTKRuntime.initialize()
        let listener = try openListener()
        defer { cdcm_listener_close(listener) }
        events.listening()
        let serving = ServingCount()
        let finished = DispatchGroup()
        let shared = ListenerHandle(listener: listener)
        AcceptingThreads { threads in
            accept(shared.listener, threads: threads, events: events, stop: stop, serving: serving, finished: finished)
        }.run()
        finished.wait()
    }

    /// One accepting thread's loop: waits for the next association request (a second at a time, to see
    /// `stop`) and hands it to a serving thread, or refuses it when `maximumAssociations` are served.
    /// Ends when stopped, or after a connection when enough other threads wait for the next one.
    private func accept(_ listener: OpaquePointer, threads: AcceptingThreads, events: Events, stop: StopSignal, serving: ServingCount,
                        finished: DispatchGroup) {
        while !stop.isStopped {
            var incoming: OpaquePointer?
            var error = cdcm_error()
            let connection = AcceptingThreads.Connection(threads)
            let status = withExtendedLifetime(connection) {
                cdcm_listener_wait(listener, 1, { AcceptingThreads.Connection.reached($0) }, Unmanaged.passUnretained(connection).toOpaque(),
                                   &incoming, &error)
            }
            if stop.isStopped {
                cdcm_listener_interrupt(listener)  // the other threads' requests under way end now
                if let incoming { cdcm_listener_refuse(incoming) }
                threads.ended(reached: connection.wasReached)
                return
            }
            if status != CDCM_OK {
                events.connectionFailed(DICOMError.message(of: error))
            } else if let incoming {
                serve(listener, incoming, events: events, serving: serving, finished: finished)
            }
            if connection.wasReached && threads.endsAfterConnection() { return }
        }
        cdcm_listener_interrupt(listener)
        threads.ended(reached: false)
    }

    /// Serves an association request on a thread of its own, or refuses it when `maximumAssociations`
    /// are served.
    private func serve(_ listener: OpaquePointer, _ incoming: OpaquePointer, events: Events, serving: ServingCount, finished: DispatchGroup) {
        let admitted = serving.count.withLock { count -> Bool in
            guard count < maximumAssociations else { return false }
            count += 1
            return true
        }
        guard admitted else {
            events.busy(String(cString: cdcm_incoming_calling_ae(incoming)).trimmingCharacters(in: .whitespaces))
            cdcm_listener_refuse(incoming)
            return
        }
        finished.enter()
        let request = IncomingRequest(listener: listener, incoming: incoming)
        let thread = Thread {
            // The end of the association is told once its thread has let go of it, so that a sender
            // that starts another on hearing of it finds a free place.
            let endedBy = Mutex<String?>(nil)
            var events = events
            let told = events.association
            events.association = { callingAETitle, started in
                if started { told(callingAETitle, true) } else { endedBy.withLock { $0 = callingAETitle } }
            }
            let box = EventBox(events)
            var error = cdcm_error()
            var callbacks = box.callbacks
            _ = cdcm_listener_serve(request.listener, request.incoming, &callbacks, &error)  // how it ended is told through `association`
            serving.count.withLock { $0 -= 1 }
            if let callingAETitle = endedBy.withLock({ $0 }) { told(callingAETitle, false) }
            finished.leave()
        }
        thread.stackSize = LargeStackWorkers.stackBytes
        thread.start()
    }

    private func openListener() throws -> OpaquePointer {
        DCMTKRuntime.initialize()
        var listener: OpaquePointer?
        var error = cdcm_error()
        let status = withCStrings(sopClassUIDs) { classes in
            withCStrings(transferSyntaxUIDs) { syntaxes in
                withTLS(tls) { tls in
                    cdcm_listener_open(port, aeTitle, classes, sopClassUIDs.count, syntaxes, transferSyntaxUIDs.count, acceptsOtherClasses ? 1 : 0,
                                       tls, &listener, &error)
                }
            }
        }
        guard status == CDCM_OK, let listener else { throw DICOMError.network(DICOMError.message(of: error)) }
        return listener
    }
}

/// Associations being served, counted by the accepting and serving threads.
private final class ServingCount: Sendable {
    let count = Mutex(0)
}

/// The listener shared by the accepting threads (the shim's handle; waiting on it from several threads
/// is allowed, and `run` closes it only after they have all returned).
private struct ListenerHandle: @unchecked Sendable {
    let listener: OpaquePointer
}

/// An association request handed from an accepting thread to the thread that serves it (the shim's
/// handles, used by that thread only; the listener outlives it: `run` waits for every serving thread).
private struct IncomingRequest: @unchecked Sendable {
    let listener: OpaquePointer
    let incoming: OpaquePointer
}

/// A receiver's events behind the shim's C callbacks (whose context is the box, kept alive by the caller
/// for as long as the shim may call).
final class EventBox: @unchecked Sendable {
    let events: DICOMReceiver.Events
    init(_ events: DICOMReceiver.Events) { self.events = events }

    var callbacks: cdcm_receiver_callbacks {
        cdcm_receiver_callbacks(
            context: Unmanaged.passUnretained(self).toOpaque(),
            file_for: { context, sopClass, sopInstance, path, size in
                let box = Unmanaged<EventBox>.fromOpaque(context!).takeUnretainedValue()
                guard let chosen = box.events.fileFor(String(cString: sopClass!), String(cString: sopInstance!)),
                      chosen.utf8.count < size else { return 1 }
                chosen.withCString { _ = strcpy(path!, $0) }
                return 0
            },
            received: { context, path, complete, reason in
                let box = Unmanaged<EventBox>.fromOpaque(context!).takeUnretainedValue()
                let outcome: Result<Void, DICOMError> = complete != 0 ? .success(()) : .failure(.network(String(cString: reason!)))
                return box.events.received(String(cString: path!), outcome)
            },
            association: { context, callingAE, started in
                let box = Unmanaged<EventBox>.fromOpaque(context!).takeUnretainedValue()
                box.events.association(String(cString: callingAE!).trimmingCharacters(in: .whitespaces), started != 0)
            },
            accepts_calling_ae: { context, callingAE in
                let box = Unmanaged<EventBox>.fromOpaque(context!).takeUnretainedValue()
                return box.events.acceptsCallingAETitle(String(cString: callingAE!).trimmingCharacters(in: .whitespaces)) ? 1 : 0
            })
    }
}

/// Calls `body` with a C array of the strings, valid for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
