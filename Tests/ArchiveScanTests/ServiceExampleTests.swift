import Foundation
import Glibc
import Testing
@testable import ArchiveScan

/// The systemd units of Scripts/service: their commands, with the paths replaced by temporary ones,
/// do what the units promise.
struct ServiceExampleTests {
    static let folder = StoreFixture.repository.appendingPathComponent("Scripts/service").path

    /// The unit's ExecStart command lines (a leading "-" dropped), the installed paths replaced.
    static func commands(_ unit: String, root: String, replacing more: [(String, String)] = []) throws -> [[String]] {
        let text = try String(contentsOfFile: folder + "/" + unit, encoding: .utf8)
        return text.split(separator: "\n").filter { $0.hasPrefix("ExecStart=") }.map { line in
            var command = String(line.dropFirst("ExecStart=".count))
            if command.hasPrefix("-") { command.removeFirst() }
            for (old, new) in [("/usr/local/bin/ctdose", StoreFixture.executable), ("/var/lib/ctdose", root)] + more {
                command = command.replacingOccurrences(of: old, with: new)
            }
            return command.split(separator: " ").map(String.init)
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "systemd-analyze is not installed"))
    func theUnitFilesVerify() throws {
        let root = try StoreFixture.temporaryFolder("units")
        for unit in ["ctdose-receive.service", "ctdose-retrieve.service", "ctdose-retrieve.timer"] {
            let text = try String(contentsOfFile: Self.folder + "/" + unit, encoding: .utf8)
            try text.replacingOccurrences(of: "/usr/local/bin/ctdose", with: StoreFixture.executable).write(toFile: root + "/" + unit, atomically: true, encoding: .utf8)
        }
        let verified = StoreFixture.run("/usr/bin/systemd-analyze", ["verify", "--man=no"] + ["ctdose-receive.service", "ctdose-retrieve.service", "ctdose-retrieve.timer"].map { root + "/" + $0 })
        #expect(verified.status == 0 && verified.stderr.isEmpty, "\(verified.stderr)")
    }

    @Test(.enabled(if: DCMTKTools.path("storescu") != nil, "dcmtk's storescu is not installed: run Scripts/setup"))
    func theReceiveUnitReceivesAndScans() throws {
        let root = try StoreFixture.temporaryFolder("receive-unit")
        let port = try ReceiveTests.freePort()
        let command = try #require(try Self.commands("ctdose-receive.service", root: root, replacing: [("11112", "\(port)"), ("--scan-after 60", "--scan-after 1")]).first)
        #expect(command.contains("--scan-after") && command[command.firstIndex(of: "--scan-after")! + 1] == "1")
        let service = try BackgroundCommand(command, in: root, environment: [:])  // the unit's own --pseudonym-key
        let storescu = try #require(DCMTKTools.path("storescu"))
        #expect(service.answersEcho(port: port, calledAETitle: "CTDOSE"))
        #expect(StoreFixture.run(storescu, ["-aec", "CTDOSE", "127.0.0.1", "\(port)"] + TestPACS.sampleFiles).status == 0)
        #expect(ScanWhenIdleTests.eventually(300) { service.log.contains("finished, exit status 0") })
        let (status, log) = service.terminate()
        #expect(status == 0, "\(log)")
        #expect(try String(contentsOfFile: root + "/results/exams.jsonl", encoding: .utf8).split(separator: "\n").count == 1)
        #expect(FileManager.default.fileExists(atPath: root + "/pseudonym.key") && FileManager.default.fileExists(atPath: root + "/ctdose.sqlite"))
    }

    @Test(.enabled(if: DCMTKTools.path("dcmqrscp") != nil, "dcmtk's dcmqrscp is not installed: run Scripts/setup"))
    func theRetrieveUnitFetchesAndScans() throws {
        let pacs = try TestPACS(moveDestination: "CTDOSE_QR")
        try pacs.store(TestPACS.sampleFiles)
        let root = try StoreFixture.temporaryFolder("retrieve-unit")
        let commands = try Self.commands("ctdose-retrieve.service", root: root, replacing: [
            ("pacs.example.org:104", "127.0.0.1:\(pacs.port)"), ("11113", "\(pacs.receivePort)"), ("--days 2", "--since 2025-03-01"),
        ])
        #expect(commands.count == 2 && commands.map { $0[1] } == ["retrieve", "scan"])
        for command in commands {
            let run = StoreFixture.run(command[0], Array(command.dropFirst()))
            #expect(run.status == 0, "\(command[1]): \(run.stderr)")
        }
        #expect(ReceiveTests.files(under: root + "/retrieved").count == 23)
        let exams = try String(contentsOfFile: root + "/retrieved-results/exams.jsonl", encoding: .utf8)
        #expect(exams.split(separator: "\n").count == 1 && exams.contains("\"dlpTotal\":159.6"))
    }
}
