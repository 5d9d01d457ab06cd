import DICOMBridge
import Foundation
import Glibc
import Synchronization
import Testing
@testable import ArchiveScan

/// A PACS to retrieve from: DCMTK's dcmqrscp (Debian's dcmtk package) with its own database in a
/// temporary folder, knowing the move destination CTDOSE at 127.0.0.1:`receivePort`. It forks a process
/// per association (its --single-process mode crashes on a second association in 3.6.7-9~deb12u4).
/// Killed with SIGKILL when the test ends: it ignores SIGTERM.
final class TestPACS: @unchecked Sendable {  // its fields are set once, in init
    let port: UInt16
    let receivePort: UInt16
    let root: String
    private let process = Process()

    /// `moveDestination`: the AE title the PACS knows at 127.0.0.1:`receivePort`.
    init(moveDestination: String = "CTDOSE") throws {
        root = try StoreFixture.temporaryFolder("pacs")
        port = try ReceiveTests.freePort()
        receivePort = try ReceiveTests.freePort()
        try FileManager.default.createDirectory(atPath: root + "/db", withIntermediateDirectories: true)
        let configuration = """
            NetworkTCPPort = \(port)
            MaxPDUSize = 16384
            MaxAssociations = 16
            HostTable BEGIN
            ctdose = (\(moveDestination), 127.0.0.1, \(receivePort))
            HostTable END
            VendorTable BEGIN
            VendorTable END
            AETable BEGIN
            PACS \(root)/db RW (200, 1024mb) ANY
            AETable END

            """
        try configuration.write(toFile: root + "/dcmqrscp.cfg", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: try #require(DCMTKTools.path("dcmqrscp")))
        process.arguments = ["-c", root + "/dcmqrscp.cfg"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let echoscu = try #require(DCMTKTools.path("echoscu"))
        for _ in 0..<50 {
            if StoreFixture.run(echoscu, ["-aec", "PACS", "127.0.0.1", "\(port)"]).status == 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw DICOMError.network("dcmqrscp did not start on port \(port)")
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)  // dcmqrscp ignores SIGTERM
        process.waitUntilExit()
    }

    /// Kills the processes dcmqrscp forked for the associations it serves now: their peers see them break.
    func dropAssociations() {
        StoreFixture.run(try! #require(["/usr/bin/pkill", "/bin/pkill"].first { FileManager.default.isExecutableFile(atPath: $0) }),
                         ["-KILL", "-P", "\(process.processIdentifier)"])
    }

    /// Stores the files into the PACS with storescu.
    func store(_ files: [String]) throws {
        let sent = StoreFixture.run(try #require(DCMTKTools.path("storescu")), ["-aec", "PACS", "127.0.0.1", "\(port)"] + files)
        #expect(sent.status == 0, "\(sent.stderr)")
    }

    func peer(callingAETitle: String = "CTDOSE") -> DICOMPeer {
        DICOMPeer(host: "127.0.0.1", port: port, calledAETitle: "PACS", callingAETitle: callingAETitle, timeoutSeconds: 30)
    }

    /// The sample exam's 23 files (study date 2025-03-15).
    static var sampleFiles: [String] { StoreFixture.sampleFiles.map { SampleExamTests.folder + "/" + $0 } }

    /// A copy of the sample exam as another study: new study, series and SOP instance UIDs (dcmodify),
    /// study date 2024-01-10.
    static func otherStudy() throws -> [String] {
        let root = try StoreFixture.temporaryFolder("other-study")
        let dcmodify = try #require(DCMTKTools.path("dcmodify"))
        var files: [String] = []
        for (number, folder) in ["localizer", "axial", "dose-report"].enumerated() {
            let copies = StoreFixture.sampleFiles.filter { $0.hasPrefix(folder + "/") }.map { root + "/" + $0.replacingOccurrences(of: "/", with: "-") }
            for (source, copy) in zip(StoreFixture.sampleFiles.filter { $0.hasPrefix(folder + "/") }, copies) {
                try FileManager.default.copyItem(atPath: SampleExamTests.folder + "/" + source, toPath: copy)
            }
            let modified = StoreFixture.run(dcmodify, ["-nb", "-gin", "-m", "StudyInstanceUID=2.25.1000", "-m", "StudyDate=20240110",
                                                       "-m", "SeriesInstanceUID=2.25.100\(number)"] + copies)
            #expect(modified.status == 0, "\(modified.stderr)")
            files += copies
        }
        return files
    }

    /// The sample exam's dose report alone as a study of its own (no CT series), dated 2025-03-20.
    static func reportOnlyStudy() throws -> [String] {
        let copy = try StoreFixture.temporaryFolder("report-only") + "/SR.dcm"
        try FileManager.default.copyItem(atPath: SampleExamTests.folder + "/dose-report/SR0001.dcm", toPath: copy)
        let modified = StoreFixture.run(try #require(DCMTKTools.path("dcmodify")), [
            "-nb", "-gin", "-m", "StudyInstanceUID=2.25.2000", "-m", "StudyDate=20250320", "-m", "SeriesInstanceUID=2.25.2001", copy,
        ])
        #expect(modified.status == 0, "\(modified.stderr)")
        return [copy]
    }
}

@Suite(.enabled(if: DCMTKTools.path("dcmqrscp") != nil && DCMTKTools.path("dcmodify") != nil,
                "dcmtk's dcmqrscp / dcmodify are not installed: run Scripts/setup"))
struct RetrieveTests {
    static func folder() throws -> IncomingFolder { try IncomingFolder(try StoreFixture.temporaryFolder("retrieve") + "/into") }

    static func retrieval(_ pacs: TestPACS, since: String?, until: String? = nil, content: PACSRetrieval.Content = .all,
                          method: PACSRetrieval.Method = .move, callingAETitle: String = "CTDOSE") throws -> PACSRetrieval {
        PACSRetrieval(peer: pacs.peer(callingAETitle: callingAETitle), studyDates: try StudyDateRange(first: since, last: until),
                      content: content, method: method, receivePort: pacs.receivePort)
    }

    /// The folder holds the sample exam's 23 objects as the PACS stored them: in their transfer syntax,
    /// with the same Hounsfield units.
    static func expectTheSampleExamAsStored(in folder: IncomingFolder) throws {
        let received = ReceiveTests.files(under: folder.root)
        #expect(received.count == 23)
        var sent: [String: String] = [:]  // SOP Instance UID → file
        for path in TestPACS.sampleFiles {
            if let uid = try DICOMFile.read(path, headersOnly: true, { $0.string(.sopInstanceUID) }) { sent[uid] = path }
        }
        for name in received {
            let source = try #require(sent[String((name as NSString).lastPathComponent.dropLast(4))], "\(name) was not sent")
            let syntaxes = try (DICOMFile.read(folder.root + "/" + name, headersOnly: true) { $0.transferSyntaxUID },
                                DICOMFile.read(source, headersOnly: true) { $0.transferSyntaxUID })
            #expect(syntaxes.0 == syntaxes.1, "\(name)")
            guard !source.contains("/dose-report/") else { continue }
            let images = try (DICOMFile.read(folder.root + "/" + name) { try $0.hounsfieldImage(frame: 0) },
                              DICOMFile.read(source) { try $0.hounsfieldImage(frame: 0) })
            #expect(images.0 == images.1, "\(name): other pixels")
        }
    }

    @Test func aPeriodsCTStudyArrivesWholeAndScansLikeItsFiles() throws {
        let pacs = try TestPACS()
        try pacs.store(TestPACS.sampleFiles + TestPACS.otherStudy() + TestPACS.reportOnlyStudy())
        let folder = try Self.folder()
        let summary = try Self.retrieval(pacs, since: "2025-03-01", until: "2025-03-31").run(into: folder)
        // dcmqrscp ignores Modalities in Study: the report-only study is found, and left for its series.
        #expect(summary.plan.studiesFound == 2 && summary.plan.studiesWanted == 1)
        #expect(summary.plan.series.map(\.modality).sorted() == ["CT", "CT", "SR"])  // localizer, axial, dose report
        #expect(summary.seriesFetched == 3 && summary.seriesIncomplete == 0 && summary.problems.isEmpty)
        #expect(summary.objectsReceived == 23 && summary.objectsFailed == 0)
        let received = ReceiveTests.files(under: folder.root)
        #expect(received.count == 23)
        let scanned = ArchiveScanner(jobs: 2).scan([folder.root]), fromFiles = SampleExamTests.result
        #expect(scanned.exams.count == 1 && scanned.problems.isEmpty, "\(scanned.problems)")  // the list of series is not a problem
        #expect(scanned.exams.first?.studyInstanceUID == fromFiles.exams.first?.studyInstanceUID)
        #expect(scanned.exams.first?.dlpTotalMilligrayCentimeters == 159.6)
        #expect(scanned.ctImages == fromFiles.ctImages && scanned.doseReports == 1)
        // Each series recorded with the number of objects it had: 2 localizer views, 20 slices, 1 report.
        let ledger = try String(contentsOfFile: folder.root + "/" + RetrievedSeries.fileName, encoding: .utf8)
        #expect(ledger.split(separator: "\n").map { Int($0.split(separator: ",")[1])! }.sorted() == [1, 2, 20])
    }

    @Test func aSecondRunFetchesOnlyWhatIsNew() throws {
        let pacs = try TestPACS()
        try pacs.store(TestPACS.sampleFiles + TestPACS.otherStudy())
        let folder = try Self.folder()
        _ = try Self.retrieval(pacs, since: "2025-01-01").run(into: folder)
        let again = try Self.retrieval(pacs, since: "2025-01-01").run(into: folder)
        #expect(again.plan.series.isEmpty && again.plan.seriesAlreadyFetched == 3 && again.objectsReceived == 0)
        // Widened to 2024: only the other study's three series move.
        let wider = try Self.retrieval(pacs, since: "2024-01-01").run(into: folder)
        #expect(wider.plan.studiesFound == 2 && wider.plan.seriesAlreadyFetched == 3)
        #expect(wider.plan.series.allSatisfy { $0.studyInstanceUID == "2.25.1000" } && wider.seriesFetched == 3)
        #expect(ReceiveTests.files(under: folder.root).count == 46)
        #expect(ArchiveScanner(jobs: 2).scan([folder.root]).exams.count == 2)
    }

    /// The axial series also holds an object of a class ctdose does not read (a copy of a slice declared
    /// Multi-frame Grayscale Word Secondary Capture, PS3.4 B.5): C-MOVE brings the series whole, and so
    /// does C-GET, which proposes that class too; it is recorded and not asked for again; the scan sets
    /// that object aside.
    @Test(arguments: [PACSRetrieval.Method.move, .get])
    func aSeriesHoldingAnObjectOfAnotherClassArrivesWhole(method: PACSRetrieval.Method) throws {
        let pacs = try TestPACS()
        let capture = try StoreFixture.temporaryFolder("other-class") + "/capture.dcm"
        let slice = try #require(StoreFixture.sampleFiles.first { $0.hasPrefix("axial/") })
        try FileManager.default.copyItem(atPath: SampleExamTests.folder + "/" + slice, toPath: capture)
        let modified = StoreFixture.run(try #require(DCMTKTools.path("dcmodify")), [
            "-nb", "-m", "SOPClassUID=1.2.840.10008.5.1.4.1.1.7.3", "-m", "SOPInstanceUID=2.25.3000", capture,
        ])
        #expect(modified.status == 0, "\(modified.stderr)")
        try pacs.store(TestPACS.sampleFiles + [capture])
        let folder = try Self.folder()
        let summary = try Self.retrieval(pacs, since: "2025-03-01", method: method).run(into: folder)
        #expect(summary.seriesFetched == 3 && summary.seriesIncomplete == 0 && summary.problems.isEmpty, "\(summary.problems)")
        #expect(summary.objectsReceived == 24 && summary.objectsFailed == 0)
        let received = ReceiveTests.files(under: folder.root)
        #expect(received.count == 24 && received.contains { $0.hasSuffix("/2.25.3000.dcm") })
        let again = try Self.retrieval(pacs, since: "2025-03-01", method: method).run(into: folder)
        #expect(again.plan.series.isEmpty && again.plan.seriesAlreadyFetched == 3)
        let scanned = ArchiveScanner(jobs: 2).scan([folder.root])
        #expect(scanned.exams.count == 1 && scanned.exams.first?.dlpTotalMilligrayCentimeters == 159.6)
        #expect(scanned.problems.map(\.severity) == [.setAside] && scanned.problems.first?.path.hasSuffix("/2.25.3000.dcm") == true,
                "\(scanned.problems)")
    }

    /// As with a PACS that does not return Number of Series Related Instances: the series fetched
    /// before are counted at IMAGE level, so a slice stored on the PACS later brings its series again.
    @Test func withoutSeriesCountsASeriesThatGrewIsFetchedAgain() throws {
        let pacs = try TestPACS()
        let lastSlice = try #require(TestPACS.sampleFiles.last { $0.contains("/axial/") })
        try pacs.store(TestPACS.sampleFiles.filter { $0 != lastSlice })
        let folder = try Self.folder()
        var retrieval = try Self.retrieval(pacs, since: "2025-03-01")
        retrieval.asksSeriesInstanceCount = false
        let first = try retrieval.run(into: folder)
        #expect(first.seriesFetched == 3 && first.plan.imageCountQueries == 0 && ReceiveTests.files(under: folder.root).count == 22)
        let unchanged = try retrieval.run(into: folder)
        #expect(unchanged.plan.series.isEmpty && unchanged.plan.seriesAlreadyFetched == 3 && unchanged.plan.imageCountQueries == 3)
        try pacs.store([lastSlice])
        let grown = try retrieval.run(into: folder)
        #expect(grown.plan.series.map(\.modality) == ["CT"] && grown.plan.series.first?.instancesOnPACS == 20 && grown.seriesFetched == 1)
        #expect(ReceiveTests.files(under: folder.root).count == 23)
        #expect(try retrieval.run(into: folder).plan.series.isEmpty)
    }

    @Test func aQueryWithManyMatchesIsAskedAgainInHalves() throws {
        let pacs = try TestPACS()
        try pacs.store(TestPACS.sampleFiles + TestPACS.otherStudy() + TestPACS.reportOnlyStudy())
        let whole = try Self.retrieval(pacs, since: "2024-01-01", until: "2025-12-31").run(into: try Self.folder(), dryRun: true)
        #expect(whole.plan.studyQueries == 1 && whole.plan.studiesFound == 3)
        // As if the PACS capped at 2 matches: 2024-01-10, 2025-03-15 and 2025-03-20 end in ranges of their own.
        var capped = try Self.retrieval(pacs, since: "2024-01-01", until: "2025-12-31")
        capped.splitAt = 2
        let split = try capped.run(into: try Self.folder(), dryRun: true)
        #expect(split.plan.studyQueries > 1 && split.plan.crowdedDays == 0)
        #expect(split.plan.studiesFound == 3 && split.plan.studiesWanted == 2 && split.plan.series.map(\.seriesInstanceUID).sorted() == whole.plan.series.map(\.seriesInstanceUID).sorted())
    }

    @Test func cGetNeedsNoMoveDestinationAndBringsTheSameObjects() throws {
        let pacs = try TestPACS()
        try pacs.store(TestPACS.sampleFiles)
        let folder = try Self.folder()
        // An AE title the PACS does not know: C-MOVE would be refused (0xA801), C-GET needs none.
        let retrieval = try Self.retrieval(pacs, since: "2025-03-01", method: .get, callingAETitle: "STRANGER")
        let summary = try retrieval.run(into: folder)
        #expect(summary.seriesFetched == 3 && summary.seriesIncomplete == 0 && summary.objectsReceived == 23 && summary.objectsFailed == 0)
        #expect(folder.counts.associations == 0)  // nothing came in on a listening port
        try Self.expectTheSampleExamAsStored(in: folder)
        #expect(ArchiveScanner(jobs: 2).scan([folder.root]).exams.first?.dlpTotalMilligrayCentimeters == 159.6)
        let again = try retrieval.run(into: folder)
        #expect(again.plan.series.isEmpty && again.plan.seriesAlreadyFetched == 3)
    }

    @Test(arguments: [PACSRetrieval.Method.move, .get])
    func aBrokenAssociationIsOpenedAgainAndTheSeriesAskedOnceMore(method: PACSRetrieval.Method) throws {
        let pacs = try TestPACS()
        try pacs.store(TestPACS.sampleFiles)
        let folder = try Self.folder()
        let retrieval = try Self.retrieval(pacs, since: "2025-03-01", method: method)
        let reasons = Mutex<[String]>([])
        let summary = try retrieval.run(into: folder) { event in
            switch event {
            case .series(index: 1, _, _, _): pacs.dropAssociations()  // the PACS ends the association after the first series
            case .reconnecting(let reason): reasons.withLock { $0.append(reason) }
            default: break
            }
        }
        #expect(summary.reconnections == 1 && reasons.withLock { $0.count } == 1, "\(reasons.withLock { $0 })")
        #expect(reasons.withLock { $0 }.allSatisfy { $0.contains("PACS at 127.0.0.1:\(pacs.port)") && !$0.contains("2.25.") })
        #expect(summary.seriesFetched == 3 && summary.seriesIncomplete == 0)
        #expect(ReceiveTests.files(under: folder.root).count == 23)
    }

    @Test func doseReportsOnlyMovesTheSRSeries() throws {
        let pacs = try TestPACS()
        try pacs.store(TestPACS.sampleFiles)
        let folder = try Self.folder()
        let summary = try Self.retrieval(pacs, since: "2025-03-15", until: "2025-03-15", content: .doseReports).run(into: folder)
        #expect(summary.plan.series.map(\.modality) == ["SR"] && summary.objectsReceived == 1)
        let received = ReceiveTests.files(under: folder.root)
        let sopClass = try DICOMFile.read(folder.root + "/" + #require(received.first), headersOnly: true) { $0.string(.sopClassUID) }
        #expect(sopClass == "1.2.840.10008.5.1.4.1.1.88.67")  // X-Ray Radiation Dose SR (PS3.6 Annex A)
    }

    @Test func aDryRunQueriesAndMovesNothing() throws {
        let pacs = try TestPACS()
        try pacs.store(TestPACS.sampleFiles)
        let folder = try Self.folder()
        let summary = try Self.retrieval(pacs, since: "2025-03-01").run(into: folder, dryRun: true)
        #expect(summary.plan.series.count == 3 && summary.objectsReceived == 0)
        #expect(ReceiveTests.files(under: folder.root).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.root + "/" + RetrievedSeries.fileName))
    }

    @Test func anUnknownMoveDestinationSaysWhatToConfigure() throws {
        let pacs = try TestPACS()
        try pacs.store(TestPACS.sampleFiles)
        let folder = try Self.folder()
        #expect {
            try Self.retrieval(pacs, since: "2025-03-01", callingAETitle: "STRANGER").run(into: folder)
        } throws: { error in
            "\(error)".contains("does not know the move destination STRANGER (status 0xA801)") && "\(error)".contains("port \(pacs.receivePort)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.root + "/" + RetrievedSeries.fileName))
    }

    @Test func anUnreachablePACSIsNamed() throws {
        let port = try ReceiveTests.freePort()
        let peer = DICOMPeer(host: "127.0.0.1", port: port, calledAETitle: "NOBODY", callingAETitle: "CTDOSE", timeoutSeconds: 5)
        #expect { try QueryRetrieveAssociation(peer: peer) } throws: { "\($0)".contains("NOBODY at 127.0.0.1:\(port)") }
    }

    @Test func theCommandLogsCountsAndNoIdentifier() throws {
        let pacs = try TestPACS()
        try pacs.store(TestPACS.sampleFiles)
        let root = try StoreFixture.temporaryFolder("retrieve-command")
        let arguments = ["retrieve", "--from", "127.0.0.1:\(pacs.port)", "--called-ae", "PACS", "--into", root, "--port", "\(pacs.receivePort)",
                         "--since", "2025-03-01", "--until", "2025-03-31"]
        let run = StoreFixture.ctdose(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("1 studies with study dates 20250301-20250331 (1 queries), 1 with CT; 3 series to fetch, 0 fetched before"), "\(run.stderr)")
        let study = try #require(SampleExamTests.result.exams.first?.studyInstanceUID)
        for secret in [study, "SAMPLE-0001", "PHANTOM", "2.25."] { #expect(!run.stderr.contains(secret), "\(secret) in the log") }
        #expect(ReceiveTests.files(under: root).count == 23)
        let refused = StoreFixture.ctdose(["retrieve", "--from", "127.0.0.1", "--called-ae", "PACS", "--into", root, "--days", "1"])
        #expect(refused.status == 64 && refused.stderr.contains("--from must be HOST:PORT"), "\(refused.stderr)")
    }
}

/// The list of fetched series and the study-date range: no network.
struct RetrievalBookkeepingTests {
    @Test func aLineCutShortIsFetchedAgainAndMoreObjectsOnThePACSToo() throws {
        let root = try StoreFixture.temporaryFolder("ledger")
        try "2.25.1,20\n2.25.2,3\n2.25.3".write(toFile: root + "/" + RetrievedSeries.fileName, atomically: true, encoding: .utf8)
        let ledger = try RetrievedSeries(folder: root)
        #expect(!ledger.needs(seriesInstanceUID: "2.25.1", instancesOnPACS: nil))
        #expect(!ledger.needs(seriesInstanceUID: "2.25.1", instancesOnPACS: 20))
        #expect(ledger.needs(seriesInstanceUID: "2.25.1", instancesOnPACS: 21))  // the series grew
        #expect(ledger.needs(seriesInstanceUID: "2.25.3", instancesOnPACS: nil))  // the killed run's cut line
        #expect(ledger.needs(seriesInstanceUID: "2.25.9", instancesOnPACS: nil))
        try ledger.record(seriesInstanceUID: "2.25.3", count: 7)
        try ledger.record(seriesInstanceUID: "../x,1\n2.25.9", count: 1)  // not a UID: not recorded
        let reread = try RetrievedSeries(folder: root)
        #expect(!reread.needs(seriesInstanceUID: "2.25.3", instancesOnPACS: 7) && reread.needs(seriesInstanceUID: "2.25.9", instancesOnPACS: nil))
    }

    @Test func studyDatesAsDICOMRanges() throws {
        #expect(try StudyDateRange(first: "2026-11-01", last: "2026-11-30").dicomRange == "20261101-20261130")
        #expect(try StudyDateRange(first: "2026-11-01", last: nil).dicomRange == "20261101-")
        #expect(try StudyDateRange(first: nil, last: "2026-11-30").dicomRange == "-20261130")
        #expect(try StudyDateRange(first: "2024-02-29", last: "2024-02-29").dicomRange == "20240229")
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let today = try #require(utc.date(from: DateComponents(year: 2026, month: 3, day: 1, hour: 10)))
        #expect(try StudyDateRange(lastDays: 1, today: today, calendar: utc).dicomRange == "20260301")
        #expect(try StudyDateRange(lastDays: 2, today: today, calendar: utc).dicomRange == "20260228-20260301")
        for bad in ["2025-02-29", "2025-2-03", "20250203", "2025-13-01", ""] {
            #expect(throws: StudyDateRangeError.self, "\(bad)") { try StudyDateRange(first: bad, last: nil) }
        }
        #expect(throws: StudyDateRangeError.self) { try StudyDateRange(first: "2026-02-01", last: "2026-01-31") }
        // Halves for a PACS that caps its matches: across a leap day, open-ended up to today, none for a day.
        let leap = try #require(try StudyDateRange(first: "2024-02-27", last: "2024-03-01").halves())
        #expect(leap.0.dicomRange == "20240227-20240228" && leap.1.dicomRange == "20240229-20240301")
        let open = try #require(try StudyDateRange(first: "2026-02-27", last: nil).halves(today: today, calendar: utc))
        #expect(open.0.dicomRange == "20260227-20260228" && open.1.dicomRange == "20260301")
        #expect(try StudyDateRange(first: "2026-03-01", last: "2026-03-01").halves() == nil)
        #expect(try StudyDateRange(first: nil, last: "2026-03-01").halves() == nil)
        #expect(throws: StudyDateRangeError.self) { try StudyDateRange(lastDays: 0) }
    }
}
