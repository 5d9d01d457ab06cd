/// Rescale Slope (0028,1053) and Rescale Intercept (0028,1052): output = stored × slope + intercept.
public struct Rescale: Equatable, Sendable {
    public var slope: Double
    public var intercept: Double

    public init(slope: Double, intercept: Double) {
        self.slope = slope
        self.intercept = intercept
    }

    public static let identity = Rescale(slope: 1, intercept: 0)
}

/// A frame in Hounsfield units with the pixels that are padding (outside the reconstructed field).
public struct HounsfieldImage: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    /// Row-major; padded pixels hold their rescaled value too, `isPadding` says which they are.
    public let hounsfieldUnits: [Float]
    public let isPadding: [Bool]

    public var paddingCount: Int { isPadding.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Whether any pixel is padding (64 mask bytes a test: most images have none).
    public var hasPadding: Bool {
        isPadding.withUnsafeBufferPointer { mask in
            mask.withMemoryRebound(to: UInt8.self) { bytes in
                var i = 0
                while i &+ 64 <= bytes.count {
                    let raw = UnsafeRawPointer(bytes.baseAddress! + i)
                    let any = raw.loadUnaligned(as: SIMD16<UInt8>.self) | raw.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
                        | raw.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt8>.self) | raw.loadUnaligned(fromByteOffset: 48, as: SIMD16<UInt8>.self)
                    if any != SIMD16(repeating: 0) { return true }
                    i &+= 64
                }
                while i < bytes.count { if bytes[i] != 0 { return true }; i &+= 1 }
                return false
            }
        }
    }
}

extension StoredFrame {
    /// Applies `rescale` to every stored value and marks padding by stored-value comparison.
    /// Monochrome only: a colour frame has no Hounsfield units.
    public func hounsfieldImage(rescale: Rescale, padding: PixelPadding?) throws(DICOMError) -> HounsfieldImage {
        guard samplesPerPixel == 1 else {
            throw .unsupported("Hounsfield units need a monochrome frame (Samples per Pixel \(samplesPerPixel))")
        }
        guard rescale.slope.isFinite, rescale.intercept.isFinite, rescale.slope != 0 else {
            throw .wrongType("unusable rescale: slope \(rescale.slope), intercept \(rescale.intercept)")
        }
        let slope = rescale.slope
        let intercept = rescale.intercept
        let count = storedValues.count
        // Straight loops into uninitialised storage (not `map`), so that both vectorize.
        let units = storedValues.withUnsafeBufferPointer { stored in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                var exact = false
                if Self.wholeRescale(slope: slope, intercept: intercept) {
                    // Through Float, with twice the lanes; the magnitudes seen on the way (OR of |v| or
                    // |v| − 1) decide afterwards whether every product and sum was exact there.
                    let floatSlope = Float(slope), floatIntercept = Float(intercept)
                    var magnitudeBits: UInt32 = 0
                    for i in 0..<count {
                        let v = stored[i]
                        magnitudeBits |= UInt32(bitPattern: v ^ v >> 31)
                        out[i] = Float(v) * floatSlope + floatIntercept
                    }
                    exact = Self.exactInFloat(largestMagnitude: Double(magnitudeBits) + 1, slope: slope, intercept: intercept)
                }
                if !exact {
                    for i in 0..<count { out[i] = Float(Double(stored[i]) * slope + intercept) }
                }
                initialized = count
            }
        }
        let mask: [Bool]
        if let padding {
            let low = padding.storedValues.lowerBound, high = padding.storedValues.upperBound
            mask = storedValues.withUnsafeBufferPointer { stored in
                [Bool](unsafeUninitializedCapacity: count) { out, initialized in
                    out.withMemoryRebound(to: UInt8.self) { bytes in
                        for i in 0..<count { bytes[i] = (stored[i] >= low ? 1 : 0) & (stored[i] <= high ? 1 : 0) }
                    }
                    initialized = count
                }
            }
        } else {
            mask = [Bool](repeating: false, count: count)
        }
        return HounsfieldImage(rows: rows, columns: columns, hounsfieldUnits: units, isPadding: mask)
    }
}

extension StoredFrame {
    /// Float computes stored × slope + intercept exactly, so with the same result as Double, when the
    /// slope and intercept are whole and every product and result is below 2^24 in magnitude.
    static func wholeRescale(slope: Double, intercept: Double) -> Bool {
        slope == slope.rounded() && intercept == intercept.rounded() && abs(slope) < floatExactLimit && abs(intercept) < floatExactLimit
    }

    static func exactInFloat(largestMagnitude: Double, slope: Double, intercept: Double) -> Bool {
        wholeRescale(slope: slope, intercept: intercept) && largestMagnitude * abs(slope) + abs(intercept) < floatExactLimit
    }

    /// 2^24: every whole number of smaller magnitude is a Float.
    private static let floatExactLimit: Double = 16_777_216
}

extension DICOMFile {
    /// Frame `index` in Hounsfield units: its rescale from the frame geometry (per-frame or shared Pixel
    /// Value Transformation for enhanced CT, top-level Rescale for classic CT; identity when absent) and
    /// the padding mask from (0028,0120)/(0028,0121).
    public func hounsfieldImage(frame index: Int) throws(DICOMError) -> HounsfieldImage {
        let image = try imageDescription()
        let stored = try decodeFrame(index)
        let rescale = frameGeometry(index).rescale ?? .identity
        return try stored.hounsfieldImage(rescale: rescale, padding: pixelPadding(for: image))
    }
}
