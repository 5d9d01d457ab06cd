import Testing

@testable import DosePhysics

@Suite("Effective dose from DLP")
struct EffectiveDoseTests {
    /// The four rows Lee et al. (Med Phys 39:2129, 2012, Table XII) reprint from Shrimpton et al. — the
    /// values AAPM Report 96's Table 4 gives — at 0, 1, 5, 10 years and adult.
    @Test func coefficientsAreThoseOfTheReprintedTable() {
        let reprinted: [(EffectiveDoseRegion, [Double])] = [
            (.head, [0.0110, 0.0067, 0.0040, 0.0032, 0.0021]),
            (.chest, [0.0390, 0.0260, 0.0180, 0.0130, 0.0140]),
            (.abdomenPelvis, [0.0490, 0.0300, 0.0200, 0.0150, 0.0150]),
            (.trunk, [0.0440, 0.0280, 0.0190, 0.0140, 0.0150]),
        ]
        let table = EffectiveDoseCoefficientTable.aapmReport96
        for (region, values) in reprinted {
            #expect(ReferenceAge.allCases.map { table.coefficient(region, $0)?.millisievertsPerMilligrayCentimeter } == values, "\(region)")
        }
        #expect(table.coefficients.count == 30)
        #expect(table.coefficient(.chest, .adult)?.phantom == .body32Centimeter)
        #expect(table.coefficient(.head, .adult)?.phantom == .head16Centimeter)
        #expect(table.coefficient(.chest, .fiveYears)?.phantom == .head16Centimeter)
    }

    @Test(arguments: [(0, ReferenceAge.newborn), (4, .oneYear), (5, .fiveYears), (9, .fiveYears), (10, .tenYears), (17, .tenYears),
                      (18, .adult), (90, .adult), (-1, .newborn)])
    func referenceAgeIsTheOldestColumnNotAboveTheAge(years: Int, expected: ReferenceAge) {
        #expect(ReferenceAge.of(years: years) == expected)
    }

    private func event(_ dlp: Double?, _ phantom: DosimetryPhantom?, _ region: EffectiveDoseRegion?) -> EffectiveDoseEventInput {
        EffectiveDoseEventInput(eventUID: nil, dlpMilligrayCentimeters: dlp, phantom: phantom, region: region, regionSource: region == nil ? .none : .event)
    }

    @Test func sumOfDLPTimesTheRegionsCoefficient() {
        // 200 × 0.014 + 300 × 0.015 + 1000 × 0.0021 = 2.8 + 4.5 + 2.1 = 9.4 mSv; an event without DLP adds nothing.
        let estimate = EffectiveDoseEstimate.estimate(
            events: [event(200, .body32Centimeter, .chest), event(300, .body32Centimeter, .abdomenPelvis), event(1000, .head16Centimeter, .head),
                     event(nil, .body32Centimeter, nil)],
            ageYears: 45, table: .aapmReport96)
        #expect(abs((estimate.millisieverts ?? 0) - 9.4) < 1e-9)
        #expect(estimate.age == .adult && estimate.notes.isEmpty)
        #expect(estimate.events.map(\.millisieverts).compactMap { $0 }.count == 3)
        #expect(estimate.events[3].note == "no DLP")
        #expect(estimate.methodText == "AAPM Report 96 (ICRP 60), adult; chest k=0.014; abdomenPelvis k=0.015; head k=0.0021")
    }

    @Test func aDLPOnTheOtherPhantomIsConvertedToTheCoefficients() {
        // A 5-year-old's chest on the 32 cm phantom: 100 × 2.3 (ACR DIR ratio) = 230 mGy·cm on 16 cm, × 0.018 = 4.14 mSv.
        let child = EffectiveDoseEstimate.estimate(events: [event(100, .body32Centimeter, .chest)], ageYears: 6, table: .aapmReport96)
        #expect(abs((child.millisieverts ?? 0) - 4.14) < 1e-9)
        #expect(child.events[0].dlpMilligrayCentimeters.map { abs($0 - 230) < 1e-9 } == true)
        #expect(child.events[0].note?.contains("body32cm converted to head16cm") == true)
        // An adult head reported on the 32 cm phantom; the adult head row is on 16 cm: 400 × 2.3 × 0.0021 = 1.932 mSv.
        let head = EffectiveDoseEstimate.estimate(events: [event(400, .body32Centimeter, .head)], ageYears: 40, table: .aapmReport96)
        #expect(abs((head.millisieverts ?? 0) - 1.932) < 1e-9)
        let unknown = EffectiveDoseEstimate.estimate(events: [event(100, nil, .chest)], ageYears: 40, table: .aapmReport96)
        #expect(abs((unknown.millisieverts ?? 0) - 1.4) < 1e-9)
        #expect(unknown.events[0].note == "phantom unknown: taken as body32cm")
    }

    @Test func aDLPFromImageHeadersMakesTheEstimateALowerBound() {
        var headers = event(100, nil, .chest)
        headers.dlpIsLowerBound = true
        let estimate = EffectiveDoseEstimate.estimate(events: [headers, event(50, .body32Centimeter, .chest)], ageYears: 50, table: .aapmReport96)
        #expect(abs((estimate.millisieverts ?? 0) - 2.1) < 1e-9)  // (100 + 50) × 0.014
        #expect(estimate.events[0].note == "phantom unknown: taken as body32cm; DLP from image headers: a lower bound")
        #expect(estimate.events[1].note == nil)
        #expect(estimate.notes == ["a lower bound: DLP from image headers"])
    }

    @Test func anEventWithoutARegionLeavesTheExamWithoutAnEstimate() {
        let estimate = EffectiveDoseEstimate.estimate(
            events: [event(200, .body32Centimeter, .chest), event(50, .body32Centimeter, nil)], ageYears: nil, table: .aapmReport96)
        #expect(estimate.millisieverts == nil)
        #expect(estimate.events[0].millisieverts.map { abs($0 - 2.8) < 1e-9 } == true)
        #expect(estimate.events[1].note == "neither the event nor the exam names a region")
        #expect(estimate.notes == ["age unknown: adult coefficients", "not every event with a DLP has a region and coefficient"])
        let none = EffectiveDoseEstimate.estimate(events: [event(nil, nil, .chest)], ageYears: 30, table: .aapmReport96)
        #expect(none.millisieverts == nil && none.notes == ["no event with a DLP and a region"])
        let partial = EffectiveDoseCoefficientTable(source: "adults only", coefficients: [
            EffectiveDoseCoefficient(region: .chest, age: .adult, phantom: .body32Centimeter, millisievertsPerMilligrayCentimeter: 0.014),
        ])
        let child = EffectiveDoseEstimate.estimate(events: [event(100, .body32Centimeter, .chest)], ageYears: 3, table: partial)
        #expect(child.millisieverts == nil && child.events[0].note == "no coefficient for chest, 1y in adults only")
    }
}
