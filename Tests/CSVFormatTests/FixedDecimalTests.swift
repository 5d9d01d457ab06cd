import CSVFormat
import Foundation
import Testing

/// The fast fixed-point text is printf's, value for value: compared with Foundation's String(format:)
/// (the writer the measure files used before) on edge cases and on values of every magnitude.
@Suite struct FixedDecimalTests {
    @Test(arguments: [0, 1, 2, 3, 4])
    func sameTextAsStringFormat(places: Int) {
        var values: [Double] = [0, -0.0, 2.394, 9.915, 0.125, 0.375, 2.5, -2.5, 1e15, 1e36, 1e300, -1e300, 123456789.005,
                                .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        // 20,000 values spread over 40 magnitudes: the fractional parts of multiples of the golden ratio
        // (an equidistributed sequence), scaled to ±10^-10 … ±10^29.
        for i in 1...20_000 {
            let fraction = (Double(i) * 0.618_033_988_749_894_9).truncatingRemainder(dividingBy: 1)
            values.append((fraction * 2 - 1) * pow(10, Double(i % 40 - 10)))
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
