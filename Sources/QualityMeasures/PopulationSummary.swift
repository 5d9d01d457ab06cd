import Foundation

/// Exam-level population counts (CMS1074 / CMS1206 style, or any subset of exams).
public struct PopulationCounts: Sendable, Codable, Hashable {
    public var exams = 0
    /// Scanned in the period, adult (age known and ≥ 18 at period start).
    public var initialPopulation = 0
    /// Outside the period, under 18, or age unknown.
    public var excludedFromInitialPopulation = 0
    /// Full Body (denominator exclusion).
    public var denominatorExclusions = 0
    /// In the initial population but missing category, noise or SAD.
    public var notEvaluable = 0
    public var denominator = 0
    public var numerator = 0
    /// numerator / denominator (share out of range; lower is better); `nil` when the denominator is 0.
    public var rate: Double? { denominator == 0 ? nil : Double(numerator) / Double(denominator) }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case exams, initialPopulation, excludedFromInitialPopulation, denominatorExclusions, notEvaluable, denominator, numerator, rate
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        exams = try container.decode(Int.self, forKey: .exams)
        initialPopulation = try container.decode(Int.self, forKey: .initialPopulation)
        excludedFromInitialPopulation = try container.decode(Int.self, forKey: .excludedFromInitialPopulation)
        denominatorExclusions = try container.decode(Int.self, forKey: .denominatorExclusions)
        notEvaluable = try container.decode(Int.self, forKey: .notEvaluable)
        denominator = try container.decode(Int.self, forKey: .denominator)
        numerator = try container.decode(Int.self, forKey: .numerator)
    }

    /// Encodes the counts and the derived rate (null when the denominator is 0).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(exams, forKey: .exams)
        try container.encode(initialPopulation, forKey: .initialPopulation)
        try container.encode(excludedFromInitialPopulation, forKey: .excludedFromInitialPopulation)
        try container.encode(denominatorExclusions, forKey: .denominatorExclusions)
        try container.encode(notEvaluable, forKey: .notEvaluable)
        try container.encode(denominator, forKey: .denominator)
        try container.encode(numerator, forKey: .numerator)
        try container.encode(rate, forKey: .rate)
    }

    public mutating func add(_ reason: VerdictReason) {
        exams += 1
        guard reason.inInitialPopulation else {
            excludedFromInitialPopulation += 1
            return
        }
        initialPopulation += 1
        switch reason.verdict {
        case .excluded: denominatorExclusions += 1
        case .notEvaluable: notEvaluable += 1
        case .inRange: denominator += 1
        case .outOfRange:
            denominator += 1
            numerator += 1
        }
    }
}

/// CMS1056 (clinician, patient-based) result of one patient in one period.
public struct PatientMeasureResult: Sendable, Codable, Hashable {
    public var patientPseudonym: String
    public var verdict: Verdict
    public var reasonText: String
    public var studyInstanceUIDs: [String]
    public var outOfRangeStudyInstanceUIDs: [String]
}

/// Patient-level aggregation: IP = any adult exam in the period; exclusion = any Full Body exam; denominator =
/// any exam with category, noise and SAD; numerator = any such exam out of range (CMS1056FHIRCTClinical.cql, cms1074.md §2.4).
public enum PatientLevelMeasure {
    public static func evaluate(_ exams: [ExamMeasureResult]) -> [PatientMeasureResult] {
        var tally = PatientTally()
        for exam in exams { tally.add(exam) }
        return tally.results()
    }

    /// Counts for CMS1056: initialPopulation = patients, denominatorExclusions = Full Body patients, etc.
    public static func counts(_ patients: [PatientMeasureResult]) -> PopulationCounts {
        var counts = PopulationCounts()
        for patient in patients {
            counts.exams += 1
            counts.initialPopulation += 1
            switch patient.verdict {
            case .excluded: counts.denominatorExclusions += 1
            case .notEvaluable: counts.notEvaluable += 1
            case .inRange: counts.denominator += 1
            case .outOfRange:
                counts.denominator += 1
                counts.numerator += 1
            }
        }
        return counts
    }
}

/// Summary of one measurement period.
public struct PeriodSummary: Sendable, Codable, Hashable {
    public var period: MeasurementPeriod
    public var measureVersion: MeasureVersion
    /// All exams regardless of setting.
    public var allExams: PopulationCounts
    /// CMS1074: exams mapped to the inpatient setting.
    public var cms1074Inpatient: PopulationCounts
    /// CMS1206: exams mapped to outpatient or emergency.
    public var cms1206Outpatient: PopulationCounts
    /// Exams without a setting in the mapping (counted in neither facility measure).
    public var settingUnknown: PopulationCounts
    public var byCategory: [String: PopulationCounts]
    public var byScanner: [String: PopulationCounts]
    /// CMS1056 patient-level counts (a "exam" count here is a patient count).
    public var cms1056Patients: PopulationCounts
    public var patients: [PatientMeasureResult]

}

/// PeriodSummary built one exam at a time: the counts, and per patient of the initial population only
/// what CMS1056 and the summary's patient list need (`PatientTally`), never the exams themselves.
public struct PeriodSummaryTally: Sendable {
    private var counts: [MeasurementPeriod: PeriodSummary] = [:]
    private var patients: [MeasurementPeriod: PatientTally] = [:]

    public init() {}

    public mutating func add(_ exam: ExamMeasureResult) {
        var summary = counts.removeValue(forKey: exam.period) ?? PeriodSummary(
            period: exam.period, measureVersion: exam.measureVersion, allExams: PopulationCounts(), cms1074Inpatient: PopulationCounts(),
            cms1206Outpatient: PopulationCounts(), settingUnknown: PopulationCounts(), byCategory: [:], byScanner: [:],
            cms1056Patients: PopulationCounts(), patients: [])
        summary.allExams.add(exam.reason)
        switch exam.setting {
        case .inpatient: summary.cms1074Inpatient.add(exam.reason)
        case .outpatient, .emergency: summary.cms1206Outpatient.add(exam.reason)
        case nil: summary.settingUnknown.add(exam.reason)
        }
        summary.byCategory[exam.category?.displayName ?? "uncategorized", default: PopulationCounts()].add(exam.reason)
        summary.byScanner[exam.scanner ?? "unknown scanner", default: PopulationCounts()].add(exam.reason)
        counts[exam.period] = summary
        patients[exam.period, default: PatientTally()].add(exam)
    }

    /// One summary per period seen, in period order, with its patients.
    public func summaries() -> [PeriodSummary] {
        counts.keys.sorted().map { period in
            var summary = counts[period]!
            summary.patients = patients[period]?.results() ?? []
            summary.cms1056Patients = PatientLevelMeasure.counts(summary.patients)
            return summary
        }
    }
}

/// Per patient of the initial population: the exams' Study Instance UIDs in order, those out of range,
/// the first Full Body exam and whether any exam was in range; from these `results` gives each
/// patient's CMS1056 verdict.
struct PatientTally: Sendable {
    private struct Patient: Sendable {
        var studyInstanceUIDs: [String] = []
        var outOfRange: [String] = []
        var fullBody: String?
        var anyInRange = false
    }

    private var patients: [String: Patient] = [:]

    mutating func add(_ exam: ExamMeasureResult) {
        guard exam.reason.inInitialPopulation else { return }
        patients[exam.patientPseudonym, default: Patient()].studyInstanceUIDs.append(exam.studyInstanceUID)
        if exam.verdict == .outOfRange { patients[exam.patientPseudonym]!.outOfRange.append(exam.studyInstanceUID) }
        if exam.verdict == .inRange { patients[exam.patientPseudonym]!.anyInRange = true }
        if exam.reason == .fullBody, patients[exam.patientPseudonym]!.fullBody == nil {
            patients[exam.patientPseudonym]!.fullBody = exam.studyInstanceUID
        }
    }

    /// The patients' verdicts, by pseudonym.
    func results() -> [PatientMeasureResult] {
        patients.keys.sorted().map { pseudonym in
            let patient = patients[pseudonym]!
            let verdict: Verdict
            let text: String
            if let fullBody = patient.fullBody {
                verdict = .excluded
                text = "patient has a Full Body exam (\(fullBody))"
            } else if !patient.outOfRange.isEmpty {
                verdict = .outOfRange
                text = "\(patient.outOfRange.count) of \(patient.studyInstanceUIDs.count) exams out of range"
            } else if patient.anyInRange {
                verdict = .inRange
                text = "no evaluable exam out of range"
            } else {
                verdict = .notEvaluable
                text = "no exam with category, noise and SAD"
            }
            return PatientMeasureResult(
                patientPseudonym: pseudonym, verdict: verdict, reasonText: text, studyInstanceUIDs: patient.studyInstanceUIDs,
                outOfRangeStudyInstanceUIDs: patient.outOfRange)
        }
    }
}

/// The full result of a run.
public struct MeasureReport: Sendable, Codable, Equatable {
    public var exams: [ExamMeasureResult]
    public var periods: [PeriodSummary]
}

/// Entry point: evaluates all exams and summarizes them per measurement period.
public enum MeasureEvaluation {
    /// `evaluatingEach` wraps the evaluation of each exam (given its Study Instance UID): a caller can
    /// record which exam it is on, e.g. to name the exam a crash happened in.
    public static func run(_ exams: [MeasureExamInput], configuration: MeasureConfiguration,
                           evaluatingEach: (String, () -> ExamMeasureResult) -> ExamMeasureResult = { $1() }) throws -> MeasureReport {
        let evaluator = try ExamEvaluator(configuration: configuration)
        let results = exams.map { exam in evaluatingEach(exam.studyInstanceUID) { evaluator.evaluate(exam) } }
        var tally = PeriodSummaryTally()
        for result in results { tally.add(result) }
        let periods = tally.summaries()
        return MeasureReport(exams: results, periods: periods)
    }
}
