import CSVFormat
import Testing
@testable import ScanReport

/// The summaries the report draws, on small hand-made measure.csv and sensitivity.csv tables.
@Suite struct ReportAnalysisTests {
    static let measureCSV = """
        studyInstanceUID,patientPseudonym,scanDateTime,category,sizeAdjustedDose_mGycm,dlp_mGycm,dlpDefinition,diameter_cm,globalNoise_hu,ssde_mGy,sadThreshold_mGycm,noiseThreshold_hu,verdict,reason
        A,P-1,2025-03-15T09:30:00,Abdomen and Pelvis Routine Dose,200.47,159.60,allEvents,27.68,9.78,16.76,644,29,inRange,ok
        B,P-2,2025-04-01T10:00:00,Abdomen and Pelvis Routine Dose,700.00,600.00,allEvents,29.00,12.00,20.00,644,29,outOfRange,"SAD 700 mGy.cm > 644, too high"
        C,P-2,2025-04-02T10:00:00,Abdomen and Pelvis Routine Dose,,,allEvents,,,,644,29,excluded,under 18
        D,P-3,2025-04-03T10:00:00,uncategorized,,,allEvents,,,,,,notEvaluable,uncategorized
        """

    static let sensitivityCSV = """
        studyInstanceUID,category,diameterMethod,dlpDefinition,sizeAdjustedDose_mGycm,verdict,verdictFlipsForExam,reason
        A,Abdomen and Pelvis Routine Dose,waterEquivalent,allEvents,200.47,inRange,true,x
        A,Abdomen and Pelvis Routine Dose,areaEquivalent,allEvents,650.00,outOfRange,true,x
        A,Abdomen and Pelvis Routine Dose,areaEquivalent,withoutLocalizers,640.00,inRange,true,x
        B,Abdomen and Pelvis Routine Dose,waterEquivalent,allEvents,700.00,outOfRange,false,x
        B,Abdomen and Pelvis Routine Dose,areaEquivalent,allEvents,690.00,outOfRange,false,x
        """

    static var measures: [MeasureRow] { CSVDocument(parsing: measureCSV).namedRows.map(MeasureRow.init) }
    static var sensitivity: [SensitivityRow] { CSVDocument(parsing: sensitivityCSV).namedRows.map(SensitivityRow.init) }

    @Test func measureRowsReadTheirColumns() throws {
        let b = try #require(Self.measures.first { $0.studyInstanceUID == "B" })
        #expect(b.sizeAdjustedDoseMilligrayCentimeters == 700)
        #expect(b.sadThresholdMilligrayCentimeters == 644)
        #expect(b.noiseThresholdHounsfield == 29)
        #expect(b.reason == "SAD 700 mGy.cm > 644, too high")
        #expect(b.isOutOfRange && b.isEvaluated)
    }

    @Test func outOfRangeRateCountsOnlyEvaluatedExams() throws {
        let categories = CategoryOverview.all(Self.measures)
        #expect(categories.map(\.category) == ["Abdomen and Pelvis Routine Dose"])  // uncategorized left out
        let c = try #require(categories.first)
        #expect(c.outOfRangeCount == 1)
        #expect(c.evaluatedCount == 2)
        #expect(c.notEvaluatedCount == 1)
        #expect(c.outOfRangePercent == 50)
        #expect(c.sadThresholdMilligrayCentimeters == 644)
        #expect(c.exams.map(\.studyInstanceUID) == ["A", "B"])  // C has no diameter: no marker
        #expect(c.sadPointCounts == [.inRange: 1, .outOfRange: 1])
    }

    @Test func sensitivityCountsVerdictChangesPerDiameterMethod() {
        let s = SizeMethodSensitivity(measures: Self.measures, sensitivity: Self.sensitivity)
        #expect(s.dlpDefinition == "allEvents")
        #expect(s.methods.map(\.diameterMethod) == ["waterEquivalent", "areaEquivalent"])
        #expect(s.methods.map(\.examsCompared) == [2, 2])
        #expect(s.methods[0].flippedStudyInstanceUIDs.isEmpty && s.methods[0].flippedCount == 0)
        #expect(s.methods[1].flippedStudyInstanceUIDs == ["A"])
        #expect(s.examsFlippingUnderAnyVariant == ["A"] && s.examsFlippingUnderAnyVariantCount == 1)
        #expect(s.examsAnalysed == 2)
    }

    @Test func categoryChartsDrawThresholdAndOneMarkerPerExam() throws {
        let c = try #require(CategoryOverview.all(Self.measures).first)
        let svg = CategorySection.sadChart(c, id: "t").svg
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("threshold 644 mGy·cm"))
        #expect(svg.contains("SAD (mGy·cm)") && svg.contains("Patient diameter (cm)"))
        #expect(svg.components(separatedBy: "<title>A: D 27.7 cm, SAD 200.5 mGy·cm</title>").count == 2)
        #expect(svg.contains("in range (1)") && svg.contains("out of range (1)"))
        let html = CategorySection.html([c])
        #expect(html.contains("<strong>1 / 2</strong> (50.0 %)"))
    }
}
