import ArchiveScan
import QualityMeasures
import Testing
@testable import ScanReport

@Suite struct ChartMathTests {
    @Test func quartilesInterpolateBetweenOrderStatistics() throws {
        // type 7: h = (n − 1)p; for 1…4: Q1 at h = 0.75 → 1.75, median 2.5, Q3 at h = 2.25 → 3.25.
        let s = try #require(DistributionSummary([4, 1, 3, 2]))
        #expect(s.count == 4)
        #expect(s.minimum == 1 && s.maximum == 4)
        #expect(s.lowerQuartile == 1.75)
        #expect(s.median == 2.5)
        #expect(s.upperQuartile == 3.25)
        #expect(s.interquartileRange == 1.5)
        let one = try #require(DistributionSummary([12.5, .nan]))
        #expect(one.count == 1 && one.median == 12.5 && one.interquartileRange == 0)
        #expect(DistributionSummary([]) == nil)
    }

    @Test func scaleWidensToNiceTicksAndMapsLinearly() {
        let scale = LinearScale.fitting([27.7, 31.2], including: [644], range: (0, 100), zeroBased: true)
        #expect(scale.domainLow == 0)
        #expect(scale.domainHigh == 800)  // step: 644 / 5 ≈ 129 → 200; 644 rounded up to a step → 800
        #expect(scale.ticks() == [0, 200, 400, 600, 800])
        let simple = LinearScale(domain: 0...10, range: (300, 100))
        #expect(simple(5) == 200)
        #expect(simple.ticks(count: 5) == [0, 2, 4, 6, 8, 10])
        #expect(LinearScale.niceStep(129) == 200)
        #expect(LinearScale.niceStep(0.23) == 0.25)
        #expect(LinearScale.label(2.5) == "2.5")
        #expect(LinearScale.label(200) == "200")
    }

    @Test func theLargestFiniteValuesStillMakeAScale() {
        // Header numbers are finite but may be ±1.79e308 (16 characters of DS): their difference is not.
        let scale = LinearScale.fitting([-1.7976931348e308, 1.7976931348e308, 5], range: (0, 100))
        #expect(scale.domainLow.isFinite && scale.domainHigh.isFinite && scale.domainLow < scale.domainHigh)
        let ticks = scale.ticks()
        #expect(!ticks.isEmpty && ticks.count <= 11 && ticks.allSatisfy(\.isFinite), "\(ticks)")
        #expect(scale(5).isFinite)
    }

    @Test func studyDatesBecomeISODatesAndMonths() {
        #expect(StudyMonth.isoDate("20250315") == "2025-03-15")
        #expect(StudyMonth.isoDate("00000000") == nil)
        #expect(StudyMonth.isoDate("20251301") == nil)
        #expect(StudyMonth.month("20250315") == "2025-03")
        #expect(StudyMonth.month(nil) == "undated")
    }
}
