import Foundation

/// Patient size on one axial slice (centimetres, square centimetres).
public struct SliceSize: Sendable, Equatable, Codable {
    public var zMillimeters: Double
    public var areaSquareCentimeters: Double
    /// 2·√(A/π).
    public var areaEquivalentDiameterCentimeters: Double
    /// AAPM 220: Aw = Σ(HU/1000 + 1)·pixel area over the patient; Dw = 2·√(Aw/π).
    public var waterEquivalentDiameterCentimeters: Double
    /// Extents along the patient's y (AP) and x (lateral) axes, honouring Image Orientation.
    public var apCentimeters: Double
    public var lateralCentimeters: Double
    public var truncated: Bool
    public var truncatedOutlineFraction: Double
    /// The centre of the patient's area (the body outline's centroid) in patient coordinates (mm); nil
    /// without Image Position (Patient) or without a body.
    public var centroidXMillimeters: Double? = nil
    public var centroidYMillimeters: Double? = nil
    /// The body's extent along patient x and y in patient coordinates (mm, pixel footprints included);
    /// nil without Image Position (Patient) or without a body.
    public var bodyBoundsMillimeters: BodyBounds? = nil

    /// AAPM 204 effective diameter √(AP·LAT).
    public var geometricMeanDiameterCentimeters: Double { (apCentimeters * lateralCentimeters).squareRoot() }
    /// (AP + LAT) / 2.
    public var arithmeticMeanDiameterCentimeters: Double { (apCentimeters + lateralCentimeters) / 2 }
    /// AAPM 204 / ACR DIR: ED = −0.203128 + 0.4958912·(AP + LAT) (cm).
    public var effectiveDiameterFromSumCentimeters: Double { AAPM204Conversion.fromSum(ap: apCentimeters, lateral: lateralCentimeters) }
    /// AAPM 204 / ACR DIR LAT-only fit.
    public var effectiveDiameterFromLateralCentimeters: Double { AAPM204Conversion.fromLateral(lateralCentimeters) }
    /// AAPM 204 / ACR DIR AP-only fit.
    public var effectiveDiameterFromAPCentimeters: Double { AAPM204Conversion.fromAP(apCentimeters) }
}

/// Where a body's outline begins and ends along patient x and y (mm).
public struct BodyBounds: Sendable, Equatable, Codable {
    public var minX: Double
    public var maxX: Double
    public var minY: Double
    public var maxY: Double

    public init(minX: Double, maxX: Double, minY: Double, maxY: Double) {
        self.minX = minX
        self.maxX = maxX
        self.minY = minY
        self.maxY = maxY
    }
}

/// AAPM Report 204 single-dimension conversions to effective diameter, as used by the ACR DIR
/// (../shared/reference/cms1074.md §6.1; D in cm).
public enum AAPM204Conversion {
    /// AAPM 204 / ACR DIR: ED = −0.203128 + 0.4958912·(AP + LAT).
    public static func fromSum(ap: Double, lateral: Double) -> Double { -0.203128 + 0.4958912 * (ap + lateral) }
    /// AAPM 204 / ACR DIR: ED = −3.744858 + 1.671734·AP − 0.01338955·AP².
    public static func fromAP(_ ap: Double) -> Double { -3.744858 + 1.671734 * ap - 0.01338955 * ap * ap }
    /// AAPM 204 / ACR DIR: ED = 5.899298 + 0.3270494·LAT + 0.009978896·LAT².
    public static func fromLateral(_ lateral: Double) -> Double { 5.899298 + 0.3270494 * lateral + 0.009978896 * lateral * lateral }
}

public enum SliceSizeMeasurement {
    /// Measures the patient outline on the slice. Body pixels below −1000 HU count as air (0 water);
    /// Aw = Σ max(0, HU + 1000) / 1000 · pixel area, the sum exact for whole-number HU.
    public static func measure(_ slice: AxialSlice, outline: PatientOutline) -> SliceSize {
        let columns = slice.columns
        var count = 0
        var waterSum = 0.0
        // Σ column and Σ row over the body pixels, for the centroid (exact in Int).
        var columnSum = 0, rowSum = 0
        // Patient coordinates are linear in (row, column): extremes per row lie at the row's first and last body pixel.
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        let cs = slice.columnSpacingMillimeters, rs = slice.rowSpacingMillimeters
        let rd = slice.rowDirection, cd = slice.columnDirection
        @inline(__always) func extend(row r: Int, column c: Int) {
            let x = Double(c) * cs * rd.x + Double(r) * rs * cd.x
            let y = Double(c) * cs * rd.y + Double(r) * rs * cd.y
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        }
        outline.body.withBytes { body in
            slice.hounsfieldUnits.withUnsafeBufferPointer { values in
                for r in 0..<slice.rows {
                    let base = r * columns
                    let row = body.baseAddress! + base, hu = values.baseAddress! + base
                    guard let (first, last) = BodyRun.span(row, count: columns) else { continue }
                    // Σ max(0, HU + 1000) over the row's body pixels (0 for padding), in four running
                    // sums so the loop vectorizes. With whole-number HU every partial sum is a whole
                    // number far below 2^53, so the total is exact in any order.
                    @inline(__always) func water(_ c: Int) -> Double {
                        let v = hu[c]
                        return row[c] != 0 && !v.isNaN ? Swift.max(0, Double(v) + 1000) : 0
                    }
                    var lanes = SIMD4<Double>(repeating: 0)
                    var c = first
                    let end = last &+ 1
                    while c &+ 4 <= end {
                        for lane in 0..<4 { lanes[lane] += water(c &+ lane) }
                        c &+= 4
                    }
                    while c < end { lanes[0] += water(c); c &+= 1 }
                    var bodyPixels = ByteTally()
                    c = first
                    while c &+ 16 <= end { bodyPixels.add(ByteTally.load(row + c)); c &+= 16 }
                    while c < end { bodyPixels.add(row[c]); c &+= 1 }
                    bodyPixels.flush()
                    count &+= bodyPixels.total
                    rowSum &+= r &* bodyPixels.total
                    var columns = 0  // Σ c over the row's body bytes (0 or 1)
                    c = first
                    while c < end { columns &+= c &* Int(row[c]); c &+= 1 }
                    columnSum &+= columns
                    waterSum += lanes.sum()
                    extend(row: r, column: first)
                    extend(row: r, column: last)
                }
            }
        }
        let pixelArea = slice.pixelAreaSquareMillimeters
        let area = Double(count) * pixelArea / 100
        let waterArea = waterSum / 1000 * pixelArea / 100
        // One pixel's footprint along each patient axis is added to the centre-to-centre extent.
        let footprintX = abs(cs * rd.x) + abs(rs * cd.x)
        let footprintY = abs(cs * rd.y) + abs(rs * cd.y)
        let centroid = count > 0 ? slice.patientPoint(row: Double(rowSum) / Double(count), column: Double(columnSum) / Double(count)) : nil
        let bounds = count > 0 ? slice.imagePositionMillimeters.map { p in
            BodyBounds(minX: p.x + minX - footprintX / 2, maxX: p.x + maxX + footprintX / 2,
                       minY: p.y + minY - footprintY / 2, maxY: p.y + maxY + footprintY / 2)
        } : nil
        return SliceSize(
            zMillimeters: slice.zMillimeters, areaSquareCentimeters: area,
            areaEquivalentDiameterCentimeters: 2 * (area / Double.pi).squareRoot(),
            waterEquivalentDiameterCentimeters: 2 * (waterArea / Double.pi).squareRoot(),
            apCentimeters: count > 0 ? (maxY - minY + footprintY) / 10 : 0,
            lateralCentimeters: count > 0 ? (maxX - minX + footprintX) / 10 : 0,
            truncated: outline.truncated, truncatedOutlineFraction: outline.truncatedOutlineFraction,
            centroidXMillimeters: centroid?.x, centroidYMillimeters: centroid?.y, bodyBoundsMillimeters: bounds)
    }
}

/// The first and last set byte of a mask row, skipping empty stretches eight bytes at a time.
enum BodyRun {
    static func span(_ row: UnsafePointer<UInt8>, count: Int) -> (first: Int, last: Int)? {
        let raw = UnsafeRawPointer(row)
        var first = 0
        while first &+ 8 <= count, raw.loadUnaligned(fromByteOffset: first, as: UInt64.self) == 0 { first &+= 8 }
        while first < count, row[first] == 0 { first &+= 1 }
        guard first < count else { return nil }
        var end = count  // one past the last set byte
        while end &- 8 >= first, raw.loadUnaligned(fromByteOffset: end &- 8, as: UInt64.self) == 0 { end &-= 8 }
        while row[end &- 1] == 0 { end &-= 1 }
        return (first, end &- 1)
    }
}
