/// A small RGB picture of a slice with the measured patient outline drawn on it, so a physicist can
/// see what was measured. Soft-tissue window (level 40 HU, width 400 HU), padding black, outline
/// orange (Okabe–Ito #E69F00), reduced by whole-pixel steps to at most `maximumSide` pixels.
public struct OutlineThumbnail: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major RGB, 3 bytes per pixel.
    public let rgb: [UInt8]

    public init(slice: AxialSlice, body: BinaryMask, maximumSide: Int = 256) {
        let step = max(1, (max(slice.rows, slice.columns) + maximumSide - 1) / maximumSide)
        width = (slice.columns + step - 1) / step
        height = (slice.rows + step - 1) / step
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        let columns = slice.columns
        func isOutline(_ r: Int, _ c: Int) -> Bool {
            guard body.pixels[r * columns + c] else { return false }
            return r == 0 || c == 0 || r == slice.rows - 1 || c == columns - 1
                || !body.pixels[(r - 1) * columns + c] || !body.pixels[(r + 1) * columns + c]
                || !body.pixels[r * columns + c - 1] || !body.pixels[r * columns + c + 1]
        }
        for y in 0..<height {
            for x in 0..<width {
                let r = y * step, c = x * step
                var outline = false
                // The outline is one source pixel wide: look for it anywhere in the block.
                for rr in r..<min(r + step, slice.rows) where !outline {
                    for cc in c..<min(c + step, columns) where isOutline(rr, cc) { outline = true; break }
                }
                let o = (y * width + x) * 3
                if outline {
                    rgb[o] = 0xE6; rgb[o + 1] = 0x9F; rgb[o + 2] = 0x00
                } else {
                    let hu = slice.hounsfieldUnits[r * columns + c]
                    let grey = hu.isNaN ? 0 : UInt8(max(0, min(255, (Double(hu) - (40 - 200)) / 400 * 255)))
                    rgb[o] = grey; rgb[o + 1] = grey; rgb[o + 2] = grey
                }
            }
        }
        self.rgb = rgb
    }
}
