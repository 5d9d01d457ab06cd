import Foundation
import Testing

@testable import QualityMeasures
import DoseModel

/// The 18 thresholds of cms1074.md §4.1 (AlaraCommonFunctions.cql): LA code, noise N (HU), SAD D (mGy·cm).
let publishedThresholds: [(String, Double, Double)] = [
    ("LA31752-1", 64, 598), ("LA31753-9", 29, 644), ("LA31754-7", 29, 1260), ("LA31755-4", 55, 93),
    ("LA31756-2", 32, 576), ("LA31758-8", 55, 377), ("LA31759-6", 49, 377), ("LA31761-2", 49, 1282),
    ("LA31762-0", 115, 582), ("LA31763-8", 115, 1025), ("LA31764-6", 115, 1832), ("LA31765-3", 73, 320),
    ("LA31766-1", 25, 1260), ("LA31767-9", 25, 1260), ("LA31768-7", 29, 1637), ("LA31851-1", 25, 2520),
    ("LA31769-5", 25, 2285), ("LA31770-3", 25, 3092),
]

@Suite("Category table and thresholds")
struct CategoryTableTests {
    @Test("both versions hold the 18 categories + Full Body with the published thresholds")
    func tables() throws {
        let catalog = try CategoryCatalog.bundled()
        #expect(catalog.versions == [.v2025, .v2026])
        for version in catalog.versions {
            let categories = try #require(catalog.categories(for: version))
            #expect(categories.count == 19)
            for (code, noise, sad) in publishedThresholds {
                let category = try #require(catalog.category(code, version: version))
                #expect(category.noiseThresholdHounsfield == noise)
                #expect(category.sadThresholdMilligrayCentimeters == sad)
                #expect(!category.isFullBody)
            }
            let fullBody = try #require(catalog.category("LA31771-1", version: version))
            #expect(fullBody.isFullBody && fullBody.noiseThresholdHounsfield == nil)
        }
        #expect(catalog.provenance.contains("IDENTICAL"))
        #expect(catalog.version(forYear: 2027) == .v2026)
        #expect(catalog.version(forYear: 2024) == .v2025)
    }

    @Test("noise at, below and above each threshold (SAD far below)", arguments: publishedThresholds)
    func noiseBoundary(code: String, noise: Double, sad: Double) throws {
        let category = try Fixtures.category(code)
        let safeSAD = sad / 2
        #expect(ThresholdEvaluation.evaluate(noiseHounsfield: noise, sizeAdjustedDoseMilligrayCentimeters: safeSAD, category: category).verdict == .outOfRange)
        #expect(ThresholdEvaluation.evaluate(noiseHounsfield: noise - 0.01, sizeAdjustedDoseMilligrayCentimeters: safeSAD, category: category).verdict == .inRange)
        #expect(ThresholdEvaluation.evaluate(noiseHounsfield: noise + 0.01, sizeAdjustedDoseMilligrayCentimeters: safeSAD, category: category).verdict == .outOfRange)
    }

    @Test("SAD at, below and above each threshold (noise far below)", arguments: publishedThresholds)
    func sadBoundary(code: String, noise: Double, sad: Double) throws {
        let category = try Fixtures.category(code)
        let safeNoise = noise / 2
        let atThreshold = ThresholdEvaluation.evaluate(noiseHounsfield: safeNoise, sizeAdjustedDoseMilligrayCentimeters: sad, category: category)
        #expect(atThreshold.verdict == .outOfRange)
        #expect(atThreshold.sadOutOfRange == true && atThreshold.noiseOutOfRange == false)
        #expect(ThresholdEvaluation.evaluate(noiseHounsfield: safeNoise, sizeAdjustedDoseMilligrayCentimeters: sad - 0.01, category: category).verdict == .inRange)
        #expect(ThresholdEvaluation.evaluate(noiseHounsfield: safeNoise, sizeAdjustedDoseMilligrayCentimeters: sad + 0.01, category: category).verdict == .outOfRange)
    }

    @Test func missingValuesAndFullBody() throws {
        let chest = try Fixtures.category("chestRoutineDose")
        #expect(ThresholdEvaluation.evaluate(noiseHounsfield: nil, sizeAdjustedDoseMilligrayCentimeters: 100, category: chest).reason == .missingNoise)
        #expect(ThresholdEvaluation.evaluate(noiseHounsfield: 10, sizeAdjustedDoseMilligrayCentimeters: nil, category: chest).reason == .missingSizeAdjustedDose)
        let fullBody = try Fixtures.category("fullBody")
        let outcome = ThresholdEvaluation.evaluate(noiseHounsfield: 999, sizeAdjustedDoseMilligrayCentimeters: 99999, category: fullBody)
        #expect(outcome.verdict == .excluded && outcome.reason == .fullBody)
    }
}
