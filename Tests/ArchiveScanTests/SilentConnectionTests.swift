import DICOMBridge
import Foundation
import Glibc
import Synchronization
import Testing
@testable import ArchiveScan

/// Connections to `ctdose receive` that open and then say nothing (a stalled sender, a probe that holds
/// its connection): they hold up neither a sender nor a stop.
@Suite(.enabled(if: DCMTKTools.path("storescu") != nil, "dcmtk's storescu is not installed: run Scripts/setup"))
struct SilentConnectionTests {
    /// Connections that open and then send nothing (a stalled sender, a probe that holds its connection)
    /// hold up one accepting thread each, not the association of a sender behind them: storescu, told to
    /// give up after 10 s without an answer to its request, stores its file while twelve such
    /// connections are open (until 2026-11-30 eight fixed accepting threads would each have waited the
    /// 30 s ACSE timeout on one of them; one thread before that, on the first).
    @Test func stalledConnectionsDoNotHoldUpTheNextSender() throws {
        let storescu = try #require(ReceiveTests.tool("storescu"))
        let report = SampleExamTests.folder + "/dose-report/SR0001.dcm"
        let folder = try ReceiveTests.receiving { port, _ in
            let silent = (0..<12).compactMap { _ in ReceiveTests.connectedSocket(port: port) }
            defer { silent.forEach { close($0) } }
            #expect(silent.count == 12)
            let store = StoreFixture.run(storescu, ["-ta", "10", "-aec", "CTDOSE", "127.0.0.1", "\(port)", report])
            #expect(store.status == 0, "\(store.stderr)")
        }
        #expect(folder.counts.stored == 1 && ReceiveTests.files(under: folder.root).count == 1)
    }

    /// Stopping cuts off the connections whose request is still awaited (here silent ones, which would
    /// each be waited for up to the 30 s ACSE timeout) instead of waiting for them, and the accepting
    /// threads started for them end: the receiver returns within 10 s of the stop.
    @Test func stoppingDoesNotWaitForSilentConnections() throws {
        let port = try ReceiveTests.freePort()
        let receiver = try RunningReceiver(IncomingFolder(try StoreFixture.temporaryFolder("receive-stop") + "/in"), port: port)
        let silent = (0..<5).compactMap { _ in ReceiveTests.connectedSocket(port: port) }
        defer { silent.forEach { close($0) } }
        #expect(silent.count == 5)
        Thread.sleep(forTimeInterval: 1)  // every one of them accepted, its request being awaited
        receiver.stop.stop()
        #expect(receiver.done.wait(timeout: .now() + 10) == .success, "the receiver was still waiting 10 s after the stop")
        #expect(receiver.failure == nil)
        // Each silent connection was closed by the receiver: reading from it gives end of file or a reset.
        for socket in silent {
            var byte: UInt8 = 0
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            #expect(recv(socket, &byte, 1, 0) <= 0)
        }
    }
}

/// A receiver listening on its own thread (`receive` of an incoming folder), until `stop`.
final class RunningReceiver: Sendable {
    let stop = IncomingFolder.Stop()
    /// Signalled once `receive` has returned.
    let done = DispatchSemaphore(value: 0)
    private let failed = Mutex<Error?>(nil)

    /// Returns once the port is open (or the receiver has failed).
    init(_ folder: IncomingFolder, port: UInt16, tls: TLSSettings? = nil) {
        let listening = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            do {
                try folder.receive(port: port, aeTitle: "CTDOSE", tls: tls, stop: stop) { if case .listening = $0 { listening.signal() } }
            } catch {
                failed.withLock { $0 = error }
            }
            listening.signal()
            done.signal()
        }
        listening.wait()
    }

    /// Why `receive` failed, if it has.
    var failure: Error? { failed.withLock { $0 } }
}
