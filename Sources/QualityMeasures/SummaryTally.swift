import Foundation

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

    /// One summary per period seen, in period order, with its CMS1056 counts; with `listingPatients`
    /// each patient's result too (else `forEachPatient` gives them one at a time).
    public func summaries(listingPatients: Bool = true) -> [PeriodSummary] {
        counts.keys.sorted().map { period in
            var summary = counts[period]!
            var patientCounts = PopulationCounts()
            patients[period]?.forEachPatient { patient in
                patientCounts.add(patient.verdict)
                if listingPatients { summary.patients.append(patient) }
            }
            summary.cms1056Patients = patientCounts
            return summary
        }
    }

    /// The patients of `period`, by pseudonym.
    public func forEachPatient(of period: MeasurementPeriod, _ body: (PatientMeasureResult) throws -> Void) rethrows {
        try patients[period]?.forEachPatient(body)
    }
}

/// Per patient of the initial population, what CMS1056 needs: the exams' Study Instance UIDs in order,
/// which are out of range, the first Full Body exam and whether any exam was in range; from these
/// `forEachPatient` gives each patient's verdict. Kept compact, as the one part of the measure files that
/// grows with the archive: about 75 bytes an exam (its UID's bytes in one buffer) and one entry a patient.
struct PatientTally: Sendable {
    private var patientIndex: [String: Int32] = [:]
    private var pseudonyms: [String] = []
    private var fullBody: [Int32: String] = [:]
    private var anyInRange: [Bool] = []
    /// The exams in order: patient, out of range, and the end of the UID's bytes in `uidBytes`.
    private var examPatient: [Int32] = []
    private var examOutOfRange: [Bool] = []
    private var uidEnds: [Int] = []
    private var uidBytes: [UInt8] = []

    mutating func add(_ exam: ExamMeasureResult) {
        guard exam.reason.inInitialPopulation else { return }
        let patient: Int32
        if let known = patientIndex[exam.patientPseudonym] {
            patient = known
        } else {
            patient = Int32(pseudonyms.count)
            patientIndex[exam.patientPseudonym] = patient
            pseudonyms.append(exam.patientPseudonym)
            anyInRange.append(false)
        }
        examPatient.append(patient)
        examOutOfRange.append(exam.verdict == .outOfRange)
        uidBytes.append(contentsOf: exam.studyInstanceUID.utf8)
        uidEnds.append(uidBytes.count)
        if exam.verdict == .inRange { anyInRange[Int(patient)] = true }
        if exam.reason == .fullBody, fullBody[patient] == nil { fullBody[patient] = exam.studyInstanceUID }
    }

    /// Each patient's result, by pseudonym.
    func forEachPatient(_ body: (PatientMeasureResult) throws -> Void) rethrows {
        // The exams grouped by patient, in exam order within each (a counting sort by patient).
        var starts = [Int](repeating: 0, count: pseudonyms.count + 1)
        for patient in examPatient { starts[Int(patient) + 1] += 1 }
        for index in pseudonyms.indices { starts[index + 1] += starts[index] }
        var next = starts
        var grouped = [Int32](repeating: 0, count: examPatient.count)
        for (exam, patient) in examPatient.enumerated() {
            grouped[next[Int(patient)]] = Int32(exam)
            next[Int(patient)] += 1
        }
        func uid(_ exam: Int) -> String {
            String(decoding: uidBytes[(exam == 0 ? 0 : uidEnds[exam - 1])..<uidEnds[exam]], as: UTF8.self)
        }
        for patient in pseudonyms.indices.sorted(by: { pseudonyms[$0] < pseudonyms[$1] }) {
            let exams = grouped[starts[patient]..<starts[patient + 1]].map(Int.init)
            let uids = exams.map(uid)
            let outOfRange = exams.filter { examOutOfRange[$0] }.map(uid)
            let verdict: Verdict
            let text: String
            if let first = fullBody[Int32(patient)] {
                verdict = .excluded
                text = "patient has a Full Body exam (\(first))"
            } else if !outOfRange.isEmpty {
                verdict = .outOfRange
                text = "\(outOfRange.count) of \(uids.count) exams out of range"
            } else if anyInRange[patient] {
                verdict = .inRange
                text = "no evaluable exam out of range"
            } else {
                verdict = .notEvaluable
                text = "no exam with category, noise and SAD"
            }
            try body(PatientMeasureResult(
                patientPseudonym: pseudonyms[patient], verdict: verdict, reasonText: text, studyInstanceUIDs: uids,
                outOfRangeStudyInstanceUIDs: outOfRange))
        }
    }
}
