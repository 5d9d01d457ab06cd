/// The fine-scale steps of the patient segmentation on one byte per pixel, so that choosing the
/// patient's components, keeping their cavities and the final hole filling share their passes. The
/// values follow ScanlineFill (`open`, `filled`, 0 blocks) and mean, in turn:
///  1. from `init`: `open` = the opened mask, 0 = background;
///  2. after `selectComponents`: `filled` = the selection (components holding a kept coarse part);
///  3. after `fillOutsideOfSelection`: `filled` = background reachable from the image border,
///     `open` = cavities enclosed by the selection, 0 = the selection;
///  4. `body` cuts the selection to the kept neighbourhood and fills what the cut opened up.
struct FineScaleMap {
    let rows: Int
    let columns: Int
    private var map: [UInt8]

    init(fine: [UInt8], rows: Int, columns: Int) {
        precondition(fine.count == rows * columns)
        self.rows = rows
        self.columns = columns
        map = fine
    }

    /// Fills every fine component that holds a pixel of the coarse parts `labels` (in the
    /// half-resolution `labelMap`). One seed per part is enough: a pixel of a part eroded by r ≥ 1
    /// at half resolution has its whole full-resolution 3 × 3 neighbourhood in the mask, so the
    /// part's full-resolution footprint lies inside the opened mask, in one fine component.
    mutating func selectComponents(holding labels: Set<Int32>, labelMap: [Int32], halfColumns: Int) {
        guard !labels.isEmpty else { return }
        let rows = self.rows, columns = self.columns
        var stack: [Int] = []
        var seeded = Set<Int32>()
        labelMap.withUnsafeBufferPointer { labelMap in
            map.withUnsafeMutableBufferPointer { buffer in
                for h in labelMap.indices where labelMap[h] != 0 && labels.contains(labelMap[h]) && !seeded.contains(labelMap[h]) {
                    seeded.insert(labelMap[h])
                    let seed = 2 * (h / halfColumns) * columns + 2 * (h % halfColumns)
                    assert(buffer[seed] != 0, "a kept coarse part outside the opened mask")
                    ScanlineFill.fill(buffer.baseAddress!, rows: rows, columns: columns, from: seed, stack: &stack)
                    if seeded.count == labels.count { break }
                }
            }
        }
    }

    /// Whether the selection holds a pixel of `halfMask` (a half-resolution mask).
    func selectionTouches(_ halfMask: BinaryMask) -> Bool {
        let rows = self.rows, columns = self.columns, halfColumns = halfMask.columns
        return halfMask.withBytes { half in
            map.withUnsafeBufferPointer { m in
                var h = 0
                while h < half.count {
                    // Most of the mask is unset: skip it eight bytes at a time.
                    if h &+ 8 <= half.count, UnsafeRawPointer(half.baseAddress! + h).loadUnaligned(as: UInt64.self) == 0 { h &+= 8; continue }
                    defer { h &+= 1 }
                    guard half[h] != 0 else { continue }
                    let r = 2 * (h / halfColumns), c = 2 * (h % halfColumns)
                    for rr in r..<min(r + 2, rows) {
                        for cc in c..<min(c + 2, columns) where m[rr * columns + cc] == ScanlineFill.filled { return true }
                    }
                }
                return false
            }
        }
    }

    /// Blocks the selection, opens everything else and fills it from the image border: what stays
    /// open is enclosed by the selection.
    mutating func fillOutsideOfSelection() {
        let rows = self.rows, columns = self.columns
        map.withUnsafeMutableBufferPointer { buffer in
            // filled (2) → 0, anything else (0, 1) → open (1).
            for p in 0..<buffer.count { buffer[p] = (buffer[p] >> 1 ^ 1) & 1 }
            ScanlineFill.fillFromBorder(buffer.baseAddress!, rows: rows, columns: columns)
        }
    }

    /// The body: the selection where `near` is set and `couch` is not (both half-resolution), plus
    /// the selection's cavities, hole-filled. Selection pixels cut off here are opened, and filled
    /// from wherever they meet the border-connected background; the rest of them are holes.
    mutating func body(near: BinaryMask, awayFrom couch: BinaryMask?) -> BinaryMask {
        let rows = self.rows, columns = self.columns, halfColumns = near.columns
        let couch = couch ?? BinaryMask(rows: near.rows, columns: near.columns, pixels: [Bool](repeating: false, count: near.pixels.count))
        var seeds: [Int] = []
        let keep = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, columns))
        defer { keep.deallocate() }
        near.withBytes { near in
            couch.withBytes { couch in
                map.withUnsafeMutableBufferPointer { buffer in
                    let m = buffer.baseAddress!
                    for r in 0..<rows {
                        if r % 2 == 0 {  // the half-resolution row's keep flags, at full resolution
                            let nearRow = near.baseAddress! + (r / 2) * halfColumns, couchRow = couch.baseAddress! + (r / 2) * halfColumns
                            for k in 0..<(columns / 2) {
                                let flag = nearRow[k] & ~couchRow[k] & 1
                                keep[2 &* k] = flag
                                keep[2 &* k &+ 1] = flag
                            }
                            if columns % 2 == 1 { keep[columns - 1] = nearRow[columns / 2] & ~couchRow[columns / 2] & 1 }
                        }
                        // Branch-free on the values 0, 1, 2: filled stays, open (a cavity) becomes body (0),
                        // selection stays where kept and is opened (cut) elsewhere.
                        let row = m + r * columns
                        var anyCut: UInt8 = 0
                        for c in 0..<columns {
                            let v = row[c]
                            let cut = ~(v | v >> 1) & ~keep[c] & 1
                            row[c] = (v & ScanlineFill.filled) | cut
                            anyCut |= cut
                        }
                        guard anyCut != 0 else { continue }
                        // A cut pixel next to border-connected background (filled; never changed by this
                        // pass) or on the image edge seeds the fill. Seed order does not change what fills.
                        let edgeRow = r == 0 || r == rows - 1
                        for c in 0..<columns where row[c] == ScanlineFill.open {
                            let p = r * columns + c
                            if edgeRow || c == 0 || c == columns - 1 || m[p - 1] == ScanlineFill.filled || m[p + 1] == ScanlineFill.filled
                                || m[p - columns] == ScanlineFill.filled || m[p + columns] == ScanlineFill.filled {
                                seeds.append(p)
                            }
                        }
                    }
                    var stack: [Int] = []
                    for seed in seeds { ScanlineFill.fill(m, rows: rows, columns: columns, from: seed, stack: &stack) }
                }
            }
        }
        return BinaryMask(notFilledIn: map, rows: rows, columns: columns)
    }
}

extension BinaryMask {
    /// The pixels of a ScanlineFill map (values 0, 1, 2) that are not `filled`, without a branch per pixel.
    init(notFilledIn map: [UInt8], rows: Int, columns: Int) {
        let pixels = map.withUnsafeBufferPointer { map in
            [Bool](unsafeUninitializedCapacity: map.count) { out, count in
                out.withMemoryRebound(to: UInt8.self) { bytes in
                    for p in 0..<map.count { bytes[p] = (map[p] >> 1 ^ 1) & 1 }
                }
                count = map.count
            }
        }
        self.init(rows: rows, columns: columns, pixels: pixels)
    }
}
