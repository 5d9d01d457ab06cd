import Foundation
import Testing
@testable import DICOMBridge

/// Decoded stored values against pydicom + pylibjpeg (Fixtures/pixel-expectations.json).
@Suite("Pixel decoding against an independent decoder")
struct PixelDecodeTests {
    @Test("SHA-256 helper matches the FIPS 180-4 test vectors")
    func sha256KnownVectors() {
        #expect(SHA256.hexDigest(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test(
        "every fixture file decodes to the independent decoder's stored values",
        .enabled(if: Corpus.isAvailable, Corpus.absentMessage),
        arguments: PixelExpectations.shared.files
    )
    func decodesLikeIndependentDecoder(_ expected: PixelExpectations.File) throws {
        if let refusal = Self.knownRefusals[expected.path] {
            // pydicom decodes it, DCMTK would return wrong values: the bridge must refuse, not guess.
            let outcome = Self.outcome(of: Corpus.path(expected.path))
            guard case .error(.decode(let message)) = outcome else {
                Issue.record("\(expected.path): expected a decode refusal, got \(outcome)")
                return
            }
            #expect(message.contains(refusal), "\(message)")
            return
        }
        let tolerance = PixelExpectations.shared.lossyTolerance
        let frames = try DICOMFile.read(Corpus.path(expected.path)) { file in
            let image = try file.imageDescription()
            #expect(image.rows == expected.rows)
            #expect(image.columns == expected.columns)
            #expect(image.frames == expected.frames)
            #expect(image.samplesPerPixel == expected.samplesPerPixel)
            #expect(image.transferSyntaxUID == expected.transferSyntax)
            return try (0..<expected.frames).map { index throws(DICOMError) in try file.decodeFrame(index) }
        }
        for (index, (frame, values)) in zip(frames, expected.frameValues).enumerated() {
            let stored = frame.storedValues
            let sum = stored.reduce(Int64(0)) { $0 + Int64($1) }
            if expected.lossless {
                #expect(sum == values.sum, "frame \(index) sum")
                #expect(stored.reduce(Int64(0)) { $0 + Int64($1) * Int64($1) } == values.sumOfSquares, "frame \(index) sum of squares")
                #expect(SHA256.hexDigest(ofInt32LittleEndian: stored) == values.sha256, "frame \(index) SHA-256")
                for sample in values.samples {
                    #expect(Int64(frame[Int(sample[0]), Int(sample[1])]) == sample[2], "frame \(index) at (\(sample[0]), \(sample[1]))")
                }
            } else {
                let meanDifference = abs(Double(sum - values.sum)) / Double(stored.count)
                #expect(meanDifference <= tolerance.maxMeanDiff, "frame \(index) mean differs by \(meanDifference)")
                let worst = values.samples.map { abs(Int64(frame[Int($0[0]), Int($0[1])]) - $0[2]) }.max() ?? 0
                #expect(worst <= Int64(tolerance.maxAbsDiff), "frame \(index) sample differs by \(worst)")
            }
        }
    }

    /// Files in transfer-syntaxes/ without fixture values (pydicom cannot decode them, or they hold no
    /// image) and what they must give instead. JPEG XL is the specific unsupported case.
    /// "noImage" files have no (7FE0,0010) (SR, waveform, RT plan, bare test datasets, per pydicom);
    /// the two Rows-less files carry pixel data without an Image Pixel module (pydicom: no Bits Allocated /
    /// no transfer syntax). The lossy JPEG .51 MR is decoded by DCMTK but pydicom's plugins cannot, so it
    /// has no independent values: it must decode, nothing more is claimed.
    static let expectedOutcomes: [String: Outcome] = [
        "transfer-syntaxes/dcm4che/will-jxl.dcm": .error(.unsupportedTransferSyntax(uid: "1.2.840.10008.1.2.4.111")),
        "transfer-syntaxes/cornerstone/deflate/report_dfl": .noImage,
        "transfer-syntaxes/cornerstone/deflate/wave_dfl": .noImage,
        "transfer-syntaxes/fo-dicom/Issue1097_FailToOpenDeflatedFileWithSQ.dcm": .noImage,
        "transfer-syntaxes/pydicom/ExplVR_BigEndNoMeta.dcm": .noImage,
        "transfer-syntaxes/pydicom/ExplVR_LitEndNoMeta.dcm": .noImage,
        "transfer-syntaxes/pydicom/empty_charset_LEI.dcm": .noImage,
        "transfer-syntaxes/pydicom/no_meta_group_length.dcm": .noImage,
        "transfer-syntaxes/pydicom/priv_SQ.dcm": .noImage,
        "transfer-syntaxes/pydicom/meta_missing_tsyntax.dcm": .error(.hostileHeader("Rows 0 × Columns 0: an image needs at least one pixel")),
        "transfer-syntaxes/pydicom/nested_priv_SQ.dcm": .error(.hostileHeader("Rows 0 × Columns 0: an image needs at least one pixel")),
        "transfer-syntaxes/orthanc/1.2.840.10008.1.2.4.51.dcm": .decodes,
    ]

    /// Files pydicom decodes but the bridge refuses on purpose, with the reason it must give.
    /// D_CLUNIE_CT1_RLE_FRAGS splits one RLE frame over several fragments (non-conformant, PS3.5 G.2);
    /// DCMTK 3.6.7's RLE decoder returns wrong values for it (measured: sum 53460637 vs pydicom's 40028413).
    static let knownRefusals: [String: String] = [
        "transfer-syntaxes/fo-dicom/D_CLUNIE_CT1_RLE_FRAGS.dcm": "PS3.5 G.2 requires one fragment per frame",
    ]

    enum Outcome: Equatable { case decodes, error(DICOMError), noImage }

    @Test(
        "every transfer-syntax file either decodes or fails with a specific error",
        .enabled(if: Corpus.isAvailable, Corpus.absentMessage)
    )
    func everyTransferSyntaxFile() throws {
        let folder = Corpus.root.appendingPathComponent("transfer-syntaxes")
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder.path)
            .filter { !$0.hasSuffix("/") && !isDirectory(folder.appendingPathComponent($0).path) }
        let covered = Set(PixelExpectations.shared.files.map(\.path))
        var outcomes: [String: String] = [:]
        for relative in files.sorted() {
            let path = "transfer-syntaxes/" + relative
            let outcome = Self.outcome(of: Corpus.path(path))
            outcomes[path] = "\(outcome)"
            if Self.knownRefusals[path] != nil {
                if case .error(.decode) = outcome {} else { Issue.record("\(path): expected a decode refusal, got \(outcome)") }
            } else if covered.contains(path) {
                #expect(outcome == .decodes, "\(path) is in the fixtures but gave \(outcome)")
            } else if let expected = Self.expectedOutcomes[path] {
                #expect(outcome == expected, "\(path)")
            } else {
                Issue.record("\(path) has neither fixture values nor an expected outcome (gave \(outcome))")
            }
        }
        #expect(outcomes.count == files.count)
    }

    static func outcome(of path: String) -> Outcome {
        do {
            return try DICOMFile.read(path) { file in
                let image = try file.imageDescription()
                guard image.hasPixelData else { return .noImage }
                _ = try file.decodeFrame(0)
                return .decodes
            }
        } catch let error as DICOMError {
            return .error(error)
        } catch {
            return .error(.internalError("\(error)"))
        }
    }

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// Decoding may make DCMTK replace attributes (a JPEG codec rewrites Photometric Interpretation);
    /// the bridge's index of top-level elements must not outlive them. Attributes read after decoding
    /// equal those read before (Photometric Interpretation aside), on every compressed fixture file.
    @Test(.enabled(if: Corpus.isAvailable, Corpus.absentMessage))
    func attributesReadAfterDecodingAreStillTheFilesOwn() throws {
        let photometric = DICOMTag(0x0028, 0x0004)
        // Implicit, explicit little, explicit big endian and deflated (PS3.6 Annex A): not compressed.
        let native: Set = ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"]
        let compressed = PixelExpectations.shared.files.filter {
            Self.knownRefusals[$0.path] == nil && !native.contains($0.transferSyntax)
        }
        #expect(compressed.count >= 10)
        for expected in compressed {
            try DICOMFile.read(Corpus.path(expected.path)) { file in
                let before = (file.string(.sopInstanceUID), file.number(.rows), file.number(.columns))
                #expect(file.string(photometric) != nil)
                _ = try file.decodeFrame(0)
                let after = (file.string(.sopInstanceUID), file.number(.rows), file.number(.columns))
                #expect(before == after, "\(expected.path)")
                #expect(file.string(photometric) != nil, "\(expected.path)")
            }
        }
    }
}
