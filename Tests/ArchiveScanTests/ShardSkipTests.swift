import DICOMBridge
import Foundation
import Testing
@testable import ArchiveScan

/// Under `--shard`, a file of another shard's study is left after its first, shortest read, and a file
/// that ends set aside or failed still names the study its first attributes gave, so that exactly the
/// shard owning that study records it.
struct ShardSkipTests {
    static let sampleStudy = "2.25.135422505811766933756327770105371181034"  // dcmdump +P 0020,000d of the sample exam

    @Test func refusedStudiesAreSkippedAndAcceptedOnesReadAsWithoutShards() throws {
        for relative in ["axial/IM0001.dcm", "localizer/IM0001.dcm", "dose-report/SR0001.dcm"] {
            let path = StoreFixture.sampleExam + "/" + relative
            let whole = ObjectReader.read(path: path)
            guard let study = whole.studyInstanceUID else {
                Issue.record("\(relative): no study in \(whole)")
                continue
            }
            var asked: [String] = []
            guard case .skipped(let skipped) = ObjectReader.read(path: path, wantsStudy: { asked.append($0); return false }) else {
                Issue.record("\(relative) was read for a refused study")
                continue
            }
            #expect(skipped == study && asked == [study], "\(relative)")
            guard case .read(let object, let firstStudy) = ObjectReader.read(path: path, wantsStudy: { _ in true }) else {
                Issue.record("\(relative) was skipped for an accepted study")
                continue
            }
            #expect(firstStudy == study, "\(relative)")
            #expect(object.kind == whole.kind && object.sopInstanceUID == whole.sopInstanceUID, "\(relative)")
            #expect(try object.storedRecord() == whole.storedRecord(), "\(relative)")
        }
    }

    @Test func aSetAsideFileKeepsTheStudyOfItsFirstAttributes() throws {
        let folder = try StoreFixture.temporaryFolder("shard-skip")
        let path = folder + "/mr.dcm"
        try FileManager.default.copyItem(atPath: StoreFixture.sampleExam + "/axial/IM0002.dcm", toPath: path)
        let status = StoreFixture.run("/usr/bin/dcmodify", ["-nb", "-m", "(0008,0016)=1.2.840.10008.5.1.4.1.1.4", "-m", "(0008,0060)=MR", path]).status
        #expect(status == 0)
        guard case .read(.setAside(let reason), let study) = ObjectReader.read(path: path, wantsStudy: { _ in true }) else {
            Issue.record("the MR copy was not set aside")
            return
        }
        #expect(reason.contains("modality MR"))
        #expect(study == Self.sampleStudy)
        let notDICOM = folder + "/notes.txt"
        try Data("not DICOM".utf8).write(to: URL(fileURLWithPath: notDICOM))
        guard case .read(.setAside, nil) = ObjectReader.read(path: notDICOM, wantsStudy: { _ in false }) else {
            Issue.record("a file without a study was skipped or given one")
            return
        }
    }

    /// A CT image whose header fails after its first attributes named the study (found by
    /// Scripts/fuzz-corpus: the failure lost the study, so the file went to its path's shard while
    /// the study's shard had left it; neither recorded it). In big endian, so that the study comes from
    /// DCMTK's parse, not from the first bytes.
    @Test func aFileFailingInItsFirstLookKeepsTheStudyItNamed() throws {
        let folder = try StoreFixture.temporaryFolder("shard-fail")
        let path = folder + "/no-sop-instance.dcm"
        #expect(StoreFixture.run("/usr/bin/dcmconv", ["+tb", StoreFixture.sampleExam + "/axial/IM0003.dcm", path]).status == 0)
        #expect(StoreFixture.run("/usr/bin/dcmodify", ["-nb", "-ea", "(0008,0018)", path]).status == 0)
        #expect(StudyInstanceUIDPeek.studyInstanceUID(path: path) == nil)
        guard case .read(.failed(let reason), let study) = ObjectReader.read(path: path, wantsStudy: { _ in true }) else {
            Issue.record("the copy without SOP Instance UID did not fail")
            return
        }
        #expect(reason.contains("SOP Instance UID"))
        #expect(study == Self.sampleStudy)
        guard case .skipped(Self.sampleStudy) = ObjectReader.read(path: path, wantsStudy: { _ in false }) else {
            Issue.record("another shard did not leave it")
            return
        }
    }

    /// A study's shard must not change between machines or versions (a store's shards would split
    /// studies): the key is the first 63 bits of SHA-256, here against Python's hashlib
    /// (`int.from_bytes(hashlib.sha256(uid.encode()).digest()[:8], "big") >> 1`).
    @Test func theShardKeyIsTheFirst63BitsOfSHA256() {
        #expect(StudyShard.key("1.2.3") == 7_079_567_957_605_619_827)
        #expect(StudyShard.key(Self.sampleStudy) == 2_895_943_762_286_691_255)
    }
}
