import Testing

@testable import QualityMeasures

/// patient-dose.csv: each patient's exams added up, and the window of N years with the most effective
/// dose. Doses by hand: an adult abdomen-pelvis exam on the 32 cm phantom is DLP × 0.015 mSv (AAPM
/// Report 96); a knee has no coefficient, hence no estimate.
@Suite struct PatientDoseTests {
    private func result(_ patient: String, _ date: CalendarDate, dlp: Double, study: String = "CT ABDOMEN PELVIS") throws -> ExamMeasureResult {
        try ExamEvaluator(configuration: try Fixtures.configuration(period: nil))
            .evaluate(Fixtures.exam(uid: "\(patient).\(date)", patient: patient, date: date, study: study, dlp: dlp))
    }

    @Test func windowWithTheMostDoseAndTheTotals() throws {
        var tally = PatientDoseTally(settings: CumulativeDoseSettings())
        for (date, dlp) in [((2022, 6, 1), 2000.0), ((2020, 1, 10), 2000), ((2024, 12, 31), 3000), ((2025, 1, 10), 1000)] {
            tally.add(try result("A", CalendarDate(year: date.0, month: date.1, day: date.2), dlp: dlp))
        }
        tally.add(try result("A", CalendarDate(year: 2026, month: 1, day: 1), dlp: 100, study: "CT KNEE RIGHT"))
        tally.add(try result("B", CalendarDate(year: 2025, month: 3, day: 1), dlp: 300))
        tally.add(try result("unknown-1.2.3", CalendarDate(year: 2025, month: 3, day: 1), dlp: 9000))
        let rows = tally.rows
        #expect(rows.map(\.patientPseudonym) == ["A", "B"])
        let a = rows[0]
        // Windows of 5 years: from 2020-01-10, the exams before 2025-01-10: 30 + 30 + 45 = 105 mSv (the
        // exam of 2025-01-10 is outside); from 2022-06-01: 30 + 45 + 15 + none = 90.
        #expect(abs(a.windowEffectiveDoseMillisieverts - 105) < 1e-3)
        #expect(a.windowExams == 3 && a.windowFirstStudyDate == CalendarDate(year: 2020, month: 1, day: 10)
                && a.windowLastStudyDate == CalendarDate(year: 2024, month: 12, day: 31))
        #expect(a.atOrAboveThreshold)
        #expect(a.exams == 5 && a.examsWithoutEstimate == 1)
        #expect(abs(a.effectiveDoseMillisieverts - 120) < 1e-3 && abs(a.dlpMilligrayCentimeters - 8100) < 1e-3)
        #expect(a.firstStudyDate == CalendarDate(year: 2020, month: 1, day: 10) && a.lastStudyDate == CalendarDate(year: 2026, month: 1, day: 1))
        #expect(!rows[1].atOrAboveThreshold && abs(rows[1].effectiveDoseMillisieverts - 4.5) < 1e-3)

        let csv = PatientDoseCSVWriter.csv(tally).split(separator: "\n")
        #expect(csv[1] == "A,5,1,2020-01-10,2026-01-01,8100.00,120.00,5,105.00,3,2020-01-10,2024-12-31,yes,100")
    }

    @Test func aShorterWindowOrHigherThresholdChangesTheFlag() throws {
        var settings = CumulativeDoseSettings()
        settings.windowYears = 1
        settings.thresholdMillisieverts = 60
        var tally = PatientDoseTally(settings: settings)
        for (date, dlp) in [((2024, 12, 31), 3000.0), ((2025, 1, 10), 1000), ((2025, 12, 31), 2000)] {
            tally.add(try result("A", CalendarDate(year: date.0, month: date.1, day: date.2), dlp: dlp))
        }
        // One year from 2024-12-31: 45 + 15 = 60 (2025-12-31 is the limit's day, outside); from 2025-01-10: 15 + 30 = 45.
        let a = try #require(tally.rows.first)
        #expect(abs(a.windowEffectiveDoseMillisieverts - 60) < 1e-3 && a.windowExams == 2 && a.atOrAboveThreshold)
    }
}
