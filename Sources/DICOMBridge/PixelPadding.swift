/// Pixel Padding Value (0028,0120) and Pixel Padding Range Limit (0028,0121) as stored values.
///
/// Both are compared with stored values (before rescale). Their VR is US or SS depending on Pixel
/// Representation, and implicit-VR files often read them as US: the raw bits are therefore re-read
/// with the image's Bits Stored and signedness, exactly like a stored pixel.
public struct PixelPadding: Equatable, Sendable {
    /// Inclusive range of padding stored values (a single value when there is no range limit).
    public let storedValues: ClosedRange<Int32>

    public init(value: Int32, rangeLimit: Int32? = nil) {
        let limit = rangeLimit ?? value
        storedValues = min(value, limit)...max(value, limit)
    }

    /// Padding declared by a header, interpreted per Bits Stored and Pixel Representation.
    /// nil when there is no Pixel Padding Value.
    public init?(value rawValue: Double?, rangeLimit rawLimit: Double?, bitsStored: Int, isSigned: Bool) {
        guard let rawValue, let value = Self.storedValue(rawValue, bitsStored: bitsStored, isSigned: isSigned) else { return nil }
        let limit = rawLimit.flatMap { Self.storedValue($0, bitsStored: bitsStored, isSigned: isSigned) }
        self.init(value: value, rangeLimit: limit)
    }

    public func contains(_ stored: Int32) -> Bool { storedValues.contains(stored) }

    /// The low `bitsStored` bits of `raw` (a US, SS or signed decimal), sign-extended when signed.
    static func storedValue(_ raw: Double, bitsStored: Int, isSigned: Bool) -> Int32? {
        guard raw.isFinite, raw == raw.rounded(), raw >= -2_147_483_648, raw <= 4_294_967_295, (1...32).contains(bitsStored) else {
            return nil
        }
        let bits = UInt32(truncatingIfNeeded: Int64(raw))
        let mask: UInt32 = bitsStored == 32 ? .max : (1 << UInt32(bitsStored)) - 1
        var value = bits & mask
        if isSigned, bitsStored < 32, value & (1 << UInt32(bitsStored - 1)) != 0 { value |= ~mask }
        return Int32(bitPattern: value)
    }
}

extension DICOMFile {
    /// Pixel padding of this image, nil when (0028,0120) is absent.
    public func pixelPadding(for image: ImageDescription) -> PixelPadding? {
        PixelPadding(
            value: number(.pixelPaddingValue),
            rangeLimit: number(.pixelPaddingRangeLimit),
            bitsStored: image.bitsStored,
            isSigned: image.isSigned
        )
    }
}
