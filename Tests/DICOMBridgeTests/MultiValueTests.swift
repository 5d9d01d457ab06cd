import Foundation
import Testing
@testable import DICOMBridge

@Suite("Multi-valued text")
struct MultiValueTests {
    /// The bundled sample exam's axial images are written by Scripts/make-sample-exam (pydicom) with
    /// Image Type ORIGINAL\PRIMARY\AXIAL; an absent element gives no values.
    @Test func imageTypeSplitsIntoItsValues() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TestData/sample-exam/axial/IM0001.dcm").path
        let values = try DICOMFile.read(path, extent: .imageModules) { $0.strings(.imageType) }
        #expect(values == ["ORIGINAL", "PRIMARY", "AXIAL"])
        let absent = try DICOMFile.read(path, extent: .imageModules) { $0.strings(DICOMTag(0x0008, 0x0009)) }
        #expect(absent.isEmpty)
    }
}
