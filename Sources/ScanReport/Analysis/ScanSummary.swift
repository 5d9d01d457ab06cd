import ArchiveScan
import DoseValidation

/// The headline numbers of a scan: what was read and what was found.
public struct ScanSummary: Sendable, Equatable {
    public var examCount: Int
    /// Distinct patient pseudonyms (exams without a patient ID, and of QA phantoms or test patients, are not counted).
    public var patientCount: Int
    /// First and last study date, "YYYY-MM-DD"; nil when no exam has a date.
    public var firstStudyDate: String?
    public var lastStudyDate: String?
    /// "Manufacturer Model (station)" of each distinct scanner, sorted.
    public var scanners: [String]
    /// problems.csv rows by severity (error, repaired, setAside).
    public var problemsBySeverity: [String: Int]
    /// Findings of all exams by severity.
    public var findingsBySeverity: [FindingSeverity: Int]
    /// Exams by where their dose values came from (exams.jsonl `doseSource`; "none" without any).
    public var examsByDoseSource: [String: Int] = [:]
    /// Exams with a patient size measured from their pixels (a mid-scan water-equivalent diameter, or
    /// one from the localizer), and with global noise.
    public var examsWithSize = 0
    public var examsWithNoise = 0
    /// Exams of QA phantoms and test patients (exams.jsonl `nonPatient`).
    public var nonPatientExams = 0

    public var problemCount: Int { problemsBySeverity.values.reduce(0, +) }
    public var findingCount: Int { findingsBySeverity.values.reduce(0, +) }

    /// The summary built one exam and one problems.csv row at a time; it keeps the distinct patient
    /// pseudonyms and scanner names.
    public struct Tally {
        private var examCount = 0
        private var patients: Set<String> = []
        private var firstDate: String?
        private var lastDate: String?
        private var scanners: Set<String> = []
        private var problems: [String: Int] = [:]
        private var findings: [FindingSeverity: Int] = [:]
        private var doseSources: [String: Int] = [:]
        private var withSize = 0
        private var withNoise = 0
        private var nonPatients = 0

        public init() {}

        public mutating func add(_ exam: ExamRecord) {
            examCount += 1
            if exam.nonPatient != nil {
                nonPatients += 1
            } else if let patient = exam.patientPseudonym {
                patients.insert(patient)
            }
            if let date = StudyMonth.isoDate(exam.studyDate) {
                firstDate = min(firstDate ?? date, date)
                lastDate = max(lastDate ?? date, date)
            }
            scanners.insert(ScannerName.of(exam))
            for finding in exam.findings { findings[finding.severity, default: 0] += 1 }
            doseSources[exam.doseSource ?? "none", default: 0] += 1
            let measurements = exam.seriesMeasurements
            if measurements.contains(where: { $0.midScan?.waterEquivalent != nil || $0.localizer?.waterEquivalentDiameterCentimeters != nil }) {
                withSize += 1
            }
            if measurements.contains(where: { $0.globalNoiseTissueHounsfield != nil }) { withNoise += 1 }
        }

        public mutating func add(_ problem: ProblemRow) { problems[problem.severity, default: 0] += 1 }

        public var summary: ScanSummary {
            ScanSummary(examCount: examCount, patientCount: patients.count, firstStudyDate: firstDate, lastStudyDate: lastDate,
                        scanners: scanners.sorted(), problemsBySeverity: problems, findingsBySeverity: findings,
                        examsByDoseSource: doseSources, examsWithSize: withSize, examsWithNoise: withNoise,
                        nonPatientExams: nonPatients)
        }
    }
}
