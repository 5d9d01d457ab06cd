import CZlib
import Foundation
import Testing
@testable import ArchiveScan

/// The thumbnails' PNG: chunk checksums against the published check value, and a whole file read back.
@Suite struct PNGEncoderTests {
    @Test func chunkChecksumMatchesItsCheckValue() {
        // CRC-32 (ISO-HDLC, as in PNG) of "123456789": 0xCBF43926 (the catalogue's check value).
        #expect(PNGEncoder.crc32(Data("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGEncoder.crc32(Data()) == 0)
    }

    @Test func fileHoldsTheImage() throws {
        let width = 300, height = 250
        // A thumbnail-like picture: black surround, a grey disc with some texture.
        let rgb = (0..<(width * height)).flatMap { p -> [UInt8] in
            let x = p % width - 150, y = p / width - 125
            let grey: UInt8 = x * x + y * y < 100 * 100 ? UInt8(90 + (p * 7) % 25) : 0
            return [grey, grey, grey]
        }
        let png = [UInt8](try #require(PNGEncoder.encode(width: width, height: height, rgb: rgb)))
        #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(png[12..<16]) == Array("IHDR".utf8))
        #expect(Array(png[16..<24]) == [0, 0, 1, 44, 0, 0, 0, 250])  // width 300, height 250
        // The IDAT chunk: its CRC over type and data; its zlib stream inflates to the scanlines.
        let idatLength = Int(png[33]) << 24 | Int(png[34]) << 16 | Int(png[35]) << 8 | Int(png[36])
        #expect(Array(png[37..<41]) == Array("IDAT".utf8))
        let crcStored = png[(41 + idatLength)..<(45 + idatLength)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(PNGEncoder.crc32(Data(png[37..<(41 + idatLength)])) == crcStored)
        var scanlines: [UInt8] = []
        for y in 0..<height {
            scanlines.append(0)
            scanlines += rgb[(y * width * 3)..<((y + 1) * width * 3)]
        }
        var inflated = [UInt8](repeating: 0, count: scanlines.count + 1)
        var inflatedLength = uLongf(inflated.count)
        let stream = Array(png[41..<(41 + idatLength)])
        let status = inflated.withUnsafeMutableBufferPointer { out in
            stream.withUnsafeBufferPointer { uncompress(out.baseAddress!, &inflatedLength, $0.baseAddress!, uLong($0.count)) }
        }
        #expect(status == Z_OK)
        #expect(Array(inflated[0..<Int(inflatedLength)]) == scanlines)
        // Compressed: the black surround and the disc's repeating texture take little room.
        #expect(idatLength < scanlines.count / 4)
        #expect(Array(png[(png.count - 8)..<(png.count - 4)]) == Array("IEND".utf8))
    }
}
