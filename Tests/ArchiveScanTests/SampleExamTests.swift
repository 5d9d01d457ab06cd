import DoseModel
import Foundation
import PixelAnalysis
import QualityMeasures
import Testing
@testable import ArchiveScan

/// End to end on the bundled synthetic exam (TestData/sample-exam, made by Scripts/make-sample-exam):
/// a 32 × 24 cm water ellipse (0 HU) with Gaussian noise σ = 10 HU on a couch, CTDIvol 12.5 mGy
/// (32 cm phantom), a localizer event of 9.6 mGy·cm and a spiral event of 150 mGy·cm.
@Suite struct SampleExamTests {
    static let folder: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("TestData/sample-exam").path

    static let result = ArchiveScanner(jobs: 2).scan([folder])

    @Test func doseReportAndLinks() throws {
        let exam = try #require(Self.result.exams.first)
        #expect(Self.result.exams.count == 1)
        #expect(exam.events.count == 2)
        #expect(exam.dlpTotalMilligrayCentimeters == 159.6)   // 9.6 + 12.5 × 12 cm
        #expect(exam.reportedDLPTotals == [159.6])
        #expect(exam.events.map(\.event.acquisitionType) == [.constantAngle, .spiral])
        #expect(exam.events[1].diagnosticSeriesUID != nil)
        #expect(exam.events[0].localizerSeriesUID != nil)
        #expect(Self.result.problems.map(\.severity) == [.setAside])  // README.md only
    }

    @Test func sizeAndNoiseFromPixels() throws {
        let exam = try #require(Self.result.exams.first)
        let series = try #require(Self.result.seriesMeasurements[exam.studyInstanceUID]?.first)
        let mid = try #require(series.midScan)
        let exactDw = 2 * (16.0 * 12.0).squareRoot()  // 27.7128 cm: water ellipse, couch excluded
        #expect(abs(mid.waterEquivalent - exactDw) / exactDw < 0.005)
        #expect(abs(mid.areaEquivalent - exactDw) / exactDw < 0.005)
        #expect(abs(mid.lateralCentimeters - 32) / 32 < 0.01)  // one 1.5 mm pixel is 0.5 %
        #expect(abs(mid.apCentimeters - 24) / 24 < 0.01)
        #expect(series.midScanTruncated == false)
        #expect(series.sizeMethod == "mid-scan axial")
        #expect(series.analysedSliceCount == 20)
        #expect(abs(series.midScanZMillimeters! - -2.5) <= 2.5)  // z −50…45 mm: middle −2.5, slices at −5 and 0
        #expect(abs(series.globalNoiseTissueHounsfield! - 10) / 10 < 0.05)
        #expect(abs(series.globalNoiseAirHounsfield! - 10) / 10 < 0.05)
        let localizer = try #require(series.localizer)
        #expect(localizer.projection == .frontal)
        #expect(abs(localizer.widthCentimeters - 32) / 32 < 0.02)
        // Its rows' water path lengths, calibrated on the 20 axial slices, give the ellipse's Dw again.
        let localizerDw = try #require(localizer.waterEquivalentDiameterCentimeters, "\(localizer.waterEquivalentMethod ?? "")")
        #expect(abs(localizerDw - exactDw) / exactDw < 0.005)
        #expect(localizer.waterEquivalentMethod?.hasPrefix("localizer profile integral calibrated on 20 non-truncated axial slices") == true)
        // The lateral view (IM0002) gives the AP, 24 cm, and the same Dw.
        let lateral = try #require(series.localizerSecondView)
        #expect(lateral.projection == .lateral)
        #expect(lateral.widthAgreesWithAxialSlices == true)
        #expect(abs(lateral.widthCentimeters - 24) / 24 < 0.01)
        #expect(abs(try #require(lateral.waterEquivalentDiameterCentimeters) - exactDw) / exactDw < 0.005)
    }

    /// series.csv carries the series' values in their named columns, against the phantom's exact ones.
    @Test func seriesCSVHasTheFiveDiametersSideBySide() throws {
        let exam = try #require(Self.result.exams.first)
        let record = ExamRecord(exam, pseudonymizer: .identity, measurements: Self.result.seriesMeasurements[exam.studyInstanceUID] ?? [])
        let rows = SeriesCSV.rows(record)
        try #require(rows.count == 1 && rows[0].count == SeriesCSV.columns.count)
        let row = Dictionary(uniqueKeysWithValues: zip(SeriesCSV.columns, rows[0]))
        func value(_ column: String) throws -> Double { try #require(row[column].flatMap { $0 }.flatMap(Double.init), "\(column)") }
        let exactDw = 2 * (16.0 * 12.0).squareRoot()  // 27.7128 cm; also √(AP·LAT) of the 24 × 32 cm ellipse
        for column in ["midScanWaterEquivalentDiameter_cm", "midScanAreaEquivalentDiameter_cm", "midScanGeometricMeanApLateral_cm",
                       "meanWaterEquivalentDiameter_cm"] {
            let diameter = try value(column)
            #expect(abs(diameter - exactDw) / exactDw < 0.005, "\(column)")
        }
        let (arithmetic, ap, lateral) = (try value("midScanArithmeticMeanApLateral_cm"), try value("midScanAp_cm"), try value("midScanLateral_cm"))
        #expect(abs(arithmetic - 28) / 28 < 0.005)
        #expect(abs(ap - 24) / 24 < 0.01 && abs(lateral - 32) / 32 < 0.01)
        // AAPM 204 LAT-only fit (../shared/reference/cms1074.md): ED = 5.899298 + 0.3270494·LAT + 0.009978896·LAT².
        let conversion = try value("midScanLateralConversion_cm")
        #expect(abs(conversion - (5.899298 + 0.3270494 * lateral + 0.009978896 * lateral * lateral)) < 2e-4)
        // SSDE = 12.5 mGy × 3.704369·e^(−0.03671937·Dw) (AAPM 204/220) at the exact Dw: 16.737 mGy.
        let ssde = try value("ssde_mGy")
        #expect(abs(ssde - 16.737) / 16.737 < 0.005)
        let (noise, air, width) = (try value("globalNoise_hu"), try value("airNoise_hu"), try value("localizerWidth_cm"))
        #expect(abs(noise - 10) / 10 < 0.05 && abs(air - 10) / 10 < 0.05)
        #expect(abs(width - 32) / 32 < 0.02 && row["localizerProjection"] == "frontal")
        #expect(row["convolutionKernel"] == "STANDARD" && row["sliceThickness_mm"] == "5" && row["imageCount"] == "20")
        #expect(row["analysedSliceCount"] == "20" && row["sizeMethod"] == "mid-scan axial" && row["midScanTruncated"] == "false")
        #expect(row["irradiationEventUID"] == "2.25.127204470637056897995063342845353229790")
        #expect(row["choice"]??.contains("soft-tissue kernel 'STANDARD', 5.0 mm slices, 20 images") == true)
    }

    @Test func measureVerdictByHand() throws {
        // SAD = DLP × exp(0.087 × (30.3 − Dw)) with DLP 159.6 (all events) and Dw ≈ 27.71 cm:
        // 159.6 × e^(0.087 × 2.59) = 159.6 × 1.2529 ≈ 200.0 mGy·cm < 644 (Abdomen and Pelvis Routine),
        // noise ≈ 10 HU < 29 HU → in range.
        let key = Pseudonymizer(key: .init(size: .bits256))
        let (inputs, undated) = MeasureInputBuilder.inputs(for: Self.result, pseudonymizer: key)
        #expect(undated.isEmpty)
        let configuration = try MeasureConfiguration.bundledDefaults()
        let report = try MeasureEvaluation.run(inputs, configuration: configuration)
        let exam = try #require(report.exams.first)
        #expect(exam.category?.loincAnswerCode == "LA31753-9")
        let sad = try #require(exam.sizeAdjustedDose?.sizeAdjustedDoseMilligrayCentimeters)
        #expect(abs(sad - 159.6 * exp(0.087 * (30.3 - 2 * (16.0 * 12.0).squareRoot()))) / sad < 0.01)
        #expect(exam.verdict == .inRange)
    }
    /// The two slices nearest the middle (z −5 and 0 mm) reconstructed in a 30 cm field: the 32 cm wide
    /// ellipse is truncated there, so the measure falls back to the localizer, whose Dw is calibrated on
    /// the 18 other slices and is again the ellipse's 2√(16 × 12) cm.
    static func truncatedMidScanExam() throws -> String {
        let folder = try StoreFixture.temporaryFolder("truncated-mid")
        try FileManager.default.removeItem(atPath: folder)
        try FileManager.default.copyItem(atPath: Self.folder, toPath: folder)
        for name in ["IM0010.dcm", "IM0011.dcm"] {
            #expect(StoreFixture.run("/usr/bin/dcmodify", ["-nb", "-m", "(0018,1100)=300", folder + "/axial/" + name]).status == 0)
        }
        return folder
    }

    @Test func truncatedMidScanFallsBackToTheCalibratedLocalizerDw() throws {
        let folder = try Self.truncatedMidScanExam()
        let result = ArchiveScanner(jobs: 2).scan([folder])
        let exam = try #require(result.exams.first)
        let series = try #require(result.seriesMeasurements[exam.studyInstanceUID]?.first)
        #expect(series.midScanTruncated == true)
        #expect(series.sizeMethod.hasPrefix("localizer ("))
        let exactDw = 2 * (16.0 * 12.0).squareRoot()
        let localizer = try #require(series.localizer)
        #expect(localizer.waterEquivalentMethod?.hasPrefix("localizer profile integral calibrated on 18 non-truncated axial slices") == true)
        let size = MeasureInputBuilder.size(from: series)
        let diameter = try #require(SizeAdjustedDoseCalculator.diameter(size, method: .waterEquivalent))
        #expect(diameter.source == .localizer)
        #expect(abs(diameter.value - exactDw) / exactDw < 0.005)
        // The two views give LAT and AP: √(AP·LAT) = √(24 × 32) cm is the exact Dw too.
        #expect(abs(try #require(size.localizer?.lateralCentimeters) - 32) / 32 < 0.01)
        #expect(abs(try #require(size.localizer?.apCentimeters) - 24) / 24 < 0.01)
        let geometric = try #require(SizeAdjustedDoseCalculator.diameter(size, method: .geometricMeanAPLateral))
        #expect(geometric.source == .localizer)
        #expect(abs(geometric.value - exactDw) / exactDw < 0.01)
    }
    /// With `--slices mid` only the (truncated) mid-scan slice is analysed: slices are measured for the
    /// localizer's calibration alone, and the fallback still has a calibrated Dw.
    @Test func midScanOnlyStillCalibratesTheLocalizer() throws {
        let folder = try Self.truncatedMidScanExam()
        var pixels = PixelAnalysisSettings()
        pixels.slices = .midScanOnly
        let result = ArchiveScanner(jobs: 2, pixels: pixels).scan([folder])
        let exam = try #require(result.exams.first)
        let series = try #require(result.seriesMeasurements[exam.studyInstanceUID]?.first)
        #expect(series.analysedSliceCount == 1)
        #expect(result.slices.filter { $0.seriesInstanceUID == series.seriesInstanceUID }.count == 1)
        #expect(series.midScanTruncated == true)
        let localizer = try #require(series.localizer)
        #expect(localizer.waterEquivalentMethod?.hasPrefix("localizer profile integral calibrated on") == true)
        let exactDw = 2 * (16.0 * 12.0).squareRoot()
        let diameter = try #require(SizeAdjustedDoseCalculator.diameter(MeasureInputBuilder.size(from: series), method: .waterEquivalent))
        #expect(diameter.source == .localizer)
        #expect(abs(diameter.value - exactDw) / exactDw < 0.005)
    }
}
