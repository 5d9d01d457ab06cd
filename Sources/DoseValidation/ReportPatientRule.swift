import DoseModel

/// REPORT_PATIENT_MISMATCH: does each dose report name the patient that the study's images name? A
/// report filed under another patient's study (a misfiled report, a merge done on the images only)
/// would put its dose on the wrong patient. Compared: Patient ID (in a store both are pseudonyms of one
/// key, equal exactly when the identifiers are), birth date and sex, each only when both give it. The
/// finding names the attributes that differ, never their values (they identify the patient).
enum ReportPatientRule {
    static func check(_ context: ExamValidationContext) -> [Finding] {
        // Without images the exam's patient is the report's own.
        guard !context.exam.series.isEmpty else { return [] }
        let images = context.exam.patient
        return context.reportsBySOP.keys.sorted().compactMap { sop in
            guard let reported = context.reportsBySOP[sop]?.reportedStudy?.patient else { return nil }
            let compared: [(name: String, images: String?, report: String?)] = [
                ("Patient ID", images.patientID, reported.patientID), ("birth date", images.birthDate, reported.birthDate),
                ("sex", images.sex, reported.sex),
            ]
            let differing = compared.filter { attribute in
                guard let a = attribute.images?.trimmingWhitespace, let b = attribute.report?.trimmingWhitespace,
                      !a.isEmpty, !b.isEmpty else { return false }
                return a != b
            }.map(\.name)
            guard !differing.isEmpty else { return nil }
            return context.finding(
                .reportPatientMismatch, report: sop,
                message: "the dose report names another patient than the study's images: their \(differing.joined(separator: ", ")) differ",
                expected: "the images' patient", actual: differing.joined(separator: ", ") + " differ")
        }
    }
}

private extension String {
    var trimmingWhitespace: String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}
