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
