/// Square erosion and dilation, and the 2 × 2 resampling the coarse segmentation scale uses.
/// Erosion with a (2r+1)² square keeps a pixel when its whole window is foreground (outside the image
/// counts as background); dilation sets it when any window pixel is. Both are separable: a row pass,
/// then a column pass over the row result (a window is full exactly when each of its rows is).
extension BinaryMask {
    public func eroded(radius: Int) -> BinaryMask {
        guard radius > 0 else { return self }
        return filtered(radius: radius, erode: true)
    }

    /// Dilation with a (2r+1)² square.
    public func dilated(radius: Int) -> BinaryMask {
        guard radius > 0 else { return self }
        return filtered(radius: radius, erode: false)
    }

    private func filtered(radius: Int, erode: Bool) -> BinaryMask {
        let bytes = withBytes { SquareFilter.apply($0.baseAddress!, rows: rows, columns: columns, radius: radius, erode: erode) }
        return BinaryMask(rows: rows, columns: columns, bytes: bytes) { $0 != 0 }
    }

    /// Opening (erosion, then dilation) by a (2r+1)² square, as a byte map of 0 and 1.
    func openedBytes(radius: Int) -> [UInt8] {
        let eroded = withBytes { SquareFilter.apply($0.baseAddress!, rows: rows, columns: columns, radius: radius, erode: true) }
        return eroded.withUnsafeBufferPointer { SquareFilter.apply($0.baseAddress!, rows: rows, columns: columns, radius: radius, erode: false) }
    }

    /// Half the resolution in each direction: a pixel is set when all of its 2 × 2 block is (so
    /// separate structures never merge; a block cut by the image edge counts its missing pixels as unset).
    public func downsampledByTwo() -> BinaryMask {
        let halfRows = (rows + 1) / 2, halfColumns = (columns + 1) / 2
        let columns = self.columns
        let bytes = withBytes { source in
            [UInt8](unsafeUninitializedCapacity: halfRows * halfColumns) { out, count in
                count = halfRows * halfColumns
                for h in 0..<halfRows {
                    let row = out.baseAddress! + h * halfColumns
                    // Blocks cut by the last row or column are unset; the others are the AND of four bytes.
                    guard 2 * h + 1 < rows else { row.initialize(repeating: 0, count: halfColumns); continue }
                    let top = source.baseAddress! + 2 * h * columns, bottom = top + columns
                    let completeColumns = columns / 2
                    for k in 0..<completeColumns {
                        row[k] = top[2 &* k] & top[2 &* k &+ 1] & bottom[2 &* k] & bottom[2 &* k &+ 1]
                    }
                    if completeColumns < halfColumns { row[completeColumns] = 0 }
                }
            }
        }
        return BinaryMask(rows: halfRows, columns: halfColumns, bytes: bytes) { $0 != 0 }
    }

    /// Back to full resolution (`rows` × `columns`): each pixel copies its 2 × 2 block's value.
    public func upsampledByTwo(rows fullRows: Int, columns fullColumns: Int) -> BinaryMask {
        var result = [Bool](repeating: false, count: fullRows * fullColumns)
        pixels.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { out in
                for r in 0..<fullRows {
                    let halfBase = (r / 2) * columns, base = r * fullColumns
                    for c in 0..<fullColumns { out[base + c] = source[halfBase + c / 2] }
                }
            }
        }
        return BinaryMask(rows: fullRows, columns: fullColumns, pixels: result)
    }
}

/// The separable square filter on byte maps of 0 and 1.
enum SquareFilter {
    static func apply(_ source: UnsafePointer<UInt8>, rows: Int, columns: Int, radius: Int, erode: Bool) -> [UInt8] {
        let n = rows * columns
        guard n > 0 else { return [] }
        let rowPass = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, n))
        defer { rowPass.deallocate() }
        for r in 0..<rows {
            let base = r * columns
            if radius == 1 {
                rowRadiusOne(source + base, rowPass + base, columns: columns, erode: erode)
            } else {
                row(source + base, rowPass + base, columns: columns, radius: radius, erode: erode)
            }
        }
        return [UInt8](unsafeUninitializedCapacity: n) { out, count in
            count = n
            if radius == 1 {
                columnsRadiusOne(rowPass, out.baseAddress!, rows: rows, columns: columns, erode: erode)
            } else {
                self.columns(rowPass, out.baseAddress!, rows: rows, columns: columns, radius: radius, erode: erode)
            }
        }
    }

    /// One row: each pixel gets all (erode) / any (dilate) of [c − r, c + r]. Interior pixels fold the
    /// window's bytes (ByteWindows); the r pixels at each end, whose window leaves the image, are 0 for
    /// erosion and the OR over the clipped window for dilation.
    private static func row(_ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>, columns: Int, radius: Int, erode: Bool) {
        let span = 2 * radius + 1
        guard columns > 2 * radius else {
            for c in 0..<columns {
                var any: UInt8 = 0, all: UInt8 = 1
                for q in max(0, c - radius)...min(columns - 1, c + radius) { any |= s[q]; all &= s[q] }
                d[c] = erode ? (c >= radius && c + radius < columns ? all : 0) : any
            }
            return
        }
        let interior = columns - 2 * radius, out = d + radius
        ByteWindows.fold(s, into: out, count: interior, span: span, unit: 1, all: erode)
        if erode {
            d.initialize(repeating: 0, count: radius)
            (out + interior).initialize(repeating: 0, count: radius)
        } else {
            for c in 0..<radius {
                var left: UInt8 = 0, right: UInt8 = 0
                for q in 0...(c + radius) { left |= s[q]; right |= s[columns - 1 - q] }
                d[c] = left
                d[columns - 1 - c] = right
            }
        }
    }

    private static func rowRadiusOne(_ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>, columns: Int, erode: Bool) {
        guard columns > 1 else { d[0] = erode ? 0 : s[0]; return }
        if erode {
            d[0] = 0
            for c in 1..<(columns - 1) { d[c] = s[c - 1] & s[c] & s[c + 1] }
            d[columns - 1] = 0
        } else {
            d[0] = s[0] | s[1]
            for c in 1..<(columns - 1) { d[c] = s[c - 1] | s[c] | s[c + 1] }
            d[columns - 1] = s[columns - 2] | s[columns - 1]
        }
    }

    /// Column pass: running per-column counts of the row-pass result over [r − radius, r + radius].
    private static func columns(_ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>, rows: Int, columns: Int, radius: Int, erode: Bool) {
        let span = UInt16(2 * radius + 1)
        let running = UnsafeMutablePointer<UInt16>.allocate(capacity: max(1, columns))
        defer { running.deallocate() }
        running.initialize(repeating: 0, count: columns)
        for r in 0..<min(radius, rows) { for c in 0..<columns { running[c] &+= UInt16(s[r * columns + c]) } }
        for r in 0..<rows {
            if r + radius < rows {
                let entering = s + (r + radius) * columns
                for c in 0..<columns { running[c] &+= UInt16(entering[c]) }
            }
            if r - radius - 1 >= 0 {
                let leaving = s + (r - radius - 1) * columns
                for c in 0..<columns { running[c] &-= UInt16(leaving[c]) }
            }
            let out = d + r * columns
            if erode {
                for c in 0..<columns { out[c] = running[c] == span ? 1 : 0 }
            } else {
                for c in 0..<columns { out[c] = running[c] != 0 ? 1 : 0 }
            }
        }
    }

    private static func columnsRadiusOne(_ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>, rows: Int, columns: Int, erode: Bool) {
        for r in 0..<rows {
            let out = d + r * columns, here = s + r * columns
            let above = r > 0 ? here - columns : nil, below = r < rows - 1 ? here + columns : nil
            if erode {
                guard let above, let below else { out.initialize(repeating: 0, count: columns); continue }
                for c in 0..<columns { out[c] = above[c] & here[c] & below[c] }
            } else {
                switch (above, below) {
                case let (above?, below?): for c in 0..<columns { out[c] = above[c] | here[c] | below[c] }
                case let (above?, nil): for c in 0..<columns { out[c] = above[c] | here[c] }
                case let (nil, below?): for c in 0..<columns { out[c] = here[c] | below[c] }
                case (nil, nil): for c in 0..<columns { out[c] = here[c] }
                }
            }
        }
    }
}
