/// Plausibility of an image header, checked before anything is allocated for its pixels.
///
/// A hostile or broken header can declare pixels the file cannot hold (65535 × 65535 in 1 kB, a 3 GiB
/// element in 100 kB). Everything here is arithmetic on the header and the file size: a frame is only
/// decoded when the file can hold what the header declares.
public enum FrameSizeCheck {
    /// Upper bound for one decoded frame (stored values as Int32): 1 GiB. CT frames are about 1 MiB.
    public static let maximumDecodedFrameBytes: UInt64 = 1 << 30

    public static let supportedBitsAllocated: Set<Int> = [8, 16, 32]

    /// Throws `.hostileHeader` (or `.notFound` / `.unsupported`) unless `frame` of `image` can be decoded
    /// safely. Returns the number of stored values in one frame.
    @discardableResult
    public static func validate(_ image: ImageDescription, frame: Int) throws(DICOMError) -> Int {
        guard image.hasPixelData else { throw .notFound("no pixel data (7FE0,0010)") }
        guard image.rows > 0, image.columns > 0 else {
            throw .hostileHeader("Rows \(image.rows) × Columns \(image.columns): an image needs at least one pixel")
        }
        guard image.frames > 0 else { throw .hostileHeader("Number of Frames is not a positive integer") }
        guard image.samplesPerPixel == 1 || image.samplesPerPixel == 3 else {
            throw .hostileHeader("Samples per Pixel \(image.samplesPerPixel) (expected 1 or 3)")
        }
        guard supportedBitsAllocated.contains(image.bitsAllocated) else {
            throw .unsupported("Bits Allocated \(image.bitsAllocated) is not supported (8, 16 or 32)")
        }
        guard image.bitsStored >= 1, image.bitsStored <= image.bitsAllocated else {
            throw .hostileHeader("Bits Stored \(image.bitsStored) with Bits Allocated \(image.bitsAllocated)")
        }
        guard image.highBit < image.bitsAllocated, image.highBit + 1 >= image.bitsStored else {
            throw .hostileHeader("High Bit \(image.highBit) with Bits Stored \(image.bitsStored), Bits Allocated \(image.bitsAllocated)")
        }
        if image.bitsStored == 32, !image.isSigned {
            throw .unsupported("32-bit unsigned stored values do not fit Int32")
        }
        guard frame >= 0, frame < image.frames else {
            throw .notFound("frame \(frame) out of range (\(image.frames) frames)")
        }

        // All products in UInt64 with overflow checks: 65535 × 65535 × 3 × 4 × 2^31 must not wrap.
        let valuesPerFrame = try product([image.rows, image.columns, image.samplesPerPixel], what: "Rows × Columns × Samples")
        let decodedFrameBytes = try product([valuesPerFrame, 4], what: "decoded frame size")
        let storedFrameBytes = try product([valuesPerFrame, UInt64(image.bitsAllocated / 8)], what: "frame size")
        let allFramesBytes = try product([storedFrameBytes, UInt64(image.frames)], what: "pixel data size")
        let dimensions = "\(image.rows) × \(image.columns) × \(image.samplesPerPixel) samples × \(image.bitsAllocated / 8) bytes × \(image.frames) frames = \(allFramesBytes) bytes"

        // A deflated dataset can hold up to 1032 times its file size (the zlib limit).
        let isDeflated = image.transferSyntaxUID == "1.2.840.10008.1.2.1.99"
        let (inflatedBound, _) = image.fileSizeBytes.multipliedReportingOverflow(by: 1032)
        let datasetBytes = isDeflated ? inflatedBound : image.fileSizeBytes
        if let declared = image.nativePixelDataLengthBytes {
            if declared == 0xFFFF_FFFF || declared > datasetBytes {
                throw .hostileHeader("Pixel Data (7FE0,0010) declares \(declared) bytes but the file has only \(image.fileSizeBytes) bytes\(isDeflated ? " (deflated, at most \(datasetBytes) inflated)" : "")")
            }
            if allFramesBytes > declared {
                throw .hostileHeader("\(dimensions) exceeds the native pixel data length of \(declared) bytes")
            }
        }
        if !image.isEncapsulated, allFramesBytes > datasetBytes {
            throw .hostileHeader("\(dimensions) exceeds the file size of \(image.fileSizeBytes) bytes")
        }
        if decodedFrameBytes > maximumDecodedFrameBytes {
            throw .hostileHeader("one frame of \(image.rows) × \(image.columns) × \(image.samplesPerPixel) decodes to \(decodedFrameBytes) bytes, over the \(maximumDecodedFrameBytes)-byte limit")
        }
        return Int(valuesPerFrame)
    }

    private static func product(_ factors: [Int], what: String) throws(DICOMError) -> UInt64 {
        try product(factors.map { UInt64(max(0, $0)) }, what: what)
    }

    private static func product(_ factors: [UInt64], what: String) throws(DICOMError) -> UInt64 {
        var result: UInt64 = 1
        for factor in factors {
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { throw .hostileHeader("\(what) overflows 64 bits (\(factors.map(String.init).joined(separator: " × ")))") }
            result = next
        }
        return result
    }
}
