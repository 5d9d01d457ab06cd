/// Exams the user lists as QA phantoms' or test patients' (`--non-patient-list`): by Study Instance UID,
/// or by patient (the pseudonym the outputs show, or the Patient ID when identifiers are kept), each with
/// an optional reason. For phantoms registered under ordinary names and protocols, which no word finds.
public struct NonPatientList: Sendable, Codable, Hashable {
    /// How the reasons name the list (its file name).
    public var name: String
    /// Reasons ("" for none) by Study Instance UID and by patient pseudonym.
    public var studies: [String: String]
    public var patients: [String: String]

    public init(name: String, studies: [String: String] = [:], patients: [String: String] = [:]) {
        self.name = name
        self.studies = studies
        self.patients = patients
    }

    /// "listed in NAME" with the row's reason, when the exam's study or patient is listed.
    public func reason(for exam: Exam) -> String? {
        let reason = studies[exam.studyInstanceUID] ?? exam.patient.patientID.flatMap { patients[$0] }
        return reason.map { "listed in \(name)" + ($0.isEmpty ? "" : ": \($0)") }
    }
}
