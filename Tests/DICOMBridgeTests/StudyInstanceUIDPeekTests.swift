@testable import DICOMBridge
import Foundation
import ScratchFolders
import Testing

/// The peek decides a file's study only when it reads the value DCMTK reads: shards that disagreed
/// would each leave a file to the other.
@Suite("Study Instance UID read from a file's first bytes without DCMTK")
struct StudyInstanceUIDPeekTests {
    /// DCMTK's Study Instance UID of a file, as the reader's first look gets it: nil when DCMTK cannot
    /// read the file that far, .some(nil) when it reads it and finds none.
    static func dcmtkStudy(_ path: String) -> String?? {
        do {
            let study: String? = try DICOMFile.read(path, extent: .imageModules) { $0.string(.studyInstanceUID) }
            return .some(study)
        } catch {
            return .none
        }
    }

    static func files(under folder: String) -> [String] {
        let root = URL(fileURLWithPath: folder)
        let walk = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        var files: [String] = []
        while let url = walk?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(url.path) }
        }
        return files.sorted()
    }

    @Test("every file of the sample exam: the peek reads DCMTK's value")
    func sampleExam() {
        let files = Self.files(under: Corpus.packageRoot.appendingPathComponent("TestData/sample-exam").path).filter { $0.hasSuffix(".dcm") }
        #expect(files.count == 23)
        for path in files {
            let dcmtk = Self.dcmtkStudy(path)
            #expect(dcmtk??.isEmpty == false, "\(path)")
            #expect(StudyInstanceUIDPeek.studyInstanceUID(path: path) == dcmtk, "\(path)")
        }
    }

    @Test("every file of the corpus: no value but DCMTK's; the CT series and dose reports all decided",
          .enabled(if: Corpus.isAvailable, Corpus.absentMessage))
    func corpus() {
        var decided = 0, total = 0
        for path in Self.files(under: Corpus.root.path) {
            total += 1
            guard let peeked = StudyInstanceUIDPeek.studyInstanceUID(path: path) else { continue }
            decided += 1
            // A file DCMTK cannot read that far fails on the shard the peek gives it; otherwise the values agree.
            if let dcmtk = Self.dcmtkStudy(path) { #expect(peeked == dcmtk, "\(path)") }
        }
        for folder in ["ct-series/toshiba-wholebody-phantom", "ct-series/philips-head-phantom", "ct-series/ge-head", "dose-reports"] {
            for path in Self.files(under: Corpus.path(folder)) where Self.dcmtkStudy(path) ?? nil != nil {
                #expect(StudyInstanceUIDPeek.studyInstanceUID(path: path) != nil, "undecided: \(path)")
            }
        }
        #expect(decided > total / 2, "decided \(decided) of \(total)")
    }

    @Test("random damage to a file's first kilobytes: where DCMTK reads a study, the peek reads the same or nothing")
    func damagedFiles() throws {
        let source = Corpus.packageRoot.appendingPathComponent("TestData/sample-exam/axial/IM0001.dcm").path
        let original = try #require(FileManager.default.contents(atPath: source))
        let folder = URL(fileURLWithPath: ScratchFolder.path("peek"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let headerEnd = min(original.count, 2048)
        var generator = SeededGenerator(seed: 20261130)
        var decided = 0
        for round in 0..<300 {
            var bytes = [UInt8](original)
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 132..<headerEnd, using: &generator)
                bytes[position] = UInt8.random(in: 0...255, using: &generator)
            }
            if round % 5 == 0 { bytes.removeLast(bytes.count - Int.random(in: 100..<headerEnd, using: &generator)) }
            let path = folder.appendingPathComponent("m\(round).dcm").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            guard let peeked = StudyInstanceUIDPeek.studyInstanceUID(path: path) else { continue }
            decided += 1
            // DCMTK failing on damage past (0020,000D) is a failed file on the shard of the peeked study.
            if let dcmtk = Self.dcmtkStudy(path) { #expect(peeked == dcmtk, "round \(round)") }
        }
        #expect(decided > 50)
    }

    @Test("made-up encodings: sequences of undefined length skipped; big endian, a wrong VR, letters undecided")
    func madeUp() {
        let study = "1.2.3.4.5"
        func meta(_ syntax: String) -> [UInt8] {
            [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + explicitElement(0x0002, 0x0010, "UI", Self.padded(syntax))
        }
        // Explicit VR: a sequence of undefined length holding an item of undefined length that holds
        // another such sequence, then the study.
        let innerItem = Self.tag(0xFFFE, 0xE000) + Self.u32(0xFFFF_FFFF) + explicitElement(0x0008, 0x0100, "SH", Self.padded("CODE"))
            + Self.tag(0xFFFE, 0xE00D) + Self.u32(0)
        let nested = Self.tag(0x0008, 0x2218) + Array("SQ".utf8) + [0, 0] + Self.u32(0xFFFF_FFFF) + innerItem + Self.tag(0xFFFE, 0xE0DD) + Self.u32(0)
        let outerItem = Self.tag(0xFFFE, 0xE000) + Self.u32(0xFFFF_FFFF) + nested + Self.tag(0xFFFE, 0xE00D) + Self.u32(0)
        let sequence = Self.tag(0x0008, 0x1140) + Array("SQ".utf8) + [0, 0] + Self.u32(0xFFFF_FFFF) + outerItem
            + Self.tag(0xFFFE, 0xE000) + Self.u32(12) + explicitElement(0x0008, 0x1150, "UI", Self.padded("1.2")) + Self.tag(0xFFFE, 0xE0DD) + Self.u32(0)
        let explicit = meta("1.2.840.10008.1.2.1") + explicitElement(0x0008, 0x0060, "CS", Self.padded("CT")) + sequence
            + explicitElement(0x0020, 0x000D, "UI", Self.padded(study) + [0])
        #expect(Self.walk(explicit) == .found(study))
        #expect(Self.walk(explicit.dropLast(3)) == .needsMoreBytes)
        // The same in implicit VR, in a JPEG 2000 file's explicit VR, and in big endian (undecided).
        let implicitSequence = Self.tag(0x0008, 0x1140) + Self.u32(0xFFFF_FFFF) + Self.tag(0xFFFE, 0xE000) + Self.u32(0xFFFF_FFFF)
            + Self.tag(0x0008, 0x1150) + Self.u32(4) + Array("1.2 ".utf8) + Self.tag(0xFFFE, 0xE00D) + Self.u32(0) + Self.tag(0xFFFE, 0xE0DD) + Self.u32(0)
        let implicit = meta("1.2.840.10008.1.2") + implicitSequence + Self.tag(0x0020, 0x000D) + Self.u32(12) + Self.padded(study + ".6")
        #expect(Self.walk(implicit) == .found(study + ".6"))
        #expect(Self.walk(meta("1.2.840.10008.1.2.4.90") + explicitElement(0x0020, 0x000D, "UI", Self.padded(study))) == .found(study))
        #expect(Self.walk(meta("1.2.840.10008.1.2.2") + explicitElement(0x0020, 0x000D, "UI", Self.padded(study))) == .undecided)
        #expect(Self.walk(meta("1.2.840.10008.1.2.1.99") + explicitElement(0x0020, 0x000D, "UI", Self.padded(study))) == .undecided)
        // Not a UI, not a UID, out of order, past its place, no preamble.
        #expect(Self.walk(meta("1.2.840.10008.1.2.1") + explicitElement(0x0020, 0x000D, "LO", Self.padded(study))) == .undecided)
        #expect(Self.walk(meta("1.2.840.10008.1.2.1") + explicitElement(0x0020, 0x000D, "UI", Self.padded("1.2.X"))) == .undecided)
        #expect(Self.walk(meta("1.2.840.10008.1.2.1") + explicitElement(0x0010, 0x0010, "PN", Self.padded("A"))
            + explicitElement(0x0008, 0x0060, "CS", Self.padded("CT")) + explicitElement(0x0020, 0x000D, "UI", Self.padded(study))) == .undecided)
        #expect(Self.walk(meta("1.2.840.10008.1.2.1") + explicitElement(0x0020, 0x000E, "UI", Self.padded(study))) == .undecided)
        #expect(Self.walk(Array(meta("1.2.840.10008.1.2.1").dropFirst(132)) + explicitElement(0x0020, 0x000D, "UI", Self.padded(study))
            + [UInt8](repeating: 0, count: 200)) == .undecided)
        // An unknown VR and a stray delimiter.
        #expect(Self.walk(meta("1.2.840.10008.1.2.1") + Self.tag(0x0008, 0x0060) + Array("ZZ".utf8) + [2, 0, 67, 84]) == .undecided)
        #expect(Self.walk(meta("1.2.840.10008.1.2.1") + Self.tag(0xFFFE, 0xE00D) + Self.u32(0)) == .undecided)
    }

    // MARK: encoding helpers

    static func walk(_ bytes: some Collection<UInt8>) -> StudyInstanceUIDPeek.Outcome {
        Array(bytes).withUnsafeBytes { StudyInstanceUIDPeek.walk($0) }
    }

    static func tag(_ group: UInt16, _ element: UInt16) -> [UInt8] {
        [UInt8(group & 0xFF), UInt8(group >> 8), UInt8(element & 0xFF), UInt8(element >> 8)]
    }

    static func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }

    /// A text value padded to even length (PS3.5 §6.2: a space, or a NUL for UIDs).
    static func padded(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return bytes.count % 2 == 0 ? bytes : bytes + [0]
    }
}

/// An explicit VR little endian element with a 2-byte length.
private func explicitElement(_ group: UInt16, _ element: UInt16, _ vr: String, _ value: [UInt8]) -> [UInt8] {
    StudyInstanceUIDPeekTests.tag(group, element) + Array(vr.utf8) + [UInt8(value.count & 0xFF), UInt8(value.count >> 8)] + value
}

/// A small reproducible generator (SplitMix64), so that a failing round can be run again.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
