import Foundation
import ScratchFolders
import Testing

/// Builds archives of distinct studies from the bundled sample exam and runs the ctdose executable
/// on them, for the store tests (incremental, resumable, sharded).
enum StoreFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sampleExam = repository.appendingPathComponent("TestData/sample-exam").path
    /// The same key for every run, so that stores built separately hold the same pseudonyms.
    static let key = "ctdose-store-tests-key-0123456789"

    /// The ctdose executable built beside the test bundle.
    static var executable: String {
        let products = Bundle.main.bundleURL.deletingLastPathComponent()
        for candidate in [products.appendingPathComponent("ctdose"), Bundle.main.bundleURL.appendingPathComponent("ctdose"),
                          repository.appendingPathComponent(".build/debug/ctdose")] where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate.path
        }
        return repository.appendingPathComponent(".build/debug/ctdose").path
    }

    static func temporaryFolder(_ label: String) throws -> String {
        try ScratchFolder.folder(label)
    }

    /// Relative paths of the sample exam's DICOM files (localizer, 20 axial slices, dose report).
    static let sampleFiles: [String] = {
        let folders = ["localizer", "axial", "dose-report"]
        return folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: sampleExam + "/" + folder)) ?? []).sorted().map { folder + "/" + $0 }
        }
    }()

    /// Writes copy `index` of the sample exam into `folder/study<index>/`, with its own Study, Series
    /// and SOP Instance UIDs and Patient ID (dcmodify), only the files `include` accepts.
    static func writeStudyCopy(_ index: Int, into folder: String, include: (String) -> Bool = { _ in true }) throws {
        for relative in sampleFiles where include(relative) {
            let target = "\(folder)/study\(index)/\(relative)"
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: target) { continue }
            try FileManager.default.copyItem(atPath: sampleExam + "/" + relative, toPath: target)
            let status = run("/usr/bin/dcmodify", [
                "-nb", "-m", "(0020,000d)=2.25.\(9_000_000 + index)", "-m", "(0010,0020)=STORE-COPY-\(index)",
                "-m", "(0020,000e)=2.25.\(9_100_000 + index * 10 + seriesOrdinal(relative))",
                "-m", "(0008,0018)=2.25.\(9_200_000 + index * 1000 + (sampleFiles.firstIndex(of: relative) ?? 0))", target,
            ]).status
            #expect(status == 0, "dcmodify failed on \(target)")
        }
    }

    /// An archive of `studies` study copies and the output folder of one uninterrupted SQLite scan of it
    /// with `arguments`; nil when that scan failed.
    static func cleanScan(_ label: String, studies: Int, arguments: [String]) -> (archive: String, out: String)? {
        guard let root = try? temporaryFolder(label) else { return nil }
        for index in 0..<studies { try? writeStudyCopy(index, into: root + "/archive") }
        let result = ctdose(["scan", root + "/archive", "--db", root + "/clean.sqlite", "--out", root + "/clean"] + arguments)
        return result.status == 0 ? (root + "/archive", root + "/clean") : nil
    }

    private static func seriesOrdinal(_ relative: String) -> Int {
        relative.hasPrefix("localizer") ? 1 : relative.hasPrefix("axial") ? 2 : 3
    }

    /// Runs a program; returns its exit status (negative: killed by that signal) and standard error.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:]) -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1000, "cannot start \(program): \(error)") }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
        return (status, text)
    }

    /// Runs a program; returns its standard output.
    static func runCapturingOutput(_ program: String, _ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return "" }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    /// Runs `ctdose ARGUMENTS` with the tests' pseudonym key.
    @discardableResult
    static func ctdose(_ arguments: [String], environment: [String: String] = [:]) -> (status: Int32, stderr: String) {
        run(executable, arguments, environment: ["CTDOSE_PSEUDONYM_KEY": key].merging(environment) { $1 })
    }

    /// Files of two output folders that differ (or exist in only one), by relative path.
    static func differences(_ a: String, _ b: String) -> [String] {
        func files(_ root: String) -> [String: Data] {
            var out: [String: Data] = [:]
            for relative in (try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? [] {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue {
                    out[relative] = FileManager.default.contents(atPath: root + "/" + relative)
                }
            }
            return out
        }
        let left = files(a), right = files(b)
        return Set(left.keys).union(right.keys).sorted().filter { left[$0] == nil || left[$0] != right[$0] }
    }
}
