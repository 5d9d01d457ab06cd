import Foundation
import Testing
@testable import DICOMBridge

@Suite("DCMTK look-ups kept by the shim")
struct ParserLookupTests {
    /// The shim answers dcmdata's VR-name and transfer syntax look-ups from a table filled by dcmdata's
    /// own functions, keyed on two VR characters and on the syntax. The check asks dcmdata again for
    /// all 65,536 character pairs with different bytes after them, and for every transfer syntax value,
    /// and fails on the first answer that differs (for instance if a DCMTK update made the VR look-up
    /// read a third character).
    @Test func keptAnswersAreDCMTKsOwnForEveryInput() {
        #expect(DCMTKRuntime.parserLookupDifference() == nil)
    }
}

@Suite("DCMTK's data dictionary locked and looked up per thread by the shim")
struct DictionaryShimTests {
    /// The shim's read lock of DCMTK's dictionary counts readers per thread, and each thread keeps its
    /// tag look-ups. The check looks up (0010,0010) through the lock, nests a read lock while a writer
    /// waits (which must neither deadlock nor let the writer in), runs three reader threads against a
    /// writer that changes two counters under the write lock (a reader that ever sees them differ was
    /// let in beside the writer), compares kept look-ups with dcmdata's own over standard, repeating
    /// and private groups, and adds a tag that was looked up as unknown (the kept "unknown" must not
    /// survive the write; the writer may read meanwhile without deadlocking).
    @Test func behavesAsDCMTKsOwnLockAndLookUp() {
        #expect(DCMTKRuntime.dictionaryFailure() == nil)
    }
}

@Suite("DCMTK's associations without Nagle's algorithm")
struct NagleAlgorithmTests {
    /// Debian's DCMTK disables Nagle's algorithm on an association only when TCP_NODELAY is set when it
    /// is made; without it a C-STORE waits for a delayed acknowledgement (Scripts/bench-receive: 22
    /// against 1,188 objects a second). The runtime sets it before any association, unless the
    /// environment gave a value of its own.
    @Test func theRuntimeSetsTCPNoDelay() {
        let before = getenv("TCP_NODELAY").map { String(cString: $0) }
        DCMTKRuntime.initialize()
        #expect(getenv("TCP_NODELAY").map { String(cString: $0) } == (before ?? "1"))
    }
}
