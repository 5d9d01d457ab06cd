import Foundation
import Testing

/// The store holds pseudonyms, never the identifiers, unless --keep-identifiers; a store refuses a
/// run with another key or policy than its first scan's.
@Suite(.serialized)
struct StorePseudonymTests {
    static func contains(_ needle: String, in folder: String) -> Bool {
        let files = (try? FileManager.default.subpathsOfDirectory(atPath: folder)) ?? []
        return files.contains { name in
            FileManager.default.contents(atPath: folder + "/" + name).map { $0.range(of: Data(needle.utf8)) != nil } ?? false
        }
    }

    @Test func storeAndOutputsHoldNoIdentifierWithoutTheOptIn() throws {
        let root = try StoreFixture.temporaryFolder("pseudonyms")
        try StoreFixture.writeStudyCopy(0, into: root + "/archive")
        let scan = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/db/store.sqlite", "--out", root + "/out", "--headers-only"])
        #expect(scan.status == 0, "\(scan.stderr)")
        // The copy's Patient ID and the sample's Patient's Name, anywhere in the store files (WAL included) or outputs.
        for identifier in ["STORE-COPY-0", "SYNTHETIC^SAMPLE"] {
            #expect(!Self.contains(identifier, in: root + "/db"), "\(identifier) in the store")
            #expect(!Self.contains(identifier, in: root + "/out"), "\(identifier) in the outputs")
        }

        let otherKey = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/db/store.sqlite", "--headers-only"],
                                           environment: ["CTDOSE_PSEUDONYM_KEY": "another-key-of-at-least-16-bytes"])
        #expect(otherKey.status == 1)
        #expect(otherKey.stderr.contains("this store holds pseudonyms, key"))
        let kept = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/db/store.sqlite", "--headers-only", "--keep-identifiers"])
        #expect(kept.status == 1)

        let optIn = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/kept/store.sqlite", "--out", root + "/kept-out",
                                         "--headers-only", "--keep-identifiers"])
        #expect(optIn.status == 0, "\(optIn.stderr)")
        #expect(Self.contains("STORE-COPY-0", in: root + "/kept-out"))
    }
}
