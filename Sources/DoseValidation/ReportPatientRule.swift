import DoseModel

/// REPORT_PATIENT_MISMATCH: does each dose report name the patient that the study's images name (or,
/// in a study without images, that its first report names)? A report filed under another patient's
/// study (a misfiled report, a merge done on the images only) would put its dose on the wrong patient.
/// Compared: Patient ID (in a store both are pseudonyms of one key, equal exactly when the identifiers
/// are), birth date and sex, each only when both give it. The finding names the attributes that
/// differ, never their values (they identify the patient).
enum ReportPatientRule {
    static func check(_ context: ExamValidationContext) -> [Finding] {
        let reports = context.reportsBySOP.keys.sorted().compactMap { sop in
            context.reportsBySOP[sop]?.reportedStudy.map { (sop: sop, patient: $0.patient) }
        }
        // Without images the exam's patient is a report's own: the others are compared with the first.
        let images = !context.exam.series.isEmpty
        guard let reference = images ? context.exam.patient : reports.first?.patient else { return [] }
        let whose = images ? "the study's images" : "the study's first dose report (\(reports[0].sop))"
        return reports.dropFirst(images ? 0 : 1).compactMap { sop, reported in
            let compared: [(name: String, images: String?, report: String?)] = [
                ("Patient ID", reference.patientID, reported.patientID), ("birth date", reference.birthDate, reported.birthDate),
                ("sex", reference.sex, reported.sex),
            ]
            let differing = compared.filter { attribute in
                guard let a = attribute.images?.trimmingWhitespace, let b = attribute.report?.trimmingWhitespace,
                      !a.isEmpty, !b.isEmpty else { return false }
                return a != b
            }.map(\.name)
            guard !differing.isEmpty else { return nil }
            return context.finding(
                .reportPatientMismatch, report: sop,
                message: "the dose report names another patient than \(whose) (differing: \(differing.joined(separator: ", ")))",
                expected: "the patient of " + whose, actual: "differing: " + differing.joined(separator: ", "))
        }
    }
}

private extension String {
    var trimmingWhitespace: String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}
