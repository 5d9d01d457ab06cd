import CDCMTK
import Foundation

/// The Image Pixel module of a file as declared in its header, plus what the file can actually hold.
/// Values are reported as found; `FrameSizeCheck` decides whether they are plausible.
public struct ImageDescription: Equatable, Sendable {
    public var rows: Int
    public var columns: Int
    /// Number of Frames (0028,0008); 1 when absent, 0 when present but not a positive integer.
    public var frames: Int
    public var bitsAllocated: Int
    public var bitsStored: Int
    public var highBit: Int
    /// Pixel Representation 1: stored values are two's complement.
    public var isSigned: Bool
    public var samplesPerPixel: Int
    public var photometricInterpretation: String
    public var transferSyntaxUID: String
    public var hasPixelData: Bool
    /// Pixel data is a sequence of compressed fragments.
    public var isEncapsulated: Bool
    /// Declared length of native (7FE0,0010); nil for encapsulated pixel data.
    public var nativePixelDataLengthBytes: UInt64?
    public var fileSizeBytes: UInt64

    public init(
        rows: Int, columns: Int, frames: Int, bitsAllocated: Int, bitsStored: Int, highBit: Int,
        isSigned: Bool, samplesPerPixel: Int, photometricInterpretation: String, transferSyntaxUID: String,
        hasPixelData: Bool, isEncapsulated: Bool, nativePixelDataLengthBytes: UInt64?, fileSizeBytes: UInt64
    ) {
        self.rows = rows
        self.columns = columns
        self.frames = frames
        self.bitsAllocated = bitsAllocated
        self.bitsStored = bitsStored
        self.highBit = highBit
        self.isSigned = isSigned
        self.samplesPerPixel = samplesPerPixel
        self.photometricInterpretation = photometricInterpretation
        self.transferSyntaxUID = transferSyntaxUID
        self.hasPixelData = hasPixelData
        self.isEncapsulated = isEncapsulated
        self.nativePixelDataLengthBytes = nativePixelDataLengthBytes
        self.fileSizeBytes = fileSizeBytes
    }

    /// Stored values in one frame (rows × columns × samples).
    public var valuesPerFrame: Int { rows * columns * samplesPerPixel }
}

extension DICOMFile {
    /// The image header as declared. Throws only when the shim cannot be asked at all.
    public func imageDescription() throws(DICOMError) -> ImageDescription {
        var info = cdcm_image_info()
        var error = cdcm_error()
        let status = cdcm_image_info_get(handle, &info, &error)
        guard status == CDCM_OK else { throw DICOMError(status: status, error: error) }
        return ImageDescription(
            rows: Int(info.rows),
            columns: Int(info.columns),
            frames: Int(info.frames),
            bitsAllocated: Int(info.bits_allocated),
            bitsStored: Int(info.bits_stored),
            highBit: Int(info.high_bit),
            isSigned: info.pixel_representation == 1,
            samplesPerPixel: Int(info.samples_per_pixel),
            photometricInterpretation: Self.text(of: info.photometric).trimmingCharacters(in: .whitespaces),
            transferSyntaxUID: Self.text(of: info.transfer_syntax),
            hasPixelData: info.has_pixel_data != 0,
            isEncapsulated: info.encapsulated != 0,
            nativePixelDataLengthBytes: info.encapsulated != 0 ? nil : info.pixel_data_length,
            fileSizeBytes: info.file_size
        )
    }

    /// A fixed-size C `char[N]` field (imported as a tuple) as a String.
    static func text<Field>(of field: Field) -> String {
        withUnsafeBytes(of: field) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
