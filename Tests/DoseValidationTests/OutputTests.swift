import Foundation
import Testing
@testable import DoseModel
@testable import DoseValidation

@Suite struct OutputTests {
    private let finding = Finding(studyInstanceUID: "1.2", code: .rdsrTotalMismatch, reportSOPInstanceUID: "r1",
                                  message: "total \"A\", then B\nnext", expected: "1 mGy·cm", actual: "2 mGy·cm", tolerance: "±1 %")

    @Test func csvQuotesPerRFC4180() {
        let csv = FindingsCSV.text([finding])
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == FindingsCSV.columns.joined(separator: ","))
        #expect(lines[0].hasPrefix("studyInstanceUID,code,severity,subject,"))
        #expect(csv.contains("1.2,RDSR_TOTAL_MISMATCH,error,report r1,r1,,,,\"total \"\"A\"\", then B\nnext\",1 mGy·cm,2 mGy·cm,±1 %,\r\n"))
        #expect(csv.hasSuffix("\r\n"))
        #expect(FindingsCSV.rows([]).isEmpty)
    }

    @Test func findingsRoundTripAsJSON() throws {
        let data = try JSONEncoder().encode([finding])
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"code\":\"RDSR_TOTAL_MISMATCH\""))
        #expect(text.contains("\"severity\":\"error\""))
        #expect(try JSONDecoder().decode([Finding].self, from: data) == [finding])
    }

    @Test func errorDetectionForFailOn() {
        var info = finding
        info.severity = .info
        #expect([finding, info].containsError)
        #expect(![info].containsError)
        #expect([info].containsFinding(atOrAbove: .info))
        #expect(![info].containsFinding(atOrAbove: .warning))
        #expect([Finding]().worstSeverity == nil)
        #expect([info, finding].worstSeverity == .error)
    }

    @Test func severityOverridesAndDisabledCodes() {
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("e1", dlp: 100))], reports: [Fixture.report("r1", totals: [200], eventCount: 1)])
        var settings = ValidationSettings()
        settings.severityOverrides[.rdsrTotalMismatch] = .warning
        #expect(Fixture.findings(.rdsrTotalMismatch, exam, settings: settings).first?.severity == .warning)
        settings.disabledCodes = [.rdsrTotalMismatch]
        #expect(Fixture.findings(.rdsrTotalMismatch, exam, settings: settings).isEmpty)
    }

    @Test func catalogDocumentsEveryCode() {
        let table = FindingCatalog.markdownTable()
        for code in FindingCode.allCases {
            #expect(table.contains("| \(code.rawValue) | \(code.defaultSeverity.rawValue) |"), "\(code.rawValue)")
        }
        #expect(Set(FindingCode.allCases.map(\.rawValue)).count == FindingCode.allCases.count)
    }

    @Test func numbersAreWrittenWithoutNoise() {
        #expect(QuantityText.number(2002.39) == "2002.39")
        #expect(QuantityText.number(0.1 + 0.2) == "0.3")
        #expect(QuantityText.number(-1.005, decimals: 1) == "-1")
        #expect(QuantityText.number(-0.001) == "0")
        #expect(QuantityText.percent(0.1) == "±10 %")
    }

    @Test func consistentAssembledExamRaisesNoWarnings() {
        // A plain exam built through the real assembler: one localizer and one spiral event, each imaged.
        var scout = Fixture.event("e1", .constantAngle, ctdi: 0.5, dlp: 5, phantom: .body32cm, protocolName: "Abdomen")
        scout.startDateTime = "20240101100000"
        var spiral = Fixture.event("e2", ctdi: 10, dlp: 410, lengthMillimeters: 400, protocolName: "Abdomen")
        spiral.startDateTime = "20240101100100"
        let report = DoseReport(sopInstanceUID: "r1", studyInstanceUID: Fixture.study, kind: .xRayRadiationDoseSR,
                                events: [scout, spiral], reportedTotals: [ReportedDLPTotal(valueMilligrayCentimeters: 415)])
        func image(_ n: Int, series: String, event: String, z: Double, localizer: Bool) -> CTImageHeader {
            var h = CTImageHeader(sopClassUID: SOPClass.ctImage, sopInstanceUID: "\(series).\(n)", studyInstanceUID: Fixture.study,
                                  seriesInstanceUID: series)
            h.irradiationEventUID = event
            h.imageType = ["ORIGINAL", "PRIMARY", localizer ? "LOCALIZER" : "AXIAL"]
            h.imageOrientation = localizer ? [1, 0, 0, 0, 0, -1] : [1, 0, 0, 0, 1, 0]
            h.imagePositionMillimeters = [0, 0, z]
            h.sliceThicknessMillimeters = 5
            h.ctdiVolMilligray = localizer ? nil : 10
            return h
        }
        let images = [image(1, series: "s1", event: "e1", z: 0, localizer: true)]
            + (0..<20).map { image($0, series: "s2", event: "e2", z: Double($0) * 19, localizer: false) }
        let exam = ExamAssembler.assemble(images: images, reports: [report])[0]
        let findings = DoseValidator.validate(exam, reports: [report])
        #expect(!findings.contains { $0.severity >= .warning }, "\(findings)")
    }
}
