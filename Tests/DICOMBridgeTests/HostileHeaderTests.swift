@testable import DICOMBridge
import Foundation
import ScratchFolders
import Testing

@Suite("Hostile and malformed headers")
struct HostileHeaderTests {
    /// 65535 × 65535 16-bit in a 910-byte file: a synthetic header (no file) must be refused by arithmetic.
    @Test("65535 × 65535 native image in a 1 kB file is refused before allocation")
    func hugeDimensionsSynthetic() {
        let image = ImageDescription(
            rows: 65535, columns: 65535, frames: 1, bitsAllocated: 16, bitsStored: 16, highBit: 15, isSigned: false,
            samplesPerPixel: 1, photometricInterpretation: "MONOCHROME2", transferSyntaxUID: "1.2.840.10008.1.2.1",
            hasPixelData: true, isEncapsulated: false, nativePixelDataLengthBytes: 256, fileSizeBytes: 910)
        #expect(throws: DICOMError.hostileHeader("65535 × 65535 × 1 samples × 2 bytes × 1 frames = 8589672450 bytes exceeds the native pixel data length of 256 bytes")) {
            try FrameSizeCheck.validate(image, frame: 0)
        }
    }

    @Test("products that overflow 64 bits and zero dimensions are hostile")
    func overflowAndZero() {
        var image = ImageDescription(
            rows: 65535, columns: 65535, frames: Int(Int32.max), bitsAllocated: 32, bitsStored: 32, highBit: 31, isSigned: true,
            samplesPerPixel: 3, photometricInterpretation: "RGB", transferSyntaxUID: "1.2.840.10008.1.2.4.70",
            hasPixelData: true, isEncapsulated: true, nativePixelDataLengthBytes: nil, fileSizeBytes: 1000)
        #expect(throws: DICOMError.self) { try FrameSizeCheck.validate(image, frame: 0) }
        image.rows = 0
        #expect(throws: DICOMError.hostileHeader("Rows 0 × Columns 65535: an image needs at least one pixel")) {
            try FrameSizeCheck.validate(image, frame: 0)
        }
    }

    /// The corpus's hostile files (dimensions read independently with dcmdump: 65535×65535 16-bit with a
    /// 256-byte pixel element; 46341×46341 16-bit with 9330 bytes; a 3 GiB element in a 100,000-byte file).
    @Test(
        "corpus files with impossible pixel sizes give .hostileHeader",
        .enabled(if: Corpus.isAvailable, Corpus.absentMessage),
        arguments: [
            ("malformed/2026-05-26-oob-monochrome-65535.dcm", "65535 × 65535"),
            ("malformed/2026-05-26-oob-monochrome-46341.dcm", "46341 × 46341"),
            ("malformed/3gb-bulk-data-truncated", "bytes"),
        ]
    )
    func corpusHostileFiles(_ relative: String, _ mentions: String) {
        let outcome = PixelDecodeTests.outcome(of: Corpus.path(relative))
        guard case .error(.hostileHeader(let reason)) = outcome else {
            Issue.record("\(relative): expected .hostileHeader, got \(outcome)")
            return
        }
        #expect(reason.contains(mentions), "\(reason)")
    }

    /// Every malformed file: open, describe and decode every frame without crashing the process
    /// (including the 100,000-deep nested sequence, parsed on a large-stack worker).
    @Test("no malformed file crashes the reader or the decoder", .enabled(if: Corpus.isAvailable, Corpus.absentMessage))
    func malformedFilesSurvive() throws {
        let folder = Corpus.root.appendingPathComponent("malformed")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.contains("2026-05-06-Deeply-Nested-Sequence.dcm"))
        var outcomes: [String: String] = [:]
        for name in names {
            let path = folder.appendingPathComponent(name).path
            do {
                try DICOMFile.read(path) { file in
                    let image = try file.imageDescription()
                    for frame in 0..<max(1, min(image.frames, 4)) { _ = try? file.decodeFrame(frame) }
                }
                outcomes[name] = "read"
            } catch let error as DICOMError {
                #expect(!error.description.isEmpty)
                outcomes[name] = error.description
            }
        }
        #expect(outcomes.count == names.count)
    }
}

/// DCMTK's JPEG-LS decoder (its bundled CharLS, built with assertions on) asserts on some corrupt
/// streams. The assertion must end the decode of that frame with an error naming it, not the process,
/// and the decoders must keep working for the next file.
@Suite("Decoder assertions")
struct DecoderAssertionTests {
    /// A 6-byte mutation of the corpus's JPEG-LS near-lossless file found by Scripts/fuzz-corpus
    /// (seed 4242, round 85): it trips CharLS's `abs(b) < 65536 * 256` in JlsContext::UpdateVariables.
    static let mutation: [(offset: Int, byte: UInt8)] = [(1919, 222), (2198, 254), (2199, 255), (2200, 0), (2201, 224), (5653, 57)]

    @Test(.enabled(if: Corpus.isAvailable, Corpus.absentMessage))
    func aDecoderAssertionFailsTheFrameNotTheProcess() throws {
        let original = Corpus.path("transfer-syntaxes/orthanc/1.2.840.10008.1.2.4.81.dcm")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: original)))
        for (offset, byte) in Self.mutation { bytes[offset] = byte }
        let corrupt = URL(fileURLWithPath: ScratchFolder.path("jpegls-assert", suffix: ".dcm"))
        try Data(bytes).write(to: corrupt)
        defer { try? FileManager.default.removeItem(at: corrupt) }
        do {
            _ = try DICOMFile.read(corrupt.path) { try $0.hounsfieldImage(frame: 0) }
            Issue.record("the corrupt JPEG-LS frame decoded")
        } catch let error as DICOMError {
            let text = error.description
            #expect(text.contains("the decoder stopped on its internal check") && text.contains("libcharls"), "\(text)")
            #expect(text.contains("corrupt compressed data"), "\(text)")
        }
        // Once more (the escape is set up again on this thread), then the intact file: the decoders still work.
        #expect(throws: DICOMError.self) { try DICOMFile.read(corrupt.path) { try $0.hounsfieldImage(frame: 0) } }
        let intact = try DICOMFile.read(original) { try $0.hounsfieldImage(frame: 0) }
        #expect(intact.rows > 0 && intact.hounsfieldUnits.count == intact.rows * intact.columns)
    }
}

/// An attribute whose VR is not a DICOM VR is not text: DCMTK keeps its bytes and renders them as hex,
/// one value per byte of its length field. (Scripts/fuzz-corpus, seed 2912: a Modality with the VR "CD"
/// and a corrupt length of 1.2 GB hung a scan in that rendering until its watchdog.)
@Suite("Unknown VR")
struct UnknownVRTests {
    /// Explicit VR little endian: SOP Class, SOP Instance, then Modality "CT" with `modalityVR`, in the
    /// 4-byte length form DCMTK assumes for a VR it does not know.
    static func file(modalityVR: String) -> [UInt8] {
        func element(_ group: UInt16, _ number: UInt16, _ vr: String, _ value: [UInt8]) -> [UInt8] {
            withUnsafeBytes(of: group.littleEndian, Array.init) + withUnsafeBytes(of: number.littleEndian, Array.init)
                + Array(vr.utf8) + withUnsafeBytes(of: UInt16(value.count).littleEndian, Array.init) + value
        }
        func uid(_ text: String) -> [UInt8] { Array(text.utf8) + (text.utf8.count % 2 == 1 ? [0] : []) }
        var bytes = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        bytes += element(0x0002, 0x0010, "UI", uid("1.2.840.10008.1.2.1"))
        bytes += element(0x0008, 0x0016, "UI", uid("1.2.840.10008.5.1.4.1.1.2"))
        bytes += element(0x0008, 0x0018, "UI", uid("2.25.7"))
        bytes += [0x08, 0x00, 0x60, 0x00] + Array(modalityVR.utf8) + [0, 0, 4, 0, 0, 0] + Array("CT  ".utf8)
        return bytes + element(0x0008, 0x0070, "LO", Array("Vendor".utf8))
    }

    static func read(modalityVR: String) throws -> (modality: String?, manufacturer: String?) {
        let path = ScratchFolder.path("vr", suffix: ".dcm")
        try Data(file(modalityVR: modalityVR)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try DICOMFile.read(path, extent: .attributes) { file in (file.string(.modality), file.string(.manufacturer)) }
    }

    @Test func anAttributeOfUnknownVRIsNotReadAsText() throws {
        let unknown = try Self.read(modalityVR: "CD")
        #expect(unknown.modality == nil)
        #expect(unknown.manufacturer == "Vendor")  // the file was parsed past it
    }
}
