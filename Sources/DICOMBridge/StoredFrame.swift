import CDCMTK

/// One decoded frame as stored values: masked to Bits Stored and sign-extended per Pixel
/// Representation, before any rescale. Samples are interleaved (colour-by-pixel) when there are 3.
public struct StoredFrame: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public let samplesPerPixel: Int
    /// Row-major, `rows * columns * samplesPerPixel` values.
    public let storedValues: [Int32]

    public init(rows: Int, columns: Int, samplesPerPixel: Int = 1, storedValues: [Int32]) {
        precondition(storedValues.count == rows * columns * samplesPerPixel, "stored values do not match the frame size")
        self.rows = rows
        self.columns = columns
        self.samplesPerPixel = samplesPerPixel
        self.storedValues = storedValues
    }

    /// Stored value at (row, column) of sample 0.
    public subscript(row: Int, column: Int) -> Int32 {
        storedValues[(row * columns + column) * samplesPerPixel]
    }
}

extension DICOMFile {
    /// Decodes frame `index` (0-based). The header is validated first (`FrameSizeCheck`): a header that
    /// declares more pixels than the file can hold throws `.hostileHeader` and nothing is allocated.
    public func decodeFrame(_ index: Int) throws(DICOMError) -> StoredFrame {
        let image = try imageDescription()
        let count = try FrameSizeCheck.validate(image, frame: index)
        var error = cdcm_error()
        var status = CDCM_OK
        let values = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = cdcm_decode_frame(handle, UInt32(index), buffer.baseAddress, count, &error)
            // On failure the contents are meaningless; zero them so the array is never uninitialised.
            if status != CDCM_OK { buffer.initialize(repeating: 0) }
            initialized = count
        }
        guard status == CDCM_OK else { throw DICOMError(status: status, error: error) }
        return StoredFrame(rows: image.rows, columns: image.columns, samplesPerPixel: image.samplesPerPixel, storedValues: values)
    }
}
