import CDCMTK
import Foundation

/// A DICOM Storage SCP (DCMTK's DcmSCP): listens on a TCP port, answers C-ECHO, and receives C-STORE
/// of the given SOP classes straight into files that `events` names, one association at a time.
public struct DICOMReceiver: Sendable {
    public var port: UInt16
    public var aeTitle: String
    public var sopClassUIDs: [String]
    public var transferSyntaxUIDs: [String]
    /// nil: plain TCP.
    public var tls: TLSSettings?

    /// What the receiver asks and tells, on its listening thread.
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

        public init(fileFor: @escaping @Sendable (String, String) -> String?,
                    received: @escaping @Sendable (String, Result<Void, DICOMError>) -> UInt16,
                    association: @escaping @Sendable (String, Bool) -> Void = { _, _ in },
                    listening: @escaping @Sendable () -> Void = {},
                    acceptsCallingAETitle: @escaping @Sendable (String) -> Bool = { _ in true }) {
            self.fileFor = fileFor
            self.received = received
            self.association = association
            self.listening = listening
            self.acceptsCallingAETitle = acceptsCallingAETitle
        }
    }

    /// Set from any thread: the receiver returns within about a second (after the current association).
    public final class StopSignal: @unchecked Sendable {
        let flag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)

        public init() { flag.initialize(to: 0) }
        deinit { flag.deallocate() }

        public func stop() { flag.pointee = 1 }
    }

    public init(port: UInt16, aeTitle: String, sopClassUIDs: [String], transferSyntaxUIDs: [String] = TransferSyntaxUID.readable,
                tls: TLSSettings? = nil) {
        self.port = port
        self.aeTitle = aeTitle
        self.sopClassUIDs = sopClassUIDs
        self.transferSyntaxUIDs = transferSyntaxUIDs
        self.tls = tls
    }

    /// Listens until `stop` is signalled; throws when it cannot listen (port taken, not allowed). Runs on a
    /// thread of its own with `LargeStackWorkers.stackBytes` of stack (a refused object is parsed in memory
    /// to be discarded, and DCMTK parses nested sequences recursively).
    public func run(events: Events, stop: StopSignal) throws {
        DCMTKRuntime.initialize()
        let box = EventBox(events)
        let finished = DispatchSemaphore(value: 0)
        let outcome = ReceiveOutcome()
        let thread = Thread { [self] in
            outcome.error = listen(box: box, stop: stop)
            finished.signal()
        }
        thread.stackSize = LargeStackWorkers.stackBytes
        thread.start()
        finished.wait()
        if let error = outcome.error { throw error }
    }

    private func listen(box: EventBox, stop: StopSignal) -> DICOMError? {
        var error = cdcm_error()
        var callbacks = box.callbacks
        let status = withCStrings(sopClassUIDs) { classes in
            withCStrings(transferSyntaxUIDs) { syntaxes in
                withTLS(tls) { tls in
                    cdcm_receive(port, aeTitle, classes, sopClassUIDs.count, syntaxes, transferSyntaxUIDs.count, &callbacks, tls, stop.flag, &error)
                }
            }
        }
        guard status != CDCM_OK else { return nil }
        return .network(DICOMError.message(of: error))
    }
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
            listening: { context in
                Unmanaged<EventBox>.fromOpaque(context!).takeUnretainedValue().events.listening()
            },
            accepts_calling_ae: { context, callingAE in
                let box = Unmanaged<EventBox>.fromOpaque(context!).takeUnretainedValue()
                return box.events.acceptsCallingAETitle(String(cString: callingAE!).trimmingCharacters(in: .whitespaces)) ? 1 : 0
            })
    }
}

private final class ReceiveOutcome: @unchecked Sendable {
    var error: DICOMError?
}

/// Calls `body` with a C array of the strings, valid for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
