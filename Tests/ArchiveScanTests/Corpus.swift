import Foundation

/// The shared corpus of real DICOM (../shared/corpus beside the repository). A user's fresh clone has
/// no ../shared, so every test that needs it is disabled with this message.
enum Corpus {
    static let root: String = {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return package.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    }()

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: root + "/SOURCES.md") }

    static let absentMessage: Comment = "needs ../shared/corpus beside the repository (absent in a user's fresh clone): skipped"

    static func path(_ relative: String) -> String { root + "/" + relative }
}

import Testing
