import DICOMBridge
import Glibc
import Synchronization
import DoseModel
import Foundation
import Testing
@testable import ArchiveScan

/// `ctdose receive` against DCMTK's own SCU tools (storescu, echoscu: Debian's dcmtk package, installed
/// by Scripts/setup): the sample exam sent over the network is stored whole, and a scan of what was
/// received gives the same exam as a scan of the files sent.
@Suite(.enabled(if: DCMTKTools.path("storescu") != nil, "dcmtk's storescu is not installed: run Scripts/setup"))
struct ReceiveTests {
    static func tool(_ name: String) -> String? { DCMTKTools.path(name) }

    /// A TCP port nobody listens on now (bound to 0 and released).
    static func freePort() throws -> UInt16 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw DICOMError.network("no free port") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// A TCP socket connected to 127.0.0.1:`port`, or nil (nothing listens there).
    static func connectedSocket(port: UInt16) -> Int32? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            close(socket)
            return nil
        }
        return socket
    }

    /// Receives into a new folder on a thread of its own; `body` sends; then stops it. `events` sees
    /// what the receiver tells (from its threads).
    static func receiving(accepting accepted: Set<String>? = nil, maximumAssociations: Int = 1, everyClass: Bool = false,
                          events: @escaping @Sendable (IncomingFolder.Event) -> Void = { _ in },
                          _ body: (_ port: UInt16, _ folder: IncomingFolder) throws -> Void) throws -> IncomingFolder {
        let root = try StoreFixture.temporaryFolder("receive")
        let folder = try IncomingFolder(root + "/incoming")
        let port = try freePort()
        let stop = IncomingFolder.Stop()
        let done = DispatchSemaphore(value: 0), listening = DispatchSemaphore(value: 0)
        let failure = Mutex<Error?>(nil)
        Thread.detachNewThread {
            do {
                try folder.receive(port: port, aeTitle: "CTDOSE", acceptedCallingAETitles: accepted, maximumAssociations: maximumAssociations,
                                   everyClass: everyClass, stop: stop) { event in
                    if case .listening = event { listening.signal() }
                    events(event)
                }
            } catch {
                failure.withLock { $0 = error }
            }
            listening.signal()
            done.signal()
        }
        listening.wait()
        try body(port, folder)
        stop.stop()
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
        return folder
    }

    static func files(under root: String) -> [String] {
        (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".dcm") || $0.hasSuffix(".part") }.sorted()
    }

    @Test func theSampleExamSentOverTheNetworkScansLikeItsFiles() throws {
        let storescu = try #require(Self.tool("storescu"))
        let sample = SampleExamTests.folder
        let sent = Self.files(under: sample).filter { $0.hasSuffix(".dcm") }
        #expect(sent.count == 23)  // 20 axial slices, 2 localizer views, a dose report
        let folder = try Self.receiving { port, _ in
            let echo = StoreFixture.run(try #require(Self.tool("echoscu")), ["-aec", "CTDOSE", "127.0.0.1", "\(port)"])
            #expect(echo.status == 0, "\(echo.stderr)")
            let store = StoreFixture.run(storescu, ["-aet", "SCANNER1", "-aec", "CTDOSE", "127.0.0.1", "\(port)"] + sent.map { sample + "/" + $0 })
            #expect(store.status == 0, "\(store.stderr)")
        }
        #expect(folder.counts == IncomingFolder.Counts(associations: 2, stored: 23, failed: 0))
        let received = Self.files(under: folder.root)
        #expect(received.count == 23)
        #expect(received.allSatisfy { $0.range(of: #"^\d{4}-\d{2}-\d{2}/[0-9.]+\.dcm$"#, options: .regularExpression) != nil }, "\(received)")
        // Each file is named by its SOP Instance UID and holds the object sent.
        for name in received.prefix(3) {
            let uid = try DICOMFile.read(folder.root + "/" + name, headersOnly: true) { $0.string(.sopInstanceUID) }
            #expect(uid.map { name.hasSuffix("/" + $0 + ".dcm") } == true, "\(name)")
        }
        let fromNetwork = ArchiveScanner(jobs: 2).scan([folder.root]), fromFiles = SampleExamTests.result
        let exam = try #require(fromNetwork.exams.first)
        #expect(fromNetwork.exams.count == 1 && fromNetwork.problems.isEmpty)
        #expect(exam.studyInstanceUID == fromFiles.exams.first?.studyInstanceUID)
        #expect(exam.dlpTotalMilligrayCentimeters == 159.6)
        #expect(fromNetwork.ctImages == fromFiles.ctImages && fromNetwork.doseReports == 1)
        let mid = fromNetwork.seriesMeasurements[exam.studyInstanceUID]?.first?.midScan
        #expect(mid?.waterEquivalent == fromFiles.seriesMeasurements[exam.studyInstanceUID]?.first?.midScan?.waterEquivalent)
    }

    @Test func anObjectOfAnotherClassIsNotAccepted() throws {
        let storescu = try #require(Self.tool("storescu")), dcmodify = try #require(Self.tool("dcmodify"))
        let root = try StoreFixture.temporaryFolder("receive-mr")
        let slice = root + "/mr.dcm"
        let axial = SampleExamTests.folder + "/axial"
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: axial).sorted().first)
        try FileManager.default.copyItem(atPath: axial + "/" + first, toPath: slice)
        // MR Image Storage (PS3.6 Annex A): no presentation context for it.
        #expect(StoreFixture.run(dcmodify, ["-nb", "-m", "(0008,0016)=1.2.840.10008.5.1.4.1.1.4", slice]).status == 0)  // the meta header follows
        let folder = try Self.receiving { port, _ in
            let store = StoreFixture.run(storescu, ["-aec", "CTDOSE", "127.0.0.1", "\(port)", slice])
            #expect(store.stderr.contains("No presentation context") || store.status != 0, "\(store.stderr)")
        }
        #expect(folder.counts.stored == 0)
        #expect(Self.files(under: folder.root).isEmpty)
        // Accepting every class (`--every-class`), it is kept as sent, and a scan sets it aside.
        let keeping = try Self.receiving(everyClass: true) { port, _ in
            let store = StoreFixture.run(storescu, ["-aec", "CTDOSE", "127.0.0.1", "\(port)", slice])
            #expect(store.status == 0, "\(store.stderr)")
        }
        #expect(keeping.counts.stored == 1)
        let kept = try #require(Self.files(under: keeping.root).first)
        #expect(try Data(contentsOf: URL(fileURLWithPath: keeping.root + "/" + kept)).suffix(4096) == Data(contentsOf: URL(fileURLWithPath: slice)).suffix(4096))
        #expect(ArchiveScanner(jobs: 1).scan([keeping.root]).problems.map(\.severity) == [.setAside])
    }

    /// Bytes that are not DICOM, an association request that claims 4 GB, and a connection closed at
    /// once: each connection ends, the receiver goes on (C-ECHO and C-STORE after them succeed).
    @Test func onlyTheAcceptedCallingAETitlesAreLetIn() throws {
        let storescu = try #require(Self.tool("storescu"))
        let report = SampleExamTests.folder + "/dose-report/SR0001.dcm"
        let folder = try Self.receiving(accepting: ["SCANNER1", "PACS"]) { port, _ in
            let stranger = StoreFixture.run(storescu, ["-aet", "STRANGER", "-aec", "CTDOSE", "127.0.0.1", "\(port)", report])
            #expect(stranger.status != 0 && stranger.stderr.contains("Calling AE Title Not Recognized"), "\(stranger.stderr)")
            let scanner = StoreFixture.run(storescu, ["-aet", "SCANNER1", "-aec", "CTDOSE", "127.0.0.1", "\(port)", report])
            #expect(scanner.status == 0, "\(scanner.stderr)")
        }
        #expect(folder.counts == IncomingFolder.Counts(associations: 1, stored: 1, failed: 0))
        #expect(Self.files(under: folder.root).count == 1)
    }

    @Test func garbageOnThePortDoesNotStopIt() throws {
        let storescu = try #require(Self.tool("storescu")), echoscu = try #require(Self.tool("echoscu"))
        var generator = SystemRandomNumberGenerator()
        let payloads: [[UInt8]] = [
            // An HTTP request to the DICOM port: its first byte, "G", is no PDU type. (Random first bytes
            // would fail 6 times in 256: DCMTK drops a connection that opens with a PDU of types 2 to 7,
            // such as an A-ABORT, without a reason, as it drops one closed at once.)
            Array("GET / HTTP/1.1\r\n".utf8) + (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) },
            [0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF] + Array(repeating: 0x41, count: 64),  // A-ASSOCIATE-RQ PDU, length 4 GB
            [],
        ]
        let failures = Mutex<[String]>([])
        let folder = try Self.receiving(events: { event in
            if case .connectionFailed(let reason) = event { failures.withLock { $0.append(reason) } }
        }) { port, _ in
            for payload in payloads {
                let socket = try #require(Self.connectedSocket(port: port))
                _ = payload.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(socket)
            }
            #expect(StoreFixture.run(echoscu, ["-aec", "CTDOSE", "127.0.0.1", "\(port)"]).status == 0)
            let report = SampleExamTests.folder + "/dose-report/SR0001.dcm"
            #expect(StoreFixture.run(storescu, ["-aec", "CTDOSE", "127.0.0.1", "\(port)", report]).status == 0)
        }
        #expect(folder.counts.stored == 1 && Self.files(under: folder.root).count == 1)
        // The two that sent bytes are reported with DCMTK's reason; one closed at once (a load balancer's
        // health check) is not.
        let reported = failures.withLock { $0 }
        #expect(reported.count == 2 && reported.allSatisfy { $0.contains("was not an association request") }, "\(reported)")
        #expect(reported.contains { $0.contains("Unrecognized PDU type: 47") } && reported.contains { $0.contains("PDU too large") }, "\(reported)")
    }

    @Test func aTakenPortIsAnErrorNamingIt() throws {
        let port = try Self.freePort()
        let first = try IncomingFolder(try StoreFixture.temporaryFolder("receive-a")), second = try IncomingFolder(try StoreFixture.temporaryFolder("receive-b"))
        let stop = IncomingFolder.Stop()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? first.receive(port: port, aeTitle: "CTDOSE", stop: stop)
            done.signal()
        }
        Thread.sleep(forTimeInterval: 0.5)
        #expect {
            try second.receive(port: port, aeTitle: "CTDOSE", stop: IncomingFolder.Stop())
        } throws: { error in
            "\(error)".contains("cannot receive on port \(port)")
        }
        stop.stop()
        done.wait()
    }

    @Test func partialFilesAreNotScannedAndHostileUIDsAreNotPaths() throws {
        let root = try StoreFixture.temporaryFolder("receive-names")
        let folder = try IncomingFolder(root)
        let day = Date(timeIntervalSince1970: 1_764_460_800)  // 2025-11-30T00:00:00Z
        #expect(folder.finalPath(sopInstanceUID: "1.2.840.1", receivedAt: day) == root + "/2025-11-30/1.2.840.1.dcm")
        for hostile in ["../../etc/passwd", "1.2/../3", "", String(repeating: "1", count: 65), ".1.2"] {
            let path = folder.finalPath(sopInstanceUID: hostile, receivedAt: day)
            #expect(path.hasPrefix(root + "/2025-11-30/object-") && !path.dropFirst(root.count).contains(".."), "\(hostile) → \(path)")
        }
        // A transfer that broke: its partial file is removed and counted; a whole one is moved into place.
        let broken = folder.receivingPath(sopInstanceUID: "1.2.3")
        try Data("partial".utf8).write(to: URL(fileURLWithPath: broken))
        #expect(try folder.received(broken, outcome: .failure(.network("peer aborted"))) == nil)
        #expect(!FileManager.default.fileExists(atPath: broken))
        let whole = folder.receivingPath(sopInstanceUID: "1.2.4")
        try FileManager.default.copyItem(atPath: SampleExamTests.folder + "/dose-report/" + (try FileManager.default.contentsOfDirectory(atPath: SampleExamTests.folder + "/dose-report").first!), toPath: whole)
        let placed = try #require(try folder.received(whole, outcome: .success(()), at: day))
        #expect(placed == root + "/2025-11-30/1.2.4.dcm" && FileManager.default.fileExists(atPath: placed))
        #expect(folder.counts == IncomingFolder.Counts(associations: 0, stored: 1, failed: 1))
        // A file left in the receiving folder is not walked.
        let left = folder.receivingPath(sopInstanceUID: "1.2.5")
        try FileManager.default.copyItem(atPath: placed, toPath: left)
        var walked: [String] = []
        _ = ArchiveWalker().walk([root]) { walked.append($0) }
        #expect(walked == [placed])
    }

    /// The command: listens, logs the calling AE title and counts (never a UID or a patient), and on
    /// SIGTERM stops, says what it received and exits 0.
    @Test func theCommandStopsOnSIGTERMAndLogsNoIdentifier() throws {
        let storescu = try #require(Self.tool("storescu"))
        let root = try StoreFixture.temporaryFolder("receive-command")
        let port = try Self.freePort()
        let command = try BackgroundCommand([StoreFixture.executable, "receive", "--into", root + "/in", "--port", "\(port)", "--ae-title", "AUDIT",
                                             "--accept-from", "SCANNER1", "--accept-from", "SCANNER2"], in: root)
        #expect(command.answersEcho(port: port, calledAETitle: "AUDIT", callingAETitle: "SCANNER1"))
        // Two senders at once: the second waits for the first association to end.
        let sent = Self.files(under: SampleExamTests.folder).map { SampleExamTests.folder + "/" + $0 }
        let statuses = Mutex<[Int32]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { sender in
            let store = StoreFixture.run(storescu, ["-aet", "SCANNER\(sender + 1)", "-aec", "AUDIT", "127.0.0.1", "\(port)"] + sent)
            statuses.withLock { $0.append(store.status) }
        }
        #expect(statuses.withLock { $0 } == [0, 0])
        #expect(StoreFixture.run(storescu, ["-aet", "STRANGER", "-aec", "AUDIT", "127.0.0.1", "\(port)"] + sent).status != 0)
        let (status, log) = command.terminate()
        #expect(status == 0, "\(log)")
        #expect(log.contains("association from AE SCANNER1") && log.contains("association from AE SCANNER2"))
        #expect(log.contains("association from AE STRANGER refused: not among --accept-from"), "\(log)")
        #expect(log.contains("stopped: 46 objects received in "), "\(log)")
        let study = try #require(SampleExamTests.result.exams.first?.studyInstanceUID)
        for secret in [study, "SAMPLE-0001", "PHANTOM"] { #expect(!log.contains(secret), "\(secret) in the log") }
        #expect(Self.files(under: root + "/in").count == 23)  // the same objects twice: one file each
    }

    @Test func withScanAfterTheCommandScansWhatArrivedOnceSendersAreQuiet() throws {
        let storescu = try #require(Self.tool("storescu"))
        let root = try StoreFixture.temporaryFolder("receive-scan")
        let port = try Self.freePort()
        let command = try BackgroundCommand([StoreFixture.executable, "receive", "--into", root + "/in", "--port", "\(port)", "--scan-after", "1", "--",
                                             "--out", root + "/out", "--db", root + "/ctdose.sqlite", "--jobs", "2"], in: root)
        #expect(command.answersEcho(port: port, calledAETitle: "CTDOSE"))
        let sent = Self.files(under: SampleExamTests.folder).map { SampleExamTests.folder + "/" + $0 }
        #expect(StoreFixture.run(storescu, ["-aec", "CTDOSE", "127.0.0.1", "\(port)"] + sent).status == 0)
        // The scan starts a second after the association ends, and its end is logged.
        #expect(ScanWhenIdleTests.eventually(300) { command.log.contains("scan of \(root)/in finished") })
        let (status, log) = command.terminate()
        #expect(status == 0, "\(log)")
        let exams = root + "/out/exams.jsonl"
        #expect(log.contains("scanning \(root)/in: 23 objects received since the last scan"), "\(log)")
        #expect(log.contains("scan of \(root)/in finished, exit status 0"), "\(log)")
        let lines = try String(contentsOfFile: exams, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.contains("\"dlpTotal\":159.6") == true, "\(lines)")
        let study = try #require(SampleExamTests.result.exams.first?.studyInstanceUID)
        for secret in [study, "SAMPLE-0001", "PHANTOM"] { #expect(!log.contains(secret), "\(secret) in the log") }
        #expect(StoreFixture.ctdose(["receive", "--into", root + "/x", "--", "--out", "y"]).stderr.contains("give --scan-after too"))
    }

    /// storescu's option that proposes a transfer syntax in a presentation context of its own (besides
    /// the uncompressed ones), so that a file is sent as it is encoded.
    static let proposeOption: [String: String] = [
        TransferSyntaxUID.explicitVRLittleEndian: "-xe", TransferSyntaxUID.implicitVRLittleEndian: "-xi",
        TransferSyntaxUID.explicitVRBigEndian: "-xb", TransferSyntaxUID.deflatedExplicitVRLittleEndian: "-xd",
        TransferSyntaxUID.jpegLosslessFirstOrder: "-xs", TransferSyntaxUID.jpeg2000Lossless: "-xv", TransferSyntaxUID.jpeg2000: "-xw",
        TransferSyntaxUID.jpegLSLossless: "-xt", TransferSyntaxUID.jpegLSNearLossless: "-xu", TransferSyntaxUID.rleLossless: "-xr",
    ]

    /// Every CT image of the corpus's transfer-syntax collection that ctdose decodes and storescu can
    /// propose as encoded arrives in the same transfer syntax and decodes to the same Hounsfield units as
    /// the file sent.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: CorpusPaths.transferSyntaxes), "../shared/corpus not present"))
    func corpusTransferSyntaxesArriveAsSent() throws {
        let storescu = try #require(Self.tool("storescu"))
        var byTransferSyntax: [String: [String]] = [:]
        for name in Self.files(under: CorpusPaths.transferSyntaxes) {
            let path = CorpusPaths.transferSyntaxes + "/" + name
            guard let (sopClass, syntax) = try? DICOMFile.read(path, headersOnly: true, { ($0.string(.sopClassUID) ?? "", $0.transferSyntaxUID) }),
                  sopClass == SOPClass.ctImage, Self.proposeOption[syntax] != nil,
                  (try? DICOMFile.read(path, { try $0.hounsfieldImage(frame: 0) })) != nil else { continue }  // ctdose decodes it
            byTransferSyntax[syntax, default: []].append(path)
        }
        #expect(byTransferSyntax.count >= 8, "\(byTransferSyntax.keys.sorted())")
        var sent: [String: String] = [:]  // SOP Instance UID → file sent
        let folder = try Self.receiving { port, _ in
            for (syntax, paths) in byTransferSyntax.sorted(by: { $0.key < $1.key }) {
                let store = StoreFixture.run(storescu, [Self.proposeOption[syntax]!, "-aec", "CTDOSE", "127.0.0.1", "\(port)"] + paths)
                #expect(store.status == 0, "\(syntax): \(store.stderr)")
                for path in paths {
                    if let uid = try? DICOMFile.read(path, headersOnly: true, { $0.string(.sopInstanceUID) }) { sent[uid] = path }
                }
            }
        }
        let received = Self.files(under: folder.root)
        #expect(received.count == sent.count)
        for name in received {
            let path = folder.root + "/" + name
            let uid = String((name as NSString).lastPathComponent.dropLast(4))
            let source = try #require(sent[uid], "\(name) was not sent")
            let (arrived, original) = try (
                DICOMFile.read(path) { ($0.transferSyntaxUID, try $0.hounsfieldImage(frame: 0)) },
                DICOMFile.read(source) { ($0.transferSyntaxUID, try $0.hounsfieldImage(frame: 0)) })
            #expect(arrived.0 == original.0, "\(source)")
            #expect(arrived.1 == original.1, "\(source): other pixels")
        }
    }
}

/// The shared corpus beside the repository.
enum CorpusPaths {
    static let transferSyntaxes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus/transfer-syntaxes").path
}

/// DCMTK's command-line tools (Debian's dcmtk package).
enum DCMTKTools {
    static func path(_ name: String) -> String? {
        ["/usr/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A command line running in the background (with the tests' pseudonym key unless `environment` says
/// otherwise), its standard error in a file that can be read while it runs.
final class BackgroundCommand {
    let process = Process()
    let logFile: String

    init(_ commandLine: [String], in folder: String, environment: [String: String] = ["CTDOSE_PSEUDONYM_KEY": StoreFixture.key]) throws {
        logFile = folder + "/command-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        process.executableURL = URL(fileURLWithPath: commandLine[0])
        process.arguments = Array(commandLine.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// Whether it answers echoscu's C-ECHO within ten seconds.
    func answersEcho(port: UInt16, calledAETitle: String, callingAETitle: String = "ECHOSCU") -> Bool {
        guard let echoscu = DCMTKTools.path("echoscu") else { return false }
        return ScanWhenIdleTests.eventually(10) {
            StoreFixture.run(echoscu, ["-aet", callingAETitle, "-aec", calledAETitle, "127.0.0.1", "\(port)"]).status == 0
        }
    }

    /// SIGTERM, then its exit status (negative: killed by a signal) and log.
    func terminate() -> (status: Int32, log: String) {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return (process.terminationReason == .exit ? process.terminationStatus : -process.terminationStatus, log)
    }
}

/// `ScanWhenIdle` with a stand-in command: when it runs, and that it never runs twice at once.
struct ScanWhenIdleTests {
    /// An object put in place as a receiver would.
    static func arrive(_ folder: IncomingFolder, _ uid: String) throws {
        let path = folder.receivingPath(sopInstanceUID: uid)
        try Data("object".utf8).write(to: URL(fileURLWithPath: path))
        try folder.received(path, outcome: .success(()))
    }

    /// Waits up to `seconds` for `condition`.
    static func eventually(_ seconds: Double = 30, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while !condition() && Date() < end { Thread.sleep(forTimeInterval: 0.05) }
        return condition()
    }

    @Test func runsWhenQuietOnlyForNewObjectsAndOneAtATime() throws {
        let root = try StoreFixture.temporaryFolder("scan-when-idle")
        let folder = try IncomingFolder(root + "/in")
        let reports = Mutex<[ScanWhenIdle.Report]>([])
        let runs = root + "/runs"
        let scans = ScanWhenIdle(folder: folder, idleSeconds: 0.5, executable: "/bin/sh",
                                 arguments: ["-c", "echo run >> \(runs); sleep 1.5"]) { report in reports.withLock { $0.append(report) } }
        scans.note(.associationStarted(callingAETitle: "A"))
        try Self.arrive(folder, "1.2.1")
        try Self.arrive(folder, "1.2.2")
        Thread.sleep(forTimeInterval: 1)
        #expect(reports.withLock { $0 }.isEmpty)  // an association is still open
        scans.note(.associationEnded(callingAETitle: "A"))
        #expect(Self.eventually(120) { !reports.withLock { $0 }.isEmpty })  // quiet for 0.5 s: the first run starts, and lasts 1.5 s
        scans.note(.associationStarted(callingAETitle: "B"))
        try Self.arrive(folder, "1.2.3")
        scans.note(.associationEnded(callingAETitle: "B"))
        #expect(Self.eventually(120) { reports.withLock { $0 }.count == 4 })  // generous: the suite starts many processes at once
        #expect(reports.withLock { $0 } == [.started(objectsSinceLastRun: 2), .finished(exitStatus: 0),
                                            .started(objectsSinceLastRun: 1), .finished(exitStatus: 0)])
        Thread.sleep(forTimeInterval: 1)
        scans.stop()
        #expect(reports.withLock { $0 }.count == 4)  // nothing new: no third run
        #expect(try String(contentsOfFile: runs, encoding: .utf8) == "run\nrun\n")
    }
}
