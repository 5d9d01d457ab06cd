/// Sums of a straight-line least-squares fit of a quantity y on the water-equivalent diameter x (cm)
/// (ln CTDIvol, or noise, against Dw): constant memory however many events.
public struct DwLineSums: Sendable, Equatable {
    /// A fit needs this many points over at least this range of Dw (ctdose's choice).
    public static let minimumPoints = 10
    public static let minimumSpreadCentimeters = 4.0

    public private(set) var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, syy = 0.0
    public private(set) var low = Double.infinity, high = -Double.infinity

    public init() {}

    public mutating func add(x: Double, y: Double) {
        n += 1; sx += x; sy += y; sxx += x * x; sxy += x * y; syy += y * y
        low = min(low, x); high = max(high, x)
    }

    /// The sums of both sets of points.
    public mutating func add(_ other: DwLineSums) {
        n += other.n; sx += other.sx; sy += other.sy; sxx += other.sxx; sxy += other.sxy; syy += other.syy
        low = min(low, other.low); high = max(high, other.high)
    }

    public var meanX: Double { sx / n }

    /// Slope, intercept and R², when there are enough points spread widely enough.
    public var fit: (slope: Double, intercept: Double, rSquared: Double?)? {
        guard Int(n) >= Self.minimumPoints, high - low >= Self.minimumSpreadCentimeters else { return nil }
        let xSpread = n * sxx - sx * sx, ySpread = n * syy - sy * sy, covariance = n * sxy - sx * sy
        guard xSpread > 0 else { return nil }
        let slope = covariance / xSpread
        return (slope, (sy - slope * sx) / n, ySpread > 0 ? covariance * covariance / (xSpread * ySpread) : nil)
    }
}
