import CZlib
import Foundation

/// PNG writer for the RGB thumbnails: 8-bit truecolour, no interlace, filter type None, the scanlines
/// deflated by zlib at its fastest level (PNG specification; RFC 1950 / 1951). A CT thumbnail shrinks
/// about fivefold (168 KB of scanlines to about 33 KB), which matters because the results store keeps
/// one per analysed series.
enum PNGEncoder {
    /// The PNG file; nil when zlib fails (it can only run out of memory).
    static func encode(width: Int, height: Int, rgb: [UInt8]) -> Data? {
        let rowBytes = width * 3
        var raw = [UInt8](repeating: 0, count: height * (rowBytes + 1))  // each row: filter type 0, then RGB
        rgb.withUnsafeBufferPointer { source in
            raw.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    (out.baseAddress! + y * (rowBytes + 1) + 1).update(from: source.baseAddress! + y * rowBytes, count: rowBytes)
                }
            }
        }
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.append(contentsOf: bigEndian(UInt32(width)) + bigEndian(UInt32(height)))
        header.append(contentsOf: [8, 2, 0, 0, 0])  // 8-bit, truecolour, deflate, adaptive filtering, no interlace
        png.append(chunk("IHDR", header))
        guard let stream = deflated(raw) else { return nil }
        png.append(chunk("IDAT", stream))
        png.append(chunk("IEND", Data()))
        return png
    }

    /// A zlib stream of `bytes` (zlib's level 1: the fastest).
    static func deflated(_ bytes: [UInt8]) -> Data? {
        var capacity = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(capacity))
        let status = bytes.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                compress2(target.baseAddress!, &capacity, source.baseAddress, uLong(source.count), 1)
            }
        }
        // compressBound is what zlib guarantees enough; memory failure is the only other outcome.
        guard status == Z_OK else { return nil }
        return Data(out[0..<Int(capacity)])
    }

    private static func chunk(_ type: String, _ body: Data) -> Data {
        var typed = Data(type.utf8)
        typed.append(body)
        return Data(bigEndian(UInt32(body.count))) + typed + Data(bigEndian(crc32(typed)))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// CRC-32 of the PNG chunks (ISO-HDLC, as zlib computes it).
    static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { bytes in
            UInt32(CZlib.crc32(0, bytes.bindMemory(to: UInt8.self).baseAddress, uInt(bytes.count)))
        }
    }
}
