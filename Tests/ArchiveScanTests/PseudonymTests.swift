@testable import ArchiveScan
import Crypto
import Foundation
import QualityMeasures
import ScratchFolders
import Testing

@Suite struct PseudonymTests {
    @Test func stableForTheSameKeyDifferentForAnother() {
        let key = SymmetricKey(data: Data(repeating: 7, count: 32))
        let a = Pseudonymizer(key: key), b = Pseudonymizer(key: key)
        let other = Pseudonymizer(key: SymmetricKey(data: Data(repeating: 8, count: 32)))
        #expect(a.pseudonym("PAT-123") == b.pseudonym("PAT-123"))
        #expect(a.pseudonym("PAT-123") != other.pseudonym("PAT-123"))
        #expect(a.pseudonym("PAT-123") != a.pseudonym("PAT-124"))
        #expect(a.pseudonym("PAT-123")?.hasPrefix("P-") == true)
        #expect(a.pseudonym(nil) == nil && a.pseudonym("") == nil)
        // HMAC-SHA256(key, "patient:PAT-123"), first 8 bytes, as computed by swift-crypto's reference API.
        let mac = HMAC<SHA256>.authenticationCode(for: Data("patient:PAT-123".utf8), using: key)
        #expect(a.pseudonym("PAT-123") == "P-" + mac.prefix(8).map { String(format: "%02x", $0) }.joined())
        #expect(Pseudonymizer(key: key, keepsIdentifiers: true).pseudonym("PAT-123") == "PAT-123")
    }

    @Test func keyFileIsCreatedOnceWithOwnerOnlyPermissions() throws {
        let file = ScratchFolder.path("key") + "/pseudonym.key"
        defer { try? FileManager.default.removeItem(atPath: (file as NSString).deletingLastPathComponent) }
        let first = try Pseudonymizer.loadKey(keyFile: file)
        let second = try Pseudonymizer.loadKey(keyFile: file)
        #expect(Pseudonymizer(key: first).pseudonym("x") == Pseudonymizer(key: second).pseudonym("x"))
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func outputsCarryNoPatientIdentifiers() throws {
        // The sample exam's patient is SYNTHETIC^SAMPLE, ID SAMPLE-0001, born 19700101 (TestData/sample-exam/README.md).
        let out = ScratchFolder.path("ids")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let configuration = try MeasureConfiguration.bundledDefaults()
        try ScanOutputWriter(folder: out, pseudonymizer: Pseudonymizer(key: .init(size: .bits256)), measures: configuration)
            .write(SampleExamTests.result)
        var checked = 0
        for case let name as String in FileManager.default.enumerator(atPath: out)! {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: out + "/" + name, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))  // text files and thumbnails alike
            for identifier in ["SAMPLE-0001", "SYNTHETIC^SAMPLE", "SYNTHETIC", "19700101"] {
                #expect(bytes.range(of: Data(identifier.utf8)) == nil, "\(name) contains \(identifier)")
            }
            checked += 1
        }
        #expect(checked >= 12)  // 6 scan files, 5 measure files, 1 thumbnail
    }
}
