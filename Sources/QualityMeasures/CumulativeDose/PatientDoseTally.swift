import CSVFormat
import Foundation

/// How patient-dose.csv adds up each patient's exams.
public struct CumulativeDoseSettings: Sendable, Equatable, Codable {
    /// Cumulative effective dose from which a patient is flagged: 100 mSv, the level of Rehani et al.,
    /// Eur Radiol 30:1828 (2020), "Patients undergoing recurrent CT scans: assessing the magnitude".
    public var thresholdMillisieverts: Double = 100
    /// Length of the window the highest sum is looked for in: 5 years, the longest period of that study
    /// (which counted over 1 to 5 years) [U: ctdose's choice].
    public var windowYears: Int = 5

    public init() {}
}

/// One patient's exams added up: all of them, and the window of `windowYears` with the most effective dose.
public struct PatientDoseRow: Sendable, Equatable {
    public var patientPseudonym: String
    public var exams: Int
    /// Exams without an estimate: the sums are then lower bounds.
    public var examsWithoutEstimate: Int
    public var firstStudyDate: CalendarDate
    public var lastStudyDate: CalendarDate
    public var dlpMilligrayCentimeters: Double
    public var effectiveDoseMillisieverts: Double
    public var windowEffectiveDoseMillisieverts: Double
    public var windowExams: Int
    public var windowFirstStudyDate: CalendarDate
    public var windowLastStudyDate: CalendarDate
    public var atOrAboveThreshold: Bool
}

/// Each patient's exams (date, DLP, effective dose: 12 bytes an exam), added up at the end. Patients
/// without an identifier (pseudonym "unknown-<study>") are one exam each and left out.
public struct PatientDoseTally: Sendable {
    struct ExamDose: Sendable {
        /// YYYYMMDD: ordered as the dates are.
        var day: Int32
        var dlp: Float
        /// NaN: no estimate.
        var effectiveDoseOrNaN: Float

        var date: CalendarDate { CalendarDate(year: Int(day / 10000), month: Int(day / 100 % 100), day: Int(day % 100)) }
        var effectiveDose: Float? { effectiveDoseOrNaN.isNaN ? nil : effectiveDoseOrNaN }
    }

    public let settings: CumulativeDoseSettings
    private var exams: [String: [ExamDose]] = [:]

    public init(settings: CumulativeDoseSettings) { self.settings = settings }

    public mutating func add(_ result: ExamMeasureResult) {
        guard !result.patientPseudonym.hasPrefix("unknown-"), result.reason != .notAPatient else { return }
        let dlp = result.input.dose.events.compactMap(\.dlpMilligrayCentimeters).filter { $0.isFinite && $0 >= 0 }.reduce(0, +)
        let date = result.scanDateTime.date
        exams[result.patientPseudonym, default: []].append(
            ExamDose(day: Int32(clamping: date.year * 10000 + date.month * 100 + date.day), dlp: Float(dlp),
                     effectiveDoseOrNaN: result.effectiveDose?.millisieverts.map(Float.init) ?? .nan))
    }

    /// Patients with the highest window sum first (then by pseudonym).
    public var rows: [PatientDoseRow] {
        var rows: [PatientDoseRow] = []
        forEachRow { rows.append($0) }
        return rows
    }

    /// The rows in `rows`' order, made one at a time: only the ranking (pseudonym and window sum) is
    /// held for every patient at once.
    public func forEachRow(_ body: (PatientDoseRow) throws -> Void) rethrows {
        var ranking = exams.map { pseudonym, list in (pseudonym, row(pseudonym, list.sorted { $0.day < $1.day }).windowEffectiveDoseMillisieverts) }
        ranking.sort { ($1.1, $0.0) < ($0.1, $1.0) }
        for (pseudonym, _) in ranking { try body(row(pseudonym, exams[pseudonym]!.sorted { $0.day < $1.day })) }
    }

    private func row(_ pseudonym: String, _ sorted: [ExamDose]) -> PatientDoseRow {
        // The window starting at each exam: the exams before the same date `windowYears` later.
        var best = (sum: -1.0, first: 0, last: 0)
        var end = 0, sum = 0.0
        for start in sorted.indices {
            let limit = sorted[start].day + Int32(settings.windowYears) * 10000  // the same date N years later
            while end < sorted.count, sorted[end].day < limit {
                sum += Double(sorted[end].effectiveDose ?? 0)
                end += 1
            }
            if sum > best.sum { best = (sum, start, end - 1) }
            sum -= Double(sorted[start].effectiveDose ?? 0)
        }
        let total = sorted.reduce(0.0) { $0 + Double($1.effectiveDose ?? 0) }
        return PatientDoseRow(
            patientPseudonym: pseudonym, exams: sorted.count, examsWithoutEstimate: sorted.filter { $0.effectiveDose == nil }.count,
            firstStudyDate: sorted.first!.date, lastStudyDate: sorted.last!.date,
            dlpMilligrayCentimeters: sorted.reduce(0.0) { $0 + Double($1.dlp) }, effectiveDoseMillisieverts: total,
            windowEffectiveDoseMillisieverts: best.sum, windowExams: best.last - best.first + 1,
            windowFirstStudyDate: sorted[best.first].date, windowLastStudyDate: sorted[best.last].date,
            atOrAboveThreshold: best.sum >= settings.thresholdMillisieverts)
    }
}

/// patient-dose.csv: one row per patient.
public enum PatientDoseCSVWriter {
    public static let columns = [
        "patientPseudonym", "exams", "examsWithoutEstimate", "firstStudyDate", "lastStudyDate", "dlpTotal_mGycm",
        "effectiveDoseTotal_mSv", "windowYears", "windowEffectiveDose_mSv", "windowExams", "windowFirstStudyDate",
        "windowLastStudyDate", "atOrAboveThreshold", "threshold_mSv",
    ]

    public static func record(_ row: PatientDoseRow, settings: CumulativeDoseSettings) -> String {
        let number = { (value: Double) in MeasureCSVWriter.number(value) }
        return CSVText.record([
            row.patientPseudonym, String(row.exams), String(row.examsWithoutEstimate), row.firstStudyDate.description,
            row.lastStudyDate.description, number(row.dlpMilligrayCentimeters), number(row.effectiveDoseMillisieverts),
            String(settings.windowYears), number(row.windowEffectiveDoseMillisieverts), String(row.windowExams),
            row.windowFirstStudyDate.description, row.windowLastStudyDate.description, row.atOrAboveThreshold ? "yes" : "no",
            MeasureCSVWriter.threshold(settings.thresholdMillisieverts),
        ])
    }

    /// The file a few hundred rows at a time, each made as it is written (one text of every patient was
    /// the export's largest allocation: 19 MB at 50,000 exams).
    public static func write(_ tally: PatientDoseTally, to sink: (Data) throws -> Void) throws {
        try sink(Data((CSVText.record(columns) + "\n").utf8))
        var text = "", count = 0
        try tally.forEachRow { row in
            text += record(row, settings: tally.settings) + "\n"
            count += 1
            if count % 512 == 0 {
                try sink(Data(text.utf8))
                text = ""
            }
        }
        if !text.isEmpty { try sink(Data(text.utf8)) }
    }

    public static func csv(_ tally: PatientDoseTally) -> String {
        var data = Data()
        try? write(tally) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }
}
