import Foundation

/// The Mann–Whitney U test (Wilcoxon rank-sum) of two independent samples: whether values of one tend
/// to be larger than the other's, without assuming a distribution. Two-sided p-value from the normal
/// approximation with the tie correction of the variance and a continuity correction of 0.5 (as
/// scipy.stats.mannwhitneyu with method="asymptotic", use_continuity=True); meant for samples of 10 or
/// more each, where the approximation holds. Values within `tieTolerance` of each other (relative) count
/// as tied: the values come through single precision and a size adjustment, so equal values may differ
/// in their last digits.
enum MannWhitneyTest {
    static let tieTolerance = 1e-6

    /// nil when a sample is empty or every value is the same.
    static func twoSidedPValue(_ first: [Double], _ second: [Double]) -> Double? {
        let n1 = Double(first.count), n2 = Double(second.count), n = n1 + n2
        guard n1 > 0, n2 > 0 else { return nil }
        let pooled = (first.map { ($0, true) } + second.map { ($0, false) }).sorted { $0.0 < $1.0 }
        // Mid-ranks of tied runs, the first sample's rank sum and Σ(t³ − t) over the runs.
        var rankSumFirst = 0.0, tieTerm = 0.0
        var start = 0
        while start < pooled.count {
            var end = start
            while end + 1 < pooled.count, pooled[end + 1].0 - pooled[start].0 <= tieTolerance * abs(pooled[start].0) { end += 1 }
            let midRank = Double(start + end + 2) / 2  // ranks start at 1
            for index in start...end where pooled[index].1 { rankSumFirst += midRank }
            let t = Double(end - start + 1)
            tieTerm += t * t * t - t
            start = end + 1
        }
        let u = rankSumFirst - n1 * (n1 + 1) / 2
        let mean = n1 * n2 / 2
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else { return nil }
        let z = max(0, abs(u - mean) - 0.5) / variance.squareRoot()
        return min(1, Foundation.erfc(z / 2.0.squareRoot()))
    }
}
