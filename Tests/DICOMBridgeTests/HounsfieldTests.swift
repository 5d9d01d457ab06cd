import Testing
@testable import DICOMBridge

@Suite("Hounsfield units and padding")
struct HounsfieldTests {
    /// 2 × 3 synthetic signed frame, slope 1, intercept -1024, padding -2000 (hand-computed HU).
    @Test("rescale and single padding value")
    func rescaleAndPadding() throws {
        let frame = StoredFrame(rows: 2, columns: 3, storedValues: [-2000, 0, 1024, 1000, -2000, 3071])
        let padding = PixelPadding(value: -2000)
        let image = try frame.hounsfieldImage(rescale: Rescale(slope: 1, intercept: -1024), padding: padding)
        #expect(image.hounsfieldUnits == [-3024, -1024, 0, -24, -3024, 2047])
        #expect(image.isPadding == [true, false, false, false, true, false])
        #expect(image.paddingCount == 2)
        #expect(image.hasPadding)
        // Padding only in the last pixel of a frame longer than a mask word; none at all.
        let last = try StoredFrame(rows: 3, columns: 5, storedValues: Array(repeating: 0, count: 14) + [-2000])
            .hounsfieldImage(rescale: .identity, padding: padding)
        #expect(last.hasPadding && last.paddingCount == 1)
        // Past the 64-byte blocks tested at once: in the second block, in the tail after them, nowhere.
        for (index, expected) in [(70, true), (199, true), (-1, false)] {
            let values = (0..<200).map { Int32($0 == index ? -2000 : $0) }
            let image = try StoredFrame(rows: 10, columns: 20, storedValues: values).hounsfieldImage(rescale: .identity, padding: padding)
            #expect(image.hasPadding == expected)
        }
        #expect(try !frame.hounsfieldImage(rescale: .identity, padding: nil).hasPadding)
    }

    /// The Float path (whole rescale, results below 2^24) gives exactly the values of the Double formula,
    /// and is taken only where it can.
    @Test("HU through Float equal HU through Double", arguments: [
        (1.0, -1024.0, true), (1.0, 0.0, true), (-1.0, -8192.0, true), (2.0, -1024.0, true),
        (0.5, -1024.0, false), (0.1, 3.3, false), (1.0, -1024.5, false), (512.0, 0.0, false), (1.0, 16_777_000.0, false),
    ])
    func floatPathMatchesDouble(slope: Double, intercept: Double, takesFloatPath: Bool) throws {
        var state: UInt64 = 12_345
        let stored: [Int32] = (0..<997).map { i in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return i == 0 ? -32_768 : i == 1 ? 32_767 : i == 2 ? 0 : Int32(truncatingIfNeeded: state >> 48) // signed 16-bit
        }
        let image = try StoredFrame(rows: 1, columns: stored.count, storedValues: stored)
            .hounsfieldImage(rescale: Rescale(slope: slope, intercept: intercept), padding: nil)
        let expected = stored.map { Float(Double($0) * slope + intercept) }
        #expect(image.hounsfieldUnits.map(\.bitPattern) == expected.map(\.bitPattern))
        let largest = Double(stored.map { abs(Int64($0)) }.max()!)
        #expect(StoredFrame.exactInFloat(largestMagnitude: largest, slope: slope, intercept: intercept) == takesFloatPath)
    }

    @Test("beyond 2^24 the Double path: Float would round twice")
    func largeValuesAreRescaledOnce() throws {
        // 3 × 5,592,407 + 1 = 16,777,222, a Float; in Float the product would round to 16,777,220 first.
        let image = try StoredFrame(rows: 1, columns: 2, storedValues: [5_592_407, 0])
            .hounsfieldImage(rescale: Rescale(slope: 3, intercept: 1), padding: nil)
        #expect(image.hounsfieldUnits == [16_777_222, 1])
    }

    @Test("slope 0.5 and a padding range (0028,0121) in either order")
    func paddingRange() throws {
        let frame = StoredFrame(rows: 1, columns: 4, storedValues: [0, 10, 11, 20])
        let image = try frame.hounsfieldImage(rescale: Rescale(slope: 0.5, intercept: -10), padding: PixelPadding(value: 10, rangeLimit: 0))
        #expect(image.hounsfieldUnits == [-10, -5, -4.5, 0])
        #expect(image.isPadding == [true, true, false, false])
    }

    /// Implicit VR files read (0028,0120) as US: 63536 is -2000 for a signed 16-bit image, and 0xF830
    /// masked to 12 bits stored is 0x830 = -2000 in 12-bit two's complement as well.
    @Test("padding value re-read with the image's Bits Stored and signedness")
    func paddingSignedness() {
        #expect(PixelPadding(value: 63536, rangeLimit: nil, bitsStored: 16, isSigned: true) == PixelPadding(value: -2000))
        #expect(PixelPadding(value: 63536, rangeLimit: nil, bitsStored: 16, isSigned: false) == PixelPadding(value: 63536))
        #expect(PixelPadding(value: -2000, rangeLimit: nil, bitsStored: 12, isSigned: true) == PixelPadding(value: -2000))
        #expect(PixelPadding(value: nil, rangeLimit: 5, bitsStored: 16, isSigned: true) == nil)
    }

    @Test("colour frames have no Hounsfield units")
    func colourRefused() {
        let frame = StoredFrame(rows: 1, columns: 1, samplesPerPixel: 3, storedValues: [1, 2, 3])
        #expect(throws: DICOMError.self) { try frame.hounsfieldImage(rescale: .identity, padding: nil) }
    }
}

/// Hounsfield units and padding of real CT files against pydicom's modality LUT (fixture JSON).
@Suite("Hounsfield units against an independent decoder")
struct HounsfieldCorpusTests {
    static let files = PixelExpectations.shared.files.filter {
        $0.hounsfieldFrame0 != nil && !PixelDecodeTests.knownRefusals.keys.contains($0.path)
    }

    @Test(
        "frame 0 HU mean and padding count match pydicom",
        .enabled(if: Corpus.isAvailable, Corpus.absentMessage),
        arguments: files
    )
    func matchesIndependentDecoder(_ expected: PixelExpectations.File) throws {
        let facts = try #require(expected.hounsfieldFrame0)
        let image = try DICOMFile.read(Corpus.path(expected.path)) { file in try file.hounsfieldImage(frame: 0) }
        let mean = image.hounsfieldUnits.reduce(0.0) { $0 + Double($1) } / Double(image.hounsfieldUnits.count)
        if expected.lossless {
            #expect(abs(mean - facts.mean) < 1e-3, "HU mean \(mean) vs \(facts.mean)")
            #expect(image.paddingCount == facts.paddingCount)
            #expect(image.hasPadding == (facts.paddingCount > 0))
        } else {
            #expect(abs(mean - facts.mean) <= PixelExpectations.shared.lossyTolerance.maxMeanDiff, "HU mean \(mean) vs \(facts.mean)")
        }
    }
}
