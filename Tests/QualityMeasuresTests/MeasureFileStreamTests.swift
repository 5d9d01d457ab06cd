import CSVFormat
import Foundation
import Testing

@testable import QualityMeasures

/// The measure files written one exam at a time (as an export writes them) are those of the whole run
/// written at once, and each exam's rows leave the stream as soon as the exam is added.
@Suite("Measure files, one exam at a time")
struct MeasureFileStreamTests {
    static func report() throws -> MeasureReport {
        var exams = [
            Fixtures.exam(uid: "1.2.3.1", patient: "P1", noise: 20.5, scanner: "Siemens, Force \"A\""),
            Fixtures.exam(uid: "1.2.3.2", patient: "P1", noise: nil),  // no noise component
            Fixtures.exam(uid: "1.2.3.3", patient: "P2", study: "OUTSIDE FILMS"),  // uncategorized: not emitted
            Fixtures.exam(uid: "1.2.3.4", patient: "P3", birthDate: CalendarDate(year: 2015, month: 1, day: 1)),  // child
            Fixtures.exam(uid: "1.2.3.5", patient: "P2", date: CalendarDate(year: 2024, month: 3, day: 2), noise: 40),
            Fixtures.exam(uid: "1.2.3.6", patient: "P4", study: "CT WHOLE BODY"),
            Fixtures.exam(uid: "1.2.3.7", patient: "P1", dw: nil),  // no SAD either
            // 2023: a child only, so a period whose patient list is empty.
            Fixtures.exam(uid: "1.2.3.8", patient: "P5", birthDate: CalendarDate(year: 2015, month: 1, day: 1),
                          date: CalendarDate(year: 2023, month: 6, day: 1)),
        ]
        exams[0].descriptors.studyDescription = "CT ABDOMEN PELVIS W CONTRAST"
        return try MeasureEvaluation.run(exams, configuration: Fixtures.configuration(period: nil))
    }

    @Test("the Bundle written entry by entry is byte for byte JSONEncoder's encoding of the whole Bundle")
    func bundle() throws {
        for exams in [try Self.report().exams, [], [try Self.report().exams[0]]] {
            let observations = exams.enumerated().compactMap { FHIRBundleWriter.observation($0.element, index: $0.offset + 1) }
            let whole = try FHIRBundleWriter.encoder().encode(FHIRBundleWriter.Bundle(entry: observations.map { .init(resource: $0) }))
            let streamed = try FHIRBundleWriter.bundleJSON(exams)
            #expect(streamed == whole, "\(String(decoding: streamed, as: UTF8.self))")
        }
        // Observation ids are the exams' positions among all exams written: the third is not emitted.
        let ids = try (JSONSerialization.jsonObject(with: FHIRBundleWriter.bundleJSON(try Self.report().exams)) as? [String: Any])
            .flatMap { $0["entry"] as? [[String: Any]] }?.compactMap { ($0["resource"] as? [String: Any])?["id"] as? String }
        #expect(ids == ["ctdose-exam-1", "ctdose-exam-2", "ctdose-exam-5", "ctdose-exam-6", "ctdose-exam-7"])
    }

    @Test("streamed measure.csv, sensitivity.csv and summaries equal the whole-run writers")
    func files() throws {
        let report = try Self.report()
        let configuration = try Fixtures.configuration(period: nil)
        let outputs = try MeasureOutputs.outputs(of: report, configuration: configuration)
        let sensitivity = try SADSensitivity.analyse(report, configuration: configuration)
        func text(_ name: String) -> String { String(decoding: outputs.files[name] ?? Data(), as: UTF8.self) }
        #expect(Set(outputs.files.keys) == Set(MeasureFileStream.fileNames))
        #expect(text("measure.csv") == MeasureCSVWriter.csv(report.exams))
        #expect(text("sensitivity.csv") == SensitivityCSVWriter.csv(sensitivity))
        // Analysed: the adult, categorized, not Full Body exams 1, 2, 5 and 7; 5 methods × 3 DLP definitions each.
        #expect(CSVText.records(parsing: text("sensitivity.csv")).count == 1 + 4 * 15)
        #expect(text("measure-summary.txt") == MeasureSummaryWriter.text(report, sensitivity: sensitivity))
        #expect(outputs.files["measure-summary.json"] == (try MeasureSummaryWriter.json(report, sensitivity: sensitivity)))
        #expect(outputs.files["measure-fhir.json"] == (try FHIRBundleWriter.bundleJSON(report.exams)))
        #expect(outputs.sensitivity == sensitivity)
    }

    @Test("the summary written patient by patient is byte for byte JSONEncoder's encoding of the whole summary")
    func summaryJSON() throws {
        let report = try Self.report()
        let configuration = try Fixtures.configuration(period: nil)
        let sensitivity = try SADSensitivity.analyse(report, configuration: configuration)
        let whole = try PrettyJSON.encoder().encode(MeasureSummaryWriter.Summary(
            periods: report.periods, sensitivityByCategory: sensitivity.byCategory,
            flippingStudyInstanceUIDs: sensitivity.flippingStudyInstanceUIDs, notes: MeasureSummaryWriter.notes))
        #expect(report.periods.map(\.patients.count) == [0, 1, 3])
        #expect(try MeasureSummaryWriter.json(report, sensitivity: sensitivity) == whole)
        #expect(try MeasureOutputs.outputs(of: report, configuration: configuration).files["measure-summary.json"] == whole)
        let none = try PrettyJSON.encoder().encode(MeasureSummaryWriter.Summary(periods: [], notes: MeasureSummaryWriter.notes))
        #expect(try MeasureSummaryWriter.json(periods: [], sensitivity: nil) == none)
    }

    @Test("each exam's rows reach the sink when it is added, not at the end")
    func streams() throws {
        let report = try Self.report()
        let configuration = try Fixtures.configuration(period: nil)
        let evaluator = try ExamEvaluator(configuration: configuration)
        var written: [String: Data] = [:]
        let stream = try MeasureFileStream(configuration: configuration) { name, bytes in written[name, default: Data()].append(bytes) }
        for (offset, result) in report.exams.enumerated() {
            try stream.add(MeasureExamShare(result: result, position: offset + 1, evaluator: evaluator, encoder: FHIRBundleWriter.encoder()))
            let rows = CSVText.records(parsing: String(decoding: written["measure.csv"] ?? Data(), as: UTF8.self))
            #expect(rows.count == offset + 2 && rows.last?.first == result.studyInstanceUID)
        }
        #expect(written["measure-summary.txt"] == nil)
        try stream.finish()
        #expect(written["measure-summary.txt"] != nil)
    }

    @Test("summary periods and CMS1056 patients, counted one exam at a time")
    func periodsAndPatients() throws {
        let periods = try Self.report().periods
        #expect(periods.map(\.period) == [.year(2023), .year(2024), .year(2025)])
        #expect(periods[0].patients.isEmpty && periods[0].allExams.excludedFromInitialPopulation == 1)
        let year2025 = try #require(periods.last)
        // 2025: P1 has exams 1 (in range), 2 (no noise) and 7 (no size); P2 exam 3 (uncategorized);
        // P4 exam 6 (Full Body); P3 is a child (not in the initial population).
        let patients = Dictionary(uniqueKeysWithValues: year2025.patients.map { ($0.patientPseudonym, $0) })
        #expect(year2025.patients.map(\.patientPseudonym) == ["P1", "P2", "P4"])
        #expect(patients["P1"]?.verdict == .inRange && patients["P1"]?.studyInstanceUIDs == ["1.2.3.1", "1.2.3.2", "1.2.3.7"])
        #expect(patients["P1"]?.reasonText == "no evaluable exam out of range")
        #expect(patients["P2"]?.verdict == .notEvaluable && patients["P2"]?.studyInstanceUIDs == ["1.2.3.3"])
        #expect(patients["P4"]?.verdict == .excluded && patients["P4"]?.reasonText == "patient has a Full Body exam (1.2.3.6)")
        #expect(year2025.allExams.exams == 6 && year2025.allExams.initialPopulation == 5 && year2025.allExams.denominator == 1)
        // 2024: P2's one exam, noise 40 HU ≥ 29 HU: out of range.
        let year2024 = periods[1]
        #expect(year2024.patients.map(\.verdict) == [.outOfRange] && year2024.patients.first?.outOfRangeStudyInstanceUIDs == ["1.2.3.5"])
        #expect(year2024.patients.first?.reasonText == "1 of 1 exams out of range")
        #expect(year2024.cms1056Patients.numerator == 1 && year2024.cms1056Patients.denominator == 1)
    }
}
