import Foundation

/// Signs that an exam's subject is not a patient: a quality-control phantom, a physicist's test, a
/// test patient. Such exams are reported like any other but left out of the population statistics
/// (typical values, DRLs, the CMS measures, cumulative patient dose, protocol changes), where a
/// daily QA phantom would otherwise be the most scanned "patient" of every scanner.
///
/// The signs, in this order: Quality Control Subject (0010,0200) = YES (DICOM PS3.3 C.7.1.1, the
/// standard's own flag, rarely filled in); a Patient Species Description (0010,2201) other than a
/// human's (a veterinary or research subject); a word of `identifierWords` in Patient's Name, Patient
/// ID or Patient Comments (0010,4000); a word of `descriptionWords` in the Study Description, or in
/// the protocol of every event (localizers aside). Names and comments are never stored: the patient's
/// own signs are looked at when a file is read and only the word found is kept
/// (`PatientAttributes.nonPatientIndication`).
///
/// A word matches a whole word of the text, case-insensitively, where words are split at anything
/// but letters and digits, between letters and digits, and at a change of case ("QATesting^Physics"
/// holds QA, TESTING and PHYSICS; "MONTHLY_QC" holds QC; "Iqbal" holds no QA).
public struct NonPatientWords: Sendable, Codable, Hashable {
    /// Looked for in Patient's Name and Patient ID.
    public var identifierWords: [String]
    /// Looked for in the Study Description and the events' protocol names.
    public var descriptionWords: [String]
    /// Exams listed by the user (`--non-patient-list`), whatever their words.
    public var list: NonPatientList?

    public init(identifierWords: [String] = Self.defaultIdentifierWords, descriptionWords: [String] = Self.defaultDescriptionWords) {
        self.identifierWords = identifierWords.map { $0.uppercased() }
        self.descriptionWords = descriptionWords.map { $0.uppercased() }
    }

    /// ctdose's choice [U]: the names QA phantoms and test patients are commonly registered under.
    /// TEST is only a name's word: "test bolus" is a clinical protocol.
    /// CTDI: dosimetry phantoms ("CTDI^BODY") and their protocols ("CTDI Head 16").
    public static let defaultIdentifierWords = ["QA", "QC", "PHANTOM", "PHYSICS", "PHYSICIST", "TEST", "TESTING", "CATPHAN", "ACR",
                                                "CALIBRATION", "CONSTANCY", "CTDI"]
    /// ctdose's choice [U].
    public static let defaultDescriptionWords = ["QA", "QC", "PHANTOM", "PHYSICS", "CATPHAN", "CALIBRATION", "CONSTANCY", "CTDI"]

    /// What a patient's own attributes say, as the store keeps it in place of the name ("Patient's
    /// Name has QA"), or nil.
    public func indication(of patient: PatientAttributes) -> String? {
        if patient.qualityControlSubject == true { return "Quality Control Subject is YES" }
        if let species = patient.speciesDescription, !Self.humanSpecies.contains(species.trimmingCharacters(in: .whitespaces).lowercased()) {
            return "Patient Species Description is \(species)"
        }
        if let word = Self.firstWord(of: identifierWords, in: patient.patientName) { return "Patient's Name has \(word)" }
        if let word = Self.firstWord(of: identifierWords, in: patient.patientID) { return "Patient ID has \(word)" }
        if let word = Self.firstWord(of: identifierWords, in: patient.comments) { return "Patient Comments has \(word)" }
        return nil
    }

    /// Species descriptions of a human subject (Patient Species Description is meant for veterinary
    /// and research subjects; a few systems fill it for people too).
    static let humanSpecies: Set<String> = ["", "homo sapiens", "human", "homo sapiens sapiens"]

    /// Why `exam` is not of a patient, or nil when nothing says so: the user's list, else its patient's
    /// indication (made with `identifierWords` when the files were read), else `descriptionWords`.
    public func reason(for exam: Exam) -> String? {
        if let listed = list?.reason(for: exam) { return listed }
        if let indication = exam.patient.nonPatientIndication { return indication }
        if let word = Self.firstWord(of: descriptionWords, in: exam.studyDescription) { return "Study Description has \(word)" }
        let protocols = exam.events.filter { $0.event.acquisitionType != .constantAngle }.map { $0.event.acquisitionProtocol ?? "" }
        if let first = protocols.first, let word = Self.firstWord(of: descriptionWords, in: first),
           protocols.allSatisfy({ Self.firstWord(of: descriptionWords, in: $0) != nil }) {
            return "every event's protocol has a word such as \(word) (\(first))"
        }
        return nil
    }

    /// The words of a comma-separated list ("QA,PHANTOM"; "" for none), upper-cased; nil when one
    /// is not a single word of letters and digits (it could never match).
    public static func list(parsing text: String) -> [String]? {
        let words = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
        return words.allSatisfy({ Self.words(in: $0) == [$0] }) ? words : nil
    }

    /// The first of `words` that is a word of `text`.
    static func firstWord(of words: [String], in text: String?) -> String? {
        guard let text, !text.isEmpty, !words.isEmpty else { return nil }
        let found = Set(Self.words(in: text))
        return words.first { found.contains($0) }
    }

    /// The words of `text`, upper-cased: split at anything but letters and digits, between letters
    /// and digits, where a lower-case letter is followed by an upper-case one ("physicsTesting"), and
    /// before the last of a run of capitals followed by a lower-case letter ("QATesting").
    static func words(in text: String) -> [String] {
        var words: [String] = []
        var current: [Character] = []
        func close() {
            if !current.isEmpty { words.append(String(current).uppercased()) }
            current = []
        }
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            guard character.isLetter || character.isNumber else {
                close()
                continue
            }
            if let previous = current.last {
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                let letterDigitChange = previous.isNumber != character.isNumber
                let lowerToUpper = previous.isLowercase && character.isUppercase
                let capitalsToWord = previous.isUppercase && character.isUppercase && next?.isLowercase == true
                if letterDigitChange || lowerToUpper || capitalsToWord { close() }
            }
            current.append(character)
        }
        close()
        return words
    }
}
