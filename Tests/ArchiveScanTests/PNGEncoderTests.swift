import Foundation
import Testing
@testable import ArchiveScan

/// The thumbnails' PNG checksums against the standards' published check values, and a whole file's
/// structure.
@Suite struct PNGEncoderTests {
    @Test func checksumsMatchTheirCheckValues() {
        // CRC-32 (ISO-HDLC, as in PNG) of "123456789": 0xCBF43926 (the catalogue's check value).
        #expect(PNGEncoder.crc32(Data("123456789".utf8)) == 0xCBF4_3926)
        // Adler-32 (RFC 1950) of "Wikipedia": 0x11E60398; of nothing: 1.
        #expect(PNGEncoder.adler32(Data("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(PNGEncoder.adler32(Data()) == 1)
        // Past one block of 5552 bytes: 20,000 bytes of 0xFF, from the definition's sums.
        let long = Data(repeating: 0xFF, count: 20_000)
        var a: UInt64 = 1, b: UInt64 = 0
        for _ in 0..<20_000 { a = (a + 255) % 65521; b = (b + a) % 65521 }
        #expect(PNGEncoder.adler32(long) == UInt32(b << 16 | a))
    }

    @Test func fileHoldsTheImageInStoredBlocks() {
        let width = 300, height = 250  // 225,250 bytes of scanlines: four stored deflate blocks
        let rgb = (0..<(width * height * 3)).map { UInt8($0 % 251) }
        let png = [UInt8](PNGEncoder.encode(width: width, height: height, rgb: rgb))
        #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(png[12..<16]) == Array("IHDR".utf8))
        // The IDAT chunk: its CRC over type and data, then the zlib stream's blocks give back the scanlines.
        let idatLength = Int(png[33]) << 24 | Int(png[34]) << 16 | Int(png[35]) << 8 | Int(png[36])
        #expect(Array(png[37..<41]) == Array("IDAT".utf8))
        let crcStored = png[(41 + idatLength)..<(45 + idatLength)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(PNGEncoder.crc32(Data(png[37..<(41 + idatLength)])) == crcStored)
        var zlib = Array(png[41..<(41 + idatLength)]), raw: [UInt8] = []
        zlib.removeFirst(2)
        while true {
            let final = zlib[0], length = Int(zlib[1]) | Int(zlib[2]) << 8
            raw += zlib[5..<(5 + length)]
            zlib.removeFirst(5 + length)
            if final == 1 { break }
        }
        var scanlines: [UInt8] = []
        for y in 0..<height {
            scanlines.append(0)
            scanlines += rgb[(y * width * 3)..<((y + 1) * width * 3)]
        }
        #expect(raw == scanlines)
        #expect(zlib.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } == PNGEncoder.adler32(Data(scanlines)))
    }
}
