import Crypto
import Foundation
import Testing
@testable import ArchiveScan

/// A tripwire for `StoredStudyPixels.revision`: stored pixel results are reused while their key (which
/// holds that revision) is unchanged, so a change to how pixels are decoded or measured that gives any
/// other result must raise it. This test fails when any source that makes pixel results changes, so
/// that whoever changed one decides: raise the revision if a slice's or series' value, a problem's text
/// or the thumbnail can differ, add any header field the pass newly reads to `CTImageHeader.pixelKeyText`,
/// then record the new digest here (the failure prints it).
struct PixelRevisionTests {
    static let recorded = (revision: 2, digest: "56eb04466258b29e1183a51d79a0877f4e02ae62432db5d197940a10d7c85031")

    /// The sources whose change can change a stored pixel result, from the repository's root.
    static let sources = [
        "Sources/PixelAnalysis",
        "Sources/ArchiveScan/ExamPixelPass.swift", "Sources/ArchiveScan/SeriesPixelAnalyzer.swift", "Sources/ArchiveScan/SliceBatch.swift",
        "Sources/ArchiveScan/LocalizerViews.swift", "Sources/ArchiveScan/IsocentreLocation.swift", "Sources/ArchiveScan/PNGEncoder.swift",
        "Sources/ArchiveScan/SeriesMeasurement.swift",
        "Sources/DICOMBridge/HounsfieldImage.swift", "Sources/DICOMBridge/PixelPadding.swift", "Sources/DICOMBridge/StoredFrame.swift",
        "Sources/DICOMBridge/FrameGeometry.swift", "Sources/DICOMBridge/FrameSizeCheck.swift",
        "Sources/CDCMTK/shim_pixels.cpp", "Sources/CDCMTK/shim_jpeg2000.cpp",
    ]

    /// SHA-256 over each file's path (from the root) and bytes, files in path order.
    static func digest(root: URL) throws -> String {
        var files: [String] = []
        for source in sources {
            var isFolder: ObjCBool = false
            let path = root.appendingPathComponent(source).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
            if isFolder.boolValue {
                files += try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".swift") }.map { source + "/" + $0 }
            } else {
                files.append(source)
            }
        }
        var hash = SHA256()
        for file in files.sorted() {
            hash.update(data: Data((file + "\n").utf8))
            hash.update(data: try Data(contentsOf: root.appendingPathComponent(file)))
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    @Test func theRevisionWasWeighedWithEachChangeToThePixelSources() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let digest = try Self.digest(root: root)
        #expect(StoredStudyPixels.revision == Self.recorded.revision && digest == Self.recorded.digest, """
            The sources that make pixel results changed (or StoredStudyPixels.revision did). If any stored pixel result \
            can now differ (a slice's or series' value, a problem's text, the thumbnail), raise StoredStudyPixels.revision; \
            if the pixel pass now reads another header field, add it to CTImageHeader.pixelKeyText; \
            then set PixelRevisionTests.recorded to (revision: \(StoredStudyPixels.revision), digest: "\(digest)").
            """)
    }
}
