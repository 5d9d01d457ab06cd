@testable import ArchiveScan
import Foundation
import ScratchFolders
import Testing

@Suite struct ArchiveWalkerTests {
    @Test func followsLinksOnceSurvivesLoopsAndReportsWhatItCannotRead() throws {
        let fm = FileManager.default
        let root = ScratchFolder.path("walk")
        defer { try? fm.removeItem(atPath: root) }
        try fm.createDirectory(atPath: root + "/a/b", withIntermediateDirectories: true)
        #expect(fm.createFile(atPath: root + "/a/one.dcm", contents: Data([1])))
        #expect(fm.createFile(atPath: root + "/a/b/two.dcm", contents: Data([2])))
        try fm.createSymbolicLink(atPath: root + "/a/b/loop", withDestinationPath: root + "/a")      // folder loop
        try fm.createSymbolicLink(atPath: root + "/elsewhere", withDestinationPath: root + "/a/b")   // second way in
        try fm.createSymbolicLink(atPath: root + "/dangling", withDestinationPath: root + "/missing")
        var visited: [String] = []
        let unreadable = ArchiveWalker().walk([root]) { visited.append(($0 as NSString).lastPathComponent) }
        // Each folder is entered once however many links lead to it, so each file is visited once.
        #expect(visited.sorted() == ["one.dcm", "two.dcm"])
        #expect(unreadable.count == 1)
        #expect(unreadable.first?.path == root + "/dangling")
        #expect(unreadable.first?.reason.hasPrefix("cannot access: No such file or directory") == true)
        // A path given that does not exist is reported, not fatal.
        let missing = ArchiveWalker().walk([root + "/nope"]) { _ in }
        #expect(missing.map(\.path) == [root + "/nope"])
    }
}
