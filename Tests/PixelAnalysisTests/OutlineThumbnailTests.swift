import Testing
@testable import PixelAnalysis

@Suite struct OutlineThumbnailTests {
    @Test func outlineIsDrawnAndSizeIsReduced() {
        // 512² slice → step 2 → 256²; the water ellipse's edge is orange, its inside grey (0 HU in a
        // 40/400 window: (0 − (−160)) / 400 × 255 = 102), air black.
        let slice = SyntheticPhantom(lateralCentimeters: 30, apCentimeters: 20).slice()
        let outline = PatientSegmentation.segment(slice)
        let thumbnail = OutlineThumbnail(slice: slice, body: outline.body)
        #expect(thumbnail.width == 256 && thumbnail.height == 256)
        let pixel = { (x: Int, y: Int) in Array(thumbnail.rgb[((y * 256 + x) * 3)..<((y * 256 + x) * 3 + 3)]) }
        #expect(pixel(128, 128) == [102, 102, 102])
        #expect(pixel(5, 5) == [0, 0, 0])
        let orange = (0..<256).filter { pixel($0, 128) == [0xE6, 0x9F, 0x00] }
        #expect(orange.count == 2)  // the outline crossed twice along the middle row
    }
}
