import Foundation
import ScratchFolders

/// Runs headless Chromium on a local file: DOM dump, screenshot, and its log (stderr). With
/// --enable-logging=stderr --v=1 the log has console messages (":CONSOLE", "Uncaught …") and one
/// "NotifyBeforeURLRequest: URL" line per network request. Every host name resolves to nothing
/// (--host-resolver-rules), so no request leaves the machine.
struct HeadlessChromium {
    let executable: String

    /// The first Chromium found on PATH, or nil.
    static let installed: HeadlessChromium? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return HeadlessChromium(executable: candidate) }
            }
        }
        return nil
    }()

    struct Run {
        var stdout: String
        var stderr: String
        var status: Int32

        /// Chromium's own service hosts: it contacts them at start-up whatever the page (time, update,
        /// account checks), so they say nothing about the page.
        static let browserServiceHosts = ["google.com", "googleapis.com", "gvt1.com"]

        /// URLs the page requested over the network (file: URLs and Chromium's own services left out).
        var pageNetworkRequests: [String] {
            stderr.split(separator: "\n").compactMap { line -> String? in
                guard let marker = line.range(of: "NotifyBeforeURLRequest: ") else { return nil }
                let url = String(line[marker.upperBound...]).trimmingCharacters(in: .whitespaces)
                guard let host = URL(string: url)?.host else { return url.hasPrefix("file:") ? nil : url }
                return Self.browserServiceHosts.contains { host == $0 || host.hasSuffix("." + $0) } ? nil : url
            }
        }

        /// Console messages (the report logs none) and uncaught script errors.
        var consoleMessages: [String] {
            stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }
        }

        /// Network errors of page loads (Chromium's account fetcher, google_apis/, left out).
        var networkErrors: [String] {
            stderr.split(separator: "\n").map(String.init).filter { $0.contains("ERR_") && !$0.contains("google_apis/") }
        }
    }

    /// Runs Chromium with the common headless flags plus `arguments`, killed after `timeoutSeconds`.
    func run(_ arguments: [String], timeoutSeconds: Double = 25) throws -> Run {
        let scratch = URL(fileURLWithPath: ScratchFolder.path("chromium"))
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless=new", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--user-data-dir=\(scratch.appendingPathComponent("profile").path)", "--enable-logging=stderr", "--v=1",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ] + arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return Run(stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8),
                   status: process.terminationStatus)
    }
}
