import CSVFormat
import Foundation
import Testing

/// The fast fixed-point text is printf's, value for value: compared with Foundation's String(format:)
/// (the writer the measure files used before) on edge cases and on random values of every magnitude.
@Suite struct FixedDecimalTests {
    @Test(arguments: [0, 1, 2, 3, 4])
    func sameTextAsStringFormat(places: Int) {
        var values: [Double] = [0, -0.0, 2.394, 9.915, 0.125, 0.375, 2.5, -2.5, 1e15, 1e36, 1e300, -1e300, 123456789.005,
                                .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        var generator = SplitMix(seed: 20261130)
        for _ in 0..<20_000 {
            let magnitude = Double(generator.next() % 40) - 10
            values.append((Double(generator.next() % 2_000_001) / 1_000_000 - 1) * pow(10, magnitude))
        }
        for value in values {
            #expect(FixedDecimal.text(value, places: places) == String(format: "%.\(places)f", value), "\(value)")
        }
    }
}

extension FixedDecimalTests {
    @Test func paddedIntegersAreThoseOfPrintf() {
        for value in [0, 5, -5, 42, 2025, -2025, 123456, Int.max, Int.min + 1] {
            for width in [0, 1, 2, 4, 6] {
                #expect(FixedDecimal.padded(value, width: width) == String(format: "%0\(width)ld", value), "\(value) \(width)")
            }
        }
    }
}

/// A fixed-seed generator (SplitMix64) so that the values are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
