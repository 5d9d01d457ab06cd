import Foundation

/// Exam-level population counts (CMS1074 / CMS1206 style, or any subset of exams).
public struct PopulationCounts: Sendable, Codable, Hashable {
    public var exams = 0
    /// Scanned in the period, adult (age known and ≥ 18 at period start).
    public var initialPopulation = 0
    /// Outside the period, under 18, age unknown, or not a patient (QA phantom, test patient).
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

    /// Counts one member of the initial population with its verdict (a CMS1056 patient: every patient
    /// counted is in it).
    public mutating func add(_ verdict: Verdict) {
        exams += 1
        initialPopulation += 1
        switch verdict {
        case .excluded: denominatorExclusions += 1
        case .notEvaluable: notEvaluable += 1
        case .inRange: denominator += 1
        case .outOfRange:
            denominator += 1
            numerator += 1
        }
    }

    public mutating func add(_ reason: VerdictReason) {
        guard reason.inInitialPopulation else {
            exams += 1
            excludedFromInitialPopulation += 1
            return
        }
        add(reason.verdict)
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
        var patients: [PatientMeasureResult] = []
        tally.forEachPatient { patients.append($0) }
        return patients
    }

    /// Counts for CMS1056: initialPopulation = patients, denominatorExclusions = Full Body patients, etc.
    public static func counts(_ patients: [PatientMeasureResult]) -> PopulationCounts {
        var counts = PopulationCounts()
        for patient in patients { counts.add(patient.verdict) }
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
