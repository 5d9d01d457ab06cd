import Foundation
import Testing

/// The shared test corpus at `<package root>/../shared/corpus`. It is not part of the repository
/// (licences), so tests that need it are disabled when it is absent, e.g. in a user's fresh clone.
enum Corpus {
    /// Package root: this file is Tests/DICOMBridgeTests/Corpus.swift.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let root = packageRoot.appendingPathComponent("../shared/corpus").standardizedFileURL

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("transfer-syntaxes").path)
    }

    /// Absolute path of a file given relative to the corpus root.
    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    static let absentMessage: Comment = "needs ../shared/corpus (absent in a user's fresh clone)"
}
