import DoseModel
import DosePhysics
import Testing

@testable import QualityMeasures

@Suite("Effective dose regions and coefficient files")
struct EffectiveDoseRegionTests {
    @Test func ruleRegionsMapToOneCoefficientRegionOrNone() {
        #expect(EffectiveDoseRegions.region(ruleRegions: ["head"]) == .head)
        #expect(EffectiveDoseRegions.region(ruleRegions: ["head", "cervicalSpine"]) == .headAndNeck)
        #expect(EffectiveDoseRegions.region(ruleRegions: ["cardiac", "chest"]) == .chest)
        #expect(EffectiveDoseRegions.region(ruleRegions: ["chest", "abdomenPelvis", "lumbarSpine"]) == .trunk)
        #expect(EffectiveDoseRegions.region(ruleRegions: ["neck", "chest"]) == nil)
        #expect(EffectiveDoseRegions.region(ruleRegions: ["head", "chest", "abdomenPelvis"]) == nil)
        #expect(EffectiveDoseRegions.region(ruleRegions: ["extremity"]) == nil)
        #expect(EffectiveDoseRegions.region(ruleRegions: []) == nil)
    }

    private func event(_ dlp: Double, protocolName: String?, region: CodedConcept? = nil, type: CTAcquisitionType = .spiral) -> IrradiationEventDose {
        IrradiationEventDose(acquisitionType: type, ctdiVolMilligray: 10, dlpMilligrayCentimeters: dlp, phantom: .body32Centimeter,
                             acquisitionProtocol: protocolName, targetRegion: region)
    }

    @Test func eachEventTakesItsOwnRegionElseTheExamCategorys() throws {
        var exam = Fixtures.exam(study: "CT CHEST ABDOMEN PELVIS W CONTRAST")
        exam.dose.events = [
            event(10, protocolName: "Topogram", type: .constantAngle),
            event(200, protocolName: "Thorax routine"),
            event(300, protocolName: "Venous phase", region: CodedConcept("818981001", "SCT", "Abdomen")),
        ]
        let result = try ExamEvaluator(configuration: try Fixtures.configuration()).evaluate(exam)
        #expect(result.category?.id == "simultaneousChestAbdomenPelvis")
        let estimate = try #require(result.effectiveDose)
        #expect(estimate.events.map(\.region) == [.trunk, .chest, .abdomenPelvis])
        #expect(estimate.events.map(\.regionSource) == [.category("simultaneousChestAbdomenPelvis"), .event, .event])
        // 10 × 0.015 + 200 × 0.014 + 300 × 0.015 = 0.15 + 2.8 + 4.5 = 7.45 mSv (born 1970: adult)
        #expect(abs((estimate.millisieverts ?? 0) - 7.45) < 1e-9)
        #expect(MeasureCSVWriter.row(result)[MeasureCSVWriter.columns.firstIndex(of: "effectiveDose_mSv")!] == "7.45")
    }

    /// An event without protocol or target region (GE's "Unknown") takes the region of its linked image
    /// series' descriptions before the exam's category: a head exam's neck series takes the neck row.
    @Test func anEventsSeriesDescriptionsComeBeforeTheCategory() throws {
        var exam = Fixtures.exam(study: "CT HEAD WO")
        var neck = event(400, protocolName: nil)
        neck.seriesDescriptions = ["Neck 3.0 Br40"]
        exam.dose.events = [event(900, protocolName: nil), neck]
        let result = try ExamEvaluator(configuration: try Fixtures.configuration()).evaluate(exam)
        #expect(result.category?.id == "headRoutineDose")
        let estimate = try #require(result.effectiveDose)
        #expect(estimate.events.map(\.region) == [.head, .neck] && estimate.events.map(\.regionSource) == [.category("headRoutineDose"), .event])
        // Both on the 32 cm phantom; the adult head and neck rows are on 16 cm: (900 × 0.0021 + 400 × 0.0059) × 2.3 = 9.775 mSv.
        #expect(abs((estimate.millisieverts ?? 0) - 9.775) < 1e-9)
    }

    @Test func anExtremityExamHasNoEstimateAndAChildTheirAgesColumn() throws {
        let knee = try ExamEvaluator(configuration: try Fixtures.configuration()).evaluate(Fixtures.exam(study: "CT KNEE RIGHT"))
        #expect(knee.category?.id == "extremity")
        #expect(knee.effectiveDose?.millisieverts == nil)
        #expect(knee.effectiveDose?.events.first?.regionSource == .category("extremity"))
        #expect(knee.effectiveDose?.events.first?.note == "category extremity has no coefficient region")
        // Born 2019-06-01, scanned 2025-05-10: 5 completed years; abdomen-pelvis 5y on 16 cm: 500 × 2.3 × 0.020 = 23 mSv.
        let child = try ExamEvaluator(configuration: try Fixtures.configuration())
            .evaluate(Fixtures.exam(birthDate: CalendarDate(year: 2019, month: 6, day: 1)))
        #expect(child.effectiveDose?.age == .fiveYears)
        #expect(abs((child.effectiveDose?.millisieverts ?? 0) - 23) < 1e-9)
    }

    @Test func coefficientFileReplacesTheTableAndNamesItsErrors() throws {
        let table = try EffectiveDoseCoefficientFile.parse(csv: """
            region,age,phantom,k_mSvPerMGycm,source
            chest,adult,body32cm,0.0146,Deak 2010 (ICRP 103)
            Abdomen and pelvis, adult ,body32cm,0.0153,Deak 2010 (ICRP 103)
            """, name: "k.csv")
        #expect(table.source == "Deak 2010 (ICRP 103)")
        #expect(table.coefficient(.abdomenPelvis, .adult)?.millisievertsPerMilligrayCentimeter == 0.0153)
        #expect(table.coefficient(.head, .adult) == nil)
        #expect(try EffectiveDoseCoefficientFile.parse(csv: "region,age,phantom,k_mSvPerMGycm\nhead,5,head16cm,0.004\n", name: "k.csv").source == "k.csv")
        let wrong: [(String, String)] = [
            ("region,age,phantom\n", "record 1: no column k_mSvPerMGycm"),
            ("region,age,phantom,k_mSvPerMGycm\nthorax,adult,body32cm,0.014\n", "record 2: region 'thorax' is none of"),
            ("region,age,phantom,k_mSvPerMGycm\nchest,7y,body32cm,0.014\n", "record 2: age '7y'"),
            ("region,age,phantom,k_mSvPerMGycm\nchest,adult,32,0.014\n", "record 2: phantom '32'"),
            ("region,age,phantom,k_mSvPerMGycm\nchest,adult,body32cm,14\n", "record 2: k_mSvPerMGycm '14'"),
            ("region,age,phantom,k_mSvPerMGycm\nchest,adult,body32cm,0.014\nchest,adult,body32cm,0.015\n", "record 3: a second coefficient"),
            ("region,age,phantom,k_mSvPerMGycm\n", "record 2: no coefficients"),
        ]
        for (text, message) in wrong {
            #expect { try EffectiveDoseCoefficientFile.parse(csv: text, name: "k.csv") } throws: { "\($0)".hasPrefix(message) }
        }
    }
}
