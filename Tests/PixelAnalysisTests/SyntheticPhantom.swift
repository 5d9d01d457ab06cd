import Foundation
@testable import PixelAnalysis

/// Deterministic Gaussian noise: SplitMix64 + Box–Muller.
struct GaussianNoise {
    private var state: UInt64
    private var spare: Double?

    init(seed: UInt64) { state = seed }

    private mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) / Double(1 << 53)
    }

    mutating func next(sigma: Double) -> Double {
        if let s = spare { spare = nil; return s * sigma }
        let u1 = uniform(), u2 = uniform()
        let radius = (-2 * log(u1)).squareRoot()
        spare = radius * sin(2 * .pi * u2)
        return radius * cos(2 * .pi * u2) * sigma
    }
}

/// Analytic phantoms on a 512 × 512 grid: an ellipse of given HU in air, optionally a couch plate,
/// Gaussian noise and a reconstruction circle.
struct SyntheticPhantom {
    var size = 512
    var spacingMillimeters = 0.8
    var lateralCentimeters: Double
    var apCentimeters: Double
    var insideHounsfield: Double = 0
    var couch: (gapMillimeters: Double, thicknessMillimeters: Double, hounsfield: Double)? = nil
    var noiseSigma: Double = 0
    var fieldOfViewMillimeters: Double? = nil
    var centreOffsetMillimeters: (x: Double, y: Double) = (0, 0)

    /// `positioned`: with Image Position (Patient) such that the grid's centre is the patient-coordinate
    /// origin (then the ellipse's centre lies at `centreOffsetMillimeters`, along the row and column directions).
    func slice(seed: UInt64 = 1, z: Double = 0,
               rowDirection: (x: Double, y: Double, z: Double) = (1, 0, 0),
               columnDirection: (x: Double, y: Double, z: Double) = (0, 1, 0), positioned: Bool = false) -> AxialSlice {
        var noise = GaussianNoise(seed: seed)
        let a = lateralCentimeters * 5, b = apCentimeters * 5  // semi-axes in mm
        let centre = (Double(size) - 1) / 2
        var values = [Float](repeating: 0, count: size * size)
        for r in 0..<size {
            for c in 0..<size {
                let x = (Double(c) - centre) * spacingMillimeters - centreOffsetMillimeters.x
                let y = (Double(r) - centre) * spacingMillimeters - centreOffsetMillimeters.y
                var hu = -1000.0
                if (x * x) / (a * a) + (y * y) / (b * b) <= 1 { hu = insideHounsfield }
                if let couch, y > b + couch.gapMillimeters, y <= b + couch.gapMillimeters + couch.thicknessMillimeters, abs(x) < 220 {
                    hu = couch.hounsfield
                }
                hu += noiseSigma > 0 ? noise.next(sigma: noiseSigma) : 0
                if let fov = fieldOfViewMillimeters, x * x + y * y > (fov / 2) * (fov / 2) { values[r * size + c] = .nan; continue }
                values[r * size + c] = Float(hu)
            }
        }
        return AxialSlice(rows: size, columns: size, hounsfieldUnits: values, rowSpacingMillimeters: spacingMillimeters,
                          columnSpacingMillimeters: spacingMillimeters, rowDirection: rowDirection, columnDirection: columnDirection,
                          zMillimeters: z, imagePositionMillimeters: positioned ? origin(rowDirection, columnDirection, z: z) : nil)
    }

    /// The first pixel's position that puts the grid's centre at (0, 0, z).
    private func origin(_ row: (x: Double, y: Double, z: Double), _ column: (x: Double, y: Double, z: Double), z: Double)
        -> (x: Double, y: Double, z: Double)
    {
        let half = (Double(size) - 1) / 2 * spacingMillimeters
        return (-half * (row.x + column.x), -half * (row.y + column.y), z - half * (row.z + column.z))
    }
}

func relativeError(_ actual: Double, _ expected: Double) -> Double { abs(actual - expected) / abs(expected) }
