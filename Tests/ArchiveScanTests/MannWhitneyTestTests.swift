import Testing
@testable import ArchiveScan

/// The Mann–Whitney U test against scipy.stats.mannwhitneyu (method="asymptotic", use_continuity=True),
/// on samples with ties.
@Suite struct MannWhitneyTestTests {
    @Test func agreesWithScipy() throws {
        let p = try #require(MannWhitneyTest.twoSidedPValue([1, 2, 2, 3, 4, 4, 4, 7], [3, 5, 5, 6, 8, 9]))
        #expect(abs(p / 0.037372988340651475 - 1) < 1e-9)
        #expect(MannWhitneyTest.twoSidedPValue([], [1]) == nil && MannWhitneyTest.twoSidedPValue([2, 2], [2, 2]) == nil)
        #expect(MannWhitneyTest.twoSidedPValue([1, 2, 3], [1, 2, 3]) == 1)
    }
}
