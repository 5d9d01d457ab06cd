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
        let rows = slice.rows, columns = slice.columns, width = self.width, height = self.height
        let outline = Self.outlinePixels(body)
        outline.withUnsafeBufferPointer { outline in
            slice.hounsfieldUnits.withUnsafeBufferPointer { values in
                rgb.withUnsafeMutableBufferPointer { rgb in
                    for y in 0..<height {
                        for x in 0..<width {
                            let r = y * step, c = x * step
                            // The outline is one source pixel wide: look for it anywhere in the block.
                            var onOutline: UInt8 = 0
                            for rr in r..<min(r + step, rows) {
                                for cc in c..<min(c + step, columns) { onOutline |= outline[rr * columns + cc] }
                            }
                            let o = (y * width + x) * 3
                            if onOutline != 0 {
                                rgb[o] = 0xE6; rgb[o + 1] = 0x9F; rgb[o + 2] = 0x00
                            } else {
                                let hu = values[r * columns + c]
                                let grey = hu.isNaN ? 0 : UInt8(max(0, min(255, (Double(hu) - (40 - 200)) / 400 * 255)))
                                rgb[o] = grey; rgb[o + 1] = grey; rgb[o + 2] = grey
                            }
                        }
                    }
                }
            }
        }
        self.rgb = rgb
    }

    /// 1 for body pixels on the image edge or with a 4-neighbour outside the body, else 0.
    static func outlinePixels(_ body: BinaryMask) -> [UInt8] {
        let rows = body.rows, columns = body.columns
        return body.withBytes { b in
            [UInt8](unsafeUninitializedCapacity: rows * columns) { out, count in
                count = rows * columns
                for r in 0..<rows {
                    let here = b.baseAddress! + r * columns, row = out.baseAddress! + r * columns
                    guard r > 0, r < rows - 1, columns > 2 else { row.update(from: here, count: columns); continue }
                    let up = here - columns, down = here + columns
                    row[0] = here[0]
                    for c in 1..<(columns - 1) { row[c] = here[c] & ~(up[c] & down[c] & here[c - 1] & here[c + 1]) }
                    row[columns - 1] = here[columns - 1]
                }
            }
        }
    }
}
