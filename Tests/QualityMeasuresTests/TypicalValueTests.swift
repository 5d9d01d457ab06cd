import CSVFormat
import DosePhysics
import Foundation
import Testing

@testable import QualityMeasures

/// typical-values.csv: medians and 75th percentiles of the DRL quantities per group (ICRP 135), size
/// bands, age groups, phantoms and the comparison with a reference level table. Expected values are
/// worked out by hand from the exams built here (quantiles: type 7, h = (n − 1)·p).
@Suite struct TypicalValueTests {
    static let scanDate = CalendarDate(year: 2025, month: 5, day: 10)

    /// An adult abdomen exam (one spiral event on the 32 cm phantom) with the given DLP and CTDIvol.
    static func exam(_ number: Int, scanner: String, dlp: Double, ctdiVol: Double = 10, dw: Double? = 30,
                     birthDate: CalendarDate? = CalendarDate(year: 1970, month: 6, day: 1), study: String = "CT ABDOMEN PELVIS W CONTRAST",
                     events: [IrradiationEventDose]? = nil) -> MeasureExamInput {
        var input = Fixtures.exam(uid: "1.2.3.\(number)", patient: "P\(number)", birthDate: birthDate, date: scanDate, study: study,
                                  dlp: dlp, dw: dw, scanner: scanner)
        input.dose.events = events ?? [IrradiationEventDose(acquisitionType: .spiral, ctdiVolMilligray: ctdiVol, dlpMilligrayCentimeters: dlp,
                                                            phantom: .body32Centimeter, scanningLengthCentimeters: 40)]
        return input
    }

    static func rows(_ exams: [MeasureExamInput], settings: TypicalValueSettings = TypicalValueSettings()) throws -> [TypicalValueRow] {
        var configuration = try Fixtures.configuration()
        configuration.typicalValues = settings
        let evaluator = try ExamEvaluator(configuration: configuration)
        var tally = TypicalValueTally(settings: settings, dlpDefinition: configuration.dlpDefinition)
        for exam in exams { tally.add(evaluator.evaluate(exam)) }
        return tally.rows
    }

    static func row(_ rows: [TypicalValueRow], scanner: String = TypicalValueKey.allScanners, sizeBand: String = SizeBands.allSizes,
                    ageGroup: AgeGroup = .adult) throws -> TypicalValueRow {
        try #require(rows.first { $0.key.scanner == scanner && $0.key.sizeBand == sizeBand && $0.key.ageGroup == ageGroup })
    }

    /// Scanner A: 21 exams, DLP 100…300 by 10; B: 20 exams, DLP 400…590 by 10; C: 5 exams.
    static func threeScanners() -> [MeasureExamInput] {
        let a: [MeasureExamInput] = (0..<21).map { (i: Int) in exam(i, scanner: "A", dlp: 100 + 10 * Double(i), ctdiVol: Double(i + 1)) }
        let b: [MeasureExamInput] = (0..<20).map { (i: Int) in exam(100 + i, scanner: "B", dlp: 400 + 10 * Double(i)) }
        let c: [MeasureExamInput] = (0..<5).map { (i: Int) in exam(200 + i, scanner: "C", dlp: 1000) }
        return a + b + c
    }

    @Test("medians and 75th percentiles per scanner; the 75th percentile of the medians of scanners with enough exams")
    func mediansAndLocalLevel() throws {
        let rows = try Self.rows(Self.threeScanners())
        let a = try Self.row(rows, scanner: "A")
        #expect(a.exams == 21 && a.hasEnoughExams)
        #expect(a.dlp?.median == 200 && a.dlp?.upperQuartile == 250)  // h = 10 → 200; h = 15 → 250
        #expect(a.ctdiVol?.median == 11 && a.ctdiVol?.upperQuartile == 16)  // CTDIvol 1…21
        let b = try Self.row(rows, scanner: "B")
        #expect(b.dlp?.median == 495 && b.dlp?.upperQuartile == 542.5)  // h = 9.5 → (490 + 500) / 2; h = 14.25 → 540 + 2.5
        let c = try Self.row(rows, scanner: "C")
        #expect(c.exams == 5 && !c.hasEnoughExams && c.scannersWithEnoughExams == nil)
        let all = try Self.row(rows)
        #expect(all.exams == 46 && all.dlp?.count == 46)
        #expect(all.scannersWithEnoughExams == 2)
        #expect(all.scannerMediansDLP75th == 421.25)  // 200 + 0.75 · (495 − 200)
        #expect(all.scannerMediansCtdiVol75th == 10.75)  // medians 11 and 10: 10 + 0.75 · 1
        #expect(rows.map(\.key.scanner) == ["all scanners", "A", "B", "C"] + ["all scanners", "A", "B", "C"])
        #expect(rows.map(\.key.sizeBand) == Array(repeating: "all sizes", count: 4) + Array(repeating: "30-35", count: 4))
    }

    @Test("size bands: lower bound included; no diameter: unknown size; no bands: all sizes only")
    func sizeBands() throws {
        let bands = SizeBands()
        #expect(bands.labels == ["<20", "20-25", "25-30", "30-35", ">=35"])
        #expect(bands.label(forCentimeters: 19.99) == "<20" && bands.label(forCentimeters: 20) == "20-25")
        #expect(bands.label(forCentimeters: 35) == ">=35" && bands.label(forCentimeters: nil) == "unknown size")
        #expect(try SizeBands(parsing: "18.5, 27").labels == ["<18.5", "18.5-27", ">=27"])
        #expect(try SizeBands(parsing: "").label(forCentimeters: 12) == "all sizes")
        for bad in ["30,20", "20,,30", "abc", "0"] { #expect(throws: SizeBands.InvalidBoundaries.self) { try SizeBands(parsing: bad) } }

        let rows = try Self.rows([Self.exam(1, scanner: "A", dlp: 100, dw: 19), Self.exam(2, scanner: "A", dlp: 300, dw: 24.9),
                                  Self.exam(3, scanner: "A", dlp: 500, dw: nil)])
        #expect(try Self.row(rows, sizeBand: "<20").dlp?.median == 100)
        #expect(try Self.row(rows, sizeBand: "20-25").dwMedian == 24.9)
        #expect(try Self.row(rows, sizeBand: "unknown size").waterEquivalentDiameter == nil)
        #expect(try Self.row(rows).exams == 3 && Self.row(rows).dwMedian == 21.95)  // (19 + 24.9) / 2
        let unbanded = try Self.rows([Self.exam(1, scanner: "A", dlp: 100, dw: 19)], settings: TypicalValueSettings(sizeBands: SizeBands(parsing: "")))
        #expect(unbanded.map(\.key.sizeBand) == ["all sizes", "all sizes"])
    }

    @Test("age at the scan decides adult or paediatric; no age: unknown")
    func ageGroups() throws {
        let rows = try Self.rows([
            Self.exam(1, scanner: "A", dlp: 100, birthDate: CalendarDate(year: 2007, month: 5, day: 10)),  // 18 on the scan day
            Self.exam(2, scanner: "A", dlp: 200, birthDate: CalendarDate(year: 2007, month: 5, day: 11)),  // 17
            Self.exam(3, scanner: "A", dlp: 300, birthDate: nil),
        ])
        #expect(try Self.row(rows, ageGroup: .adult).dlp?.median == 100)
        #expect(try Self.row(rows, ageGroup: .paediatric).dlp?.median == 200)
        #expect(try Self.row(rows, ageGroup: .unknown).dlp?.median == 300)
        #expect(rows.filter { $0.key.scanner == "all scanners" && $0.key.sizeBand == "all sizes" }.map(\.key.ageGroup) == [.adult, .paediatric, .unknown])
    }

    @Test("CTDIvol of diagnostic events: localizers and monitoring left out, perfusion kept; phantoms of both kinds: mixed")
    func events() throws {
        let localizer = IrradiationEventDose(acquisitionType: .constantAngle, ctdiVolMilligray: 0.2, dlpMilligrayCentimeters: 5, phantom: .body32Centimeter)
        let monitoring = IrradiationEventDose(acquisitionType: .stationary, ctdiVolMilligray: 3, dlpMilligrayCentimeters: 1, phantom: .body32Centimeter)
        let spiral = IrradiationEventDose(acquisitionType: .spiral, ctdiVolMilligray: 8, dlpMilligrayCentimeters: 400, phantom: .body32Centimeter)
        let perfusion = IrradiationEventDose(acquisitionType: .stationary, ctdiVolMilligray: 150, dlpMilligrayCentimeters: 600, phantom: .head16Centimeter)
        let headSpiral = IrradiationEventDose(acquisitionType: .spiral, ctdiVolMilligray: 50, dlpMilligrayCentimeters: 800, phantom: .head16Centimeter)
        #expect(TypicalValueTally.ctdiVolEvents(ExamDoseInput(events: [localizer, monitoring, spiral])) == [spiral])
        #expect(TypicalValueTally.ctdiVolEvents(ExamDoseInput(events: [localizer, perfusion])) == [perfusion])

        let rows = try Self.rows([
            Self.exam(1, scanner: "A", dlp: 406, events: [localizer, monitoring, spiral]),
            Self.exam(2, scanner: "A", dlp: 1200, events: [headSpiral, spiral]),
        ])
        let body = try #require(rows.first { $0.key.phantom == "body32cm" && $0.key.scanner == "all scanners" && $0.key.sizeBand == "all sizes" })
        #expect(body.ctdiVol?.count == 1 && body.ctdiVol?.median == 8 && body.dlp?.median == 406)  // DLP: the exam's total
        let mixed = try #require(rows.first { $0.key.phantom == "mixed" && $0.key.scanner == "all scanners" && $0.key.sizeBand == "all sizes" })
        #expect(mixed.ctdiVol?.count == 2 && mixed.ctdiVol?.median == 29)
    }

    @Test("standard-weight typical values: Patient's Weight within the range, bounds included; no weight: left out")
    func standardWeight() throws {
        let weights: [Double?] = [55, 60, 75, 80.5, nil]
        let exams = weights.enumerated().map { index, weight -> MeasureExamInput in
            var exam = Self.exam(index, scanner: "A", dlp: 100 * Double(index + 1), ctdiVol: Double(index + 1))
            exam.patient.weightKilograms = weight
            return exam
        }
        let all = try Self.row(try Self.rows(exams))
        #expect(all.exams == 5 && all.standardWeightExams == 2)
        #expect(all.standardWeightDLP?.median == 250 && all.standardWeightCtdiVol?.median == 2.5)  // 60 kg: 200, 2; 75 kg: 300, 3
        let wide = try Self.row(try Self.rows(exams, settings: TypicalValueSettings(standardWeightKilograms: 50...90)))
        #expect(wide.standardWeightExams == 4 && wide.standardWeightDLP?.median == 250)  // 100, 200, 300, 400
        let none = try Self.row(try Self.rows(exams, settings: TypicalValueSettings(standardWeightKilograms: nil)))
        #expect(none.standardWeightExams == 0 && none.standardWeightDLP == nil)
        #expect(try TypicalValueSettings.standardWeight(parsing: " 65 : 75 ") == 65...75)
        #expect(try TypicalValueSettings.standardWeight(parsing: "") == nil)
        for bad in ["80:60", "60", "a:b", "60:800"] {
            #expect(throws: TypicalValueSettings.InvalidWeightRange.self) { try TypicalValueSettings.standardWeight(parsing: bad) }
        }
    }

    @Test("uncategorized exams are left out")
    func uncategorized() throws {
        #expect(try Self.rows([Self.exam(1, scanner: "A", dlp: 100, study: "XYZZY")]).isEmpty)
    }

    static let table = """
        category,ageGroup,sizeBand,phantom,ctdiVol_mGy,dlp_mGycm,source
        abdomenPelvisRoutineDose,,,,,450,national
        abdomenPelvisRoutineDose,adult,,body32cm,12,190,"national, adult"
        abdomenPelvisRoutineDose,paediatric,20-25,,5,,paediatric band

        """

    @Test("the most specific reference level applies; medians above it, at or below it, too few exams")
    func comparison() throws {
        let settings = TypicalValueSettings(referenceLevels: try ReferenceLevelTable.parse(csv: Self.table, catalog: CategoryCatalog.bundled(), sizeBands: SizeBands()))
        #expect(settings.referenceLevels.levels.count == 3)
        let rows = try Self.rows(Self.threeScanners(), settings: settings)
        let a = try Self.row(rows, scanner: "A")
        #expect(a.referenceLevel?.source == "national, adult")
        #expect(a.dlpRatio == 200.0 / 190 && a.ctdiVolRatio == 11.0 / 12)
        #expect(a.comparison == .aboveReferenceLevel)
        let b = try Self.row(rows, scanner: "B")
        #expect(b.comparison == .aboveReferenceLevel && b.dlpRatio == 495.0 / 190 && b.ctdiVolRatio == 10.0 / 12)
        #expect(try Self.row(rows, scanner: "C").comparison == .tooFewExams)

        var lenient = settings
        lenient.referenceLevels.levels[1].dlpMilligrayCentimeters = 500
        #expect(try Self.row(Self.rows(Self.threeScanners(), settings: lenient), scanner: "B").comparison == .atOrBelowReferenceLevel)

        let child = try Self.rows([Self.exam(1, scanner: "A", dlp: 100, ctdiVol: 4, dw: 22, birthDate: CalendarDate(year: 2015, month: 1, day: 1))],
                                  settings: settings)
        #expect(try Self.row(child, sizeBand: "20-25", ageGroup: .paediatric).referenceLevel?.source == "paediatric band")
        #expect(try Self.row(child, ageGroup: .paediatric).referenceLevel?.source == "national")  // all sizes: only the general level applies
        #expect(try Self.row(child, sizeBand: "20-25", ageGroup: .paediatric).ctdiVolRatio == 0.8)
        #expect(try Self.row(child, ageGroup: .paediatric).ctdiVolRatio == nil)
    }

    @Test("a reference level table names the record and the reason of each mistake")
    func tableErrors() throws {
        let catalog = try CategoryCatalog.bundled()
        func error(_ csv: String) -> String {
            do {
                _ = try ReferenceLevelTable.parse(csv: csv, catalog: catalog, sizeBands: SizeBands())
                return "parsed"
            } catch { return String(describing: error) }
        }
        let header = "category,ageGroup,sizeBand,phantom,ctdiVol_mGy,dlp_mGycm\n"
        #expect(error("category,source\nheadRoutineDose,x\n").contains("record 1: header must name"))
        #expect(error(header + "headRoutine,,,,60,\n").contains("record 2: unknown category 'headRoutine'"))
        #expect(error(header + "headRoutineDose,adults,,,60,\n").contains("record 2: unknown ageGroup 'adults'"))
        #expect(error(header + "headRoutineDose,,20-30,,60,\n").contains("record 2: sizeBand '20-30' is not one of the size bands (<20, 20-25"))
        #expect(error(header + "headRoutineDose,,,head,60,\n").contains("record 2: unknown phantom 'head'"))
        #expect(error(header + "headRoutineDose,,,,,\n").contains("record 2: neither"))
        #expect(error(header + "headRoutineDose,,,,60,\nheadRoutineDose,,,,-1,\n").contains("record 3: ctdiVol_mGy '-1' is not a positive number"))
        #expect(error(header + "headRoutineDose,pediatric,,head16cm,35,\n") == "parsed")
    }

    @Test("typical-values.csv: one line per row, numbers to two places, ratios to three")
    func csv() throws {
        let settings = TypicalValueSettings(referenceLevels: try ReferenceLevelTable.parse(csv: Self.table, catalog: CategoryCatalog.bundled(), sizeBands: SizeBands()))
        let text = TypicalValuesCSVWriter.csv(try Self.rows(Self.threeScanners(), settings: settings))
        let records = CSVText.records(parsing: text)
        #expect(records.count == 9 && records[0] == TypicalValuesCSVWriter.columns)
        let all = Dictionary(uniqueKeysWithValues: zip(records[0], records[1]))
        #expect(all["period"] == "2025" && all["category"] == "abdomenPelvisRoutineDose" && all["scanner"] == "all scanners")
        #expect(all["exams"] == "46" && all["scannersWithEnoughExams"] == "2" && all["scannerMediansDlp75th_mGycm"] == "421.25")
        #expect(all["drlDlp_mGycm"] == "190" && all["drlSource"] == "national, adult" && all["comparison"] == "above DRL")
        let a = Dictionary(uniqueKeysWithValues: zip(records[0], records[2]))
        #expect(a["dlpMedian_mGycm"] == "200.00" && a["dlpMedianOverDrl"] == "1.053" && a["scannersWithEnoughExams"] == "")
    }
}

extension TypicalValueRow {
    var dwMedian: Double? { waterEquivalentDiameter?.median }
}
