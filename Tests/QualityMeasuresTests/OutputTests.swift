import CSVFormat
import Foundation
import Testing

@testable import QualityMeasures
import DoseModel

@Suite("Outputs")
struct OutputTests {
    func report() throws -> MeasureReport {
        var withComma = Fixtures.exam(uid: "1.2.3.1", noise: 20.5, scanner: "Siemens, Force \"A\"")
        withComma.descriptors.studyDescription = "CT ABDOMEN PELVIS W CONTRAST"
        let exams = [
            withComma,
            Fixtures.exam(uid: "1.2.3.2", noise: nil),  // not evaluable: emitted without the noise component
            Fixtures.exam(uid: "1.2.3.3", study: "OUTSIDE FILMS"),  // uncategorized: not emitted
            Fixtures.exam(uid: "1.2.3.4", birthDate: CalendarDate(year: 2015, month: 1, day: 1)),  // child: not emitted
        ]
        return try MeasureEvaluation.run(exams, configuration: Fixtures.configuration())
    }

    @Test("FHIR Bundle: codes, systems and units exactly as the CQL reads them")
    func fhir() throws {
        let data = try FHIRBundleWriter.bundleJSON(try report().exams)
        let bundle = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(bundle["resourceType"] as? String == "Bundle")
        #expect(bundle["type"] as? String == "collection")
        let entries = try #require(bundle["entry"] as? [[String: Any]])
        #expect(entries.count == 2)
        let first = try #require(entries[0]["resource"] as? [String: Any])
        #expect(first["resourceType"] as? String == "Observation")
        #expect(first["status"] as? String == "final")
        #expect(first["effectiveDateTime"] as? String == "2025-05-10T09:30:00+01:00")
        #expect((first["subject"] as? [String: Any])?["reference"] as? String == "Patient/P1")
        let code = try #require(((first["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first)
        #expect(code["system"] as? String == "http://loinc.org" && code["code"] as? String == "96914-7")
        let value = try #require(((first["valueCodeableConcept"] as? [String: Any])?["coding"] as? [[String: Any]])?.first)
        #expect(value["system"] as? String == "http://loinc.org" && value["code"] as? String == "LA31753-9")
        let components = try #require(first["component"] as? [[String: Any]])
        var byCode: [String: [String: Any]] = [:]
        for component in components {
            let coding = try #require(((component["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first)
            #expect(coding["system"] as? String == "http://loinc.org")
            byCode[coding["code"] as? String ?? ""] = component["valueQuantity"] as? [String: Any]
        }
        let noise = try #require(byCode["96912-1"])
        #expect(noise["unit"] as? String == "[hnsf'U]" && noise["code"] as? String == "[hnsf'U]")
        #expect(noise["system"] as? String == "http://unitsofmeasure.org")
        #expect(noise["value"] as? Double == 20.5)
        let sad = try #require(byCode["96913-9"])
        #expect(sad["unit"] as? String == "mGy.cm" && sad["code"] as? String == "mGy.cm")
        #expect(sad["system"] as? String == "http://unitsofmeasure.org")
        #expect(sad["value"] as? Double == 500)  // DLP 500 at Dw 30.3 cm: g = exp(0) = 1
        let second = try #require(entries[1]["resource"] as? [String: Any])
        let secondCodes = (second["component"] as? [[String: Any]] ?? []).compactMap {
            (($0["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String
        }
        #expect(secondCodes == ["96913-9"])
    }

    @Test("measure.csv: required columns, one row per exam, proper quoting")
    func csv() throws {
        let text = MeasureCSVWriter.csv(try report().exams)
        let rows = CSVText.records(parsing: text)
        #expect(rows.count == 5)
        let header = rows[0]
        for column in [
            "studyInstanceUID", "category", "categoryCode", "sizeAdjustedDose_mGycm", "sadMethod", "globalNoise_hu", "noiseMethod",
            "ssde_mGy", "sadThreshold_mGycm", "noiseThreshold_hu", "verdict", "reason",
        ] {
            #expect(header.contains(column), "missing \(column)")
        }
        #expect(rows.allSatisfy { $0.count == header.count })
        let row = Dictionary(uniqueKeysWithValues: zip(header, rows[1]))
        #expect(row["scanner"] == "Siemens, Force \"A\"")
        #expect(row["categoryCode"] == "LA31753-9" && row["sadThreshold_mGycm"] == "644" && row["noiseThreshold_hu"] == "29")
        #expect(row["sizeAdjustedDose_mGycm"] == "500.00" && row["verdict"] == "inRange")
        #expect(text.contains("\"Siemens, Force \"\"A\"\"\""))
        let uncategorized = Dictionary(uniqueKeysWithValues: zip(header, rows[3]))
        #expect(uncategorized["category"] == "uncategorized" && uncategorized["verdict"] == "notEvaluable")
        #expect(uncategorized["reason"]?.contains("'OUTSIDE FILMS'") == true)
    }

    @Test("summary text and JSON")
    func summary() throws {
        let report = try report()
        let text = MeasureSummaryWriter.text(report)
        #expect(text.contains("Measurement period 2025"))
        #expect(text.contains("PROVISIONAL"))
        let json = try JSONSerialization.jsonObject(with: MeasureSummaryWriter.json(report)) as? [String: Any]
        let periods = try #require(json?["periods"] as? [[String: Any]])
        #expect(periods.count == 1)
        // in population: 1.2.3.1 in range, 1.2.3.2 missing noise, 1.2.3.3 uncategorized → denominator 1, numerator 0, rate 0
        let all = try #require(periods[0]["allExams"] as? [String: Any])
        #expect(all["denominator"] as? Int == 1 && all["numerator"] as? Int == 0 && all["rate"] as? Double == 0)
        #expect(all["notEvaluable"] as? Int == 2 && all["excludedFromInitialPopulation"] as? Int == 1)
    }
}

@Suite("Output bundle")
struct OutputBundleTests {
    @Test("all files are produced; sensitivity.csv has 15 variants per analysed exam")
    func files() throws {
        let exams = [Fixtures.exam(uid: "1"), Fixtures.exam(uid: "2", study: "CT HEAD WO", noise: 30)]
        let run = try MeasureOutputs.run(exams, configuration: Fixtures.configuration())
        #expect(Set(run.files.keys) == ["measure.csv", "measure-summary.txt", "measure-summary.json", "measure-fhir.json", "sensitivity.csv",
                                          "typical-values.csv", "patient-dose.csv"])
        let rows = CSVText.records(parsing: String(decoding: try #require(run.files["sensitivity.csv"]), as: UTF8.self))
        #expect(rows.count == 1 + 2 * 15)
        // One patient, two exams of DLP 500 on the 32 cm phantom: abdomen-pelvis 500 × 0.015 = 7.5 mSv and
        // head 500 × 2.3 × 0.0021 = 2.415 mSv (the adult head coefficient is for the 16 cm phantom).
        let patients = CSVText.records(parsing: String(decoding: try #require(run.files["patient-dose.csv"]), as: UTF8.self))
        #expect(patients.count == 2 && patients[1].prefix(6) == ["P1", "2", "0", "2025-05-10", "2025-05-10", "1000.00"], "\(patients)")
        #expect(abs((Double(patients[1][6]) ?? 0) - 9.915) <= 0.005 + 1e-9)  // 9.915 to two places
    }
}

@Suite("SSDE labelling in measure.csv")
struct SSDELabelTests {
    @Test("head exam: 32 cm phantom is flagged and no SSDE is given; 16 cm phantom gives SSDE labelled unverified")
    func headLabels() throws {
        let evaluator = try ExamEvaluator(configuration: Fixtures.configuration())
        var exam = Fixtures.exam(study: "CT HEAD WO", dw: 16)
        let onBody = evaluator.evaluate(exam)
        #expect(onBody.ssdeAnatomy == .head && onBody.ssde?.anyPhantomMismatch == true && onBody.ssde?.examSSDE == nil)
        #expect(MeasureCSVWriter.row(onBody).contains { $0.contains("phantom mismatch") })
        exam.dose.events[0].phantom = .head16Centimeter
        let onHead = evaluator.evaluate(exam)
        // CTDIvol 10 mGy × 1.9852·exp(−0.0486·16) = 10 × 0.912214 = 9.12 mGy
        let row = Dictionary(uniqueKeysWithValues: zip(MeasureCSVWriter.columns, MeasureCSVWriter.row(onHead)))
        #expect(row["ssde_mGy"] == "9.12")
        #expect(row["ssdeNote"]?.contains("unverified") == true)
    }
}

/// A corrupt CTDIvol of 1e300 makes a SAD of that order; its text trapped in `Int(_:)` and killed the
/// scan after every exam had been read (found by fuzzing the corpus).
@Suite struct HugeValueTextTests {
    @Test func wholeNumbersBeyondIntAreFormattedNotConverted() {
        #expect(ThresholdEvaluation.format(644) == "644")
        let huge = ThresholdEvaluation.format(1e300)  // 301 digits and two decimals
        #expect(huge.count == 304 && huge.hasPrefix("10000000000000000") && huge.hasSuffix(".00"))
        #expect(MeasureCSVWriter.threshold(644) == "644")
        #expect(MeasureCSVWriter.threshold(1e300) == "1e+300")
    }
}
