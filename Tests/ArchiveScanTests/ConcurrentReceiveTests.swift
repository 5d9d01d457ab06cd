import DICOMBridge
import Foundation
import Glibc
import Synchronization
import Testing
@testable import ArchiveScan

/// Several senders at once: while one association is held open (by hand-built PDUs, PS3.8 §9.3), DCMTK's
/// storescu sends the sample exam on a second one; beyond the maximum it is told to try again later.
@Suite(.enabled(if: DCMTKTools.path("storescu") != nil, "dcmtk's storescu is not installed: run Scripts/setup"))
struct ConcurrentReceiveTests {
    /// Open associations as the receiver's events tell them, and the most seen at once.
    final class OpenAssociations: Sendable {
        private let state = Mutex((open: 0, most: 0, busy: [String]()))

        func note(_ event: IncomingFolder.Event) {
            state.withLock { state in
                switch event {
                case .associationStarted: state.open += 1
                case .associationEnded: state.open -= 1
                case .busy(let callingAETitle): state.busy.append(callingAETitle)
                default: return
                }
                state.most = max(state.most, state.open)
            }
        }

        var open: Int { state.withLock { $0.open } }
        var most: Int { state.withLock { $0.most } }
        var busy: [String] { state.withLock { $0.busy } }
    }

    static var sampleFiles: [String] {
        ReceiveTests.files(under: SampleExamTests.folder).filter { $0.hasSuffix(".dcm") }.map { SampleExamTests.folder + "/" + $0 }
    }

    @Test func aSecondSenderIsServedWhileTheFirstAssociationIsOpen() throws {
        let storescu = try #require(ReceiveTests.tool("storescu"))
        let seen = OpenAssociations()
        let folder = try ReceiveTests.receiving(maximumAssociations: 2, events: seen.note) { port, _ in
            let held = try HeldAssociation(port: port, callingAETitle: "SCANNER1")
            #expect(held.answer == HeldAssociation.associateAccept)
            #expect(ScanWhenIdleTests.eventually { seen.open == 1 })
            let store = StoreFixture.run(storescu, ["-aet", "SCANNER2", "-aec", "CTDOSE", "127.0.0.1", "\(port)"] + Self.sampleFiles)
            #expect(store.status == 0, "\(store.stderr)")
            #expect(seen.most == 2)  // storescu's association ran while the first was open
            #expect(held.release() == HeldAssociation.releaseResponse)
        }
        #expect(folder.counts == IncomingFolder.Counts(associations: 2, stored: 23, failed: 0))
        #expect(ReceiveTests.files(under: folder.root).count == 23)
        #expect(seen.open == 0 && seen.busy.isEmpty)
    }

    /// Four storescu processes send the same 23 objects at once: every transfer is stored, each object
    /// ends up once in the folder (the same UID on the same day replaces its file), and the folder scans
    /// like the files sent.
    @Test func fourSendersAtOnceLoseNothing() throws {
        let storescu = try #require(ReceiveTests.tool("storescu"))
        let folder = try ReceiveTests.receiving(maximumAssociations: 8) { port, _ in
            let statuses = Mutex([Int32]())
            DispatchQueue.concurrentPerform(iterations: 4) { sender in
                let store = StoreFixture.run(storescu, ["-aet", "SCANNER\(sender)", "-aec", "CTDOSE", "127.0.0.1", "\(port)"] + Self.sampleFiles)
                statuses.withLock { $0.append(store.status) }
            }
            #expect(statuses.withLock { $0 } == [0, 0, 0, 0])
        }
        #expect(folder.counts == IncomingFolder.Counts(associations: 4, stored: 92, failed: 0))
        #expect(ReceiveTests.files(under: folder.root).count == 23)
        let scanned = ArchiveScanner(jobs: 2).scan([folder.root])
        #expect(scanned.exams.count == 1 && scanned.problems.isEmpty)
        #expect(scanned.exams.first?.dlpTotalMilligrayCentimeters == 159.6)
        #expect(scanned.ctImages == SampleExamTests.result.ctImages)
    }

    @Test func beyondTheMaximumASenderIsToldToTryAgainLater() throws {
        let storescu = try #require(ReceiveTests.tool("storescu"))
        let report = SampleExamTests.folder + "/dose-report/SR0001.dcm"
        let seen = OpenAssociations()
        let folder = try ReceiveTests.receiving(maximumAssociations: 1, events: seen.note) { port, _ in
            let held = try HeldAssociation(port: port, callingAETitle: "SCANNER1")
            #expect(held.answer == HeldAssociation.associateAccept)
            let refused = StoreFixture.run(storescu, ["-aet", "SCANNER2", "-aec", "CTDOSE", "127.0.0.1", "\(port)", report])
            // PS3.8 §9.3.4: rejected-transient, service provider (presentation), local limit exceeded.
            #expect(refused.status != 0 && refused.stderr.contains("Local Limit Exceeded") && refused.stderr.contains("Transient"),
                    "\(refused.stderr)")
            #expect(seen.busy == ["SCANNER2"])
            #expect(held.release() == HeldAssociation.releaseResponse)
            #expect(ScanWhenIdleTests.eventually { seen.open == 0 })
            let later = StoreFixture.run(storescu, ["-aet", "SCANNER2", "-aec", "CTDOSE", "127.0.0.1", "\(port)", report])
            #expect(later.status == 0, "\(later.stderr)")
        }
        #expect(folder.counts == IncomingFolder.Counts(associations: 2, stored: 1, failed: 0))
        #expect(seen.most == 1)
    }

    @Test func stoppingWaitsForTheAssociationsUnderWay() throws {
        let root = try StoreFixture.temporaryFolder("receive-stop")
        let folder = try IncomingFolder(root)
        let port = try ReceiveTests.freePort()
        let stop = IncomingFolder.Stop(), listening = DispatchSemaphore(value: 0), returned = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? folder.receive(port: port, aeTitle: "CTDOSE", maximumAssociations: 4, stop: stop) { if case .listening = $0 { listening.signal() } }
            returned.signal()
        }
        listening.wait()
        let held = try HeldAssociation(port: port, callingAETitle: "SCANNER1")
        #expect(held.answer == HeldAssociation.associateAccept)
        stop.stop()
        #expect(returned.wait(timeout: .now() + 2.5) == .timedOut)  // the association is still open
        #expect(held.release() == HeldAssociation.releaseResponse)  // and still served
        #expect(returned.wait(timeout: .now() + 10) == .success)
        #expect(folder.counts.associations == 1)
    }
}

/// A Verification association opened with hand-built PDUs (PS3.8 §9.3) and held open until released:
/// independent of DCMTK's SCU code.
final class HeldAssociation {
    static let associateAccept: UInt8 = 0x02  // PS3.8 Table 9-16 (A-ASSOCIATE-AC)
    static let releaseResponse: UInt8 = 0x06  // PS3.8 Table 9-25
    private let socket: Int32
    /// The PDU type the receiver answered the A-ASSOCIATE-RQ with (0: none).
    private(set) var answer: UInt8 = 0

    init(port: UInt16, callingAETitle: String, calledAETitle: String = "CTDOSE") throws {
        guard let socket = ReceiveTests.connectedSocket(port: port) else { throw DICOMError.network("cannot connect to port \(port)") }
        self.socket = socket
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        send(Self.associateRequest(calling: callingAETitle, called: calledAETitle))
        answer = readPDUType()
    }

    deinit { close(socket) }

    /// Sends A-RELEASE-RQ (PS3.8 Table 9-24), reads the answer and closes the connection (the requestor
    /// closes it, and the acceptor waits for that); returns the PDU type answered.
    func release() -> UInt8 {
        send([0x05, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00])
        defer { shutdown(socket, Int32(SHUT_RDWR)) }
        return readPDUType()
    }

    /// PS3.8 Table 9-11: the PDU header, then the application context (9-12), one presentation context
    /// for Verification in Implicit VR Little Endian (9-13, 9-14, 9-15) and user information with the
    /// maximum length (D.1) and an implementation class UID (D.3.3.2).
    static func associateRequest(calling: String, called: String) -> [UInt8] {
        func item(_ type: UInt8, _ body: [UInt8]) -> [UInt8] { [type, 0, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body }
        func title(_ text: String) -> [UInt8] { Array(text.padding(toLength: 16, withPad: " ", startingAt: 0).utf8) }
        let presentation = [UInt8(1), 0, 0, 0] + item(0x30, Array("1.2.840.10008.1.1".utf8)) + item(0x40, Array("1.2.840.10008.1.2".utf8))
        let userInformation = item(0x51, [0x00, 0x00, 0x40, 0x00]) + item(0x52, Array("2.25.1".utf8))
        let body = [0x00, 0x01, 0x00, 0x00] + title(called) + title(calling) + [UInt8](repeating: 0, count: 32)
            + item(0x10, Array("1.2.840.10008.3.1.1.1".utf8)) + item(0x20, presentation) + item(0x50, userInformation)
        let length = UInt32(body.count)
        return [0x01, 0x00, UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)] + body
    }

    private func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads one whole PDU and returns its type (0 when the connection closed or timed out).
    private func readPDUType() -> UInt8 {
        guard let header = read(6) else { return 0 }
        let length = header[2...5].reduce(0) { $0 << 8 | Int($1) }
        guard read(length) != nil else { return 0 }
        return header[0]
    }

    private func read(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count), filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + filled, count - filled, 0) }
            guard got > 0 else { return nil }
            filled += got
        }
        return bytes
    }
}
