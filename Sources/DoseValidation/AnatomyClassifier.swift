import DoseModel

/// Which part of the body an event scanned, read from text (never from the phantom).
enum ScannedAnatomy: Equatable {
    case head, body
}

/// Classifies events as head or body from configurable keyword lists, and patients as adult or paediatric.
struct AnatomyClassifier {
    let settings: ValidationSettings

    /// The event's own text: target region meaning, acquisition protocol, label, comment.
    static func eventText(_ event: IrradiationEvent) -> String {
        [event.targetRegion?.meaning, event.acquisitionProtocol, event.label, event.comment]
            .compactMap { $0 }.joined(separator: " ").uppercased()
    }

    /// Exam-level text, used only when the event's own text names no anatomy.
    static func examText(_ exam: Exam) -> String {
        [exam.studyDescription, exam.requestedProcedureDescription, exam.bodyPartExamined]
            .compactMap { $0 }.joined(separator: " ").uppercased()
    }

    /// Head, body, or nil when no keyword matches or both lists match.
    func anatomy(of event: IrradiationEvent, in exam: Exam) -> ScannedAnatomy? {
        classify(Self.eventText(event)) ?? classify(Self.examText(exam))
    }

    private func classify(_ text: String) -> ScannedAnatomy? {
        let head = matches(text, settings.headKeywords)
        let body = matches(text, settings.bodyKeywords)
        switch (head, body) {
        case (true, false): return .head
        case (false, true): return .body
        default: return nil
        }
    }

    func matches(_ text: String, _ keywords: [String]) -> Bool {
        keywords.contains { !$0.isEmpty && text.contains($0.uppercased()) }
    }

    /// The dose-check category of an event, or nil when its anatomy is unknown.
    func category(of event: IrradiationEvent, in exam: Exam) -> DoseCheckCategory? {
        guard let anatomy = anatomy(of: event, in: exam) else { return nil }
        let text = Self.eventText(event) + " " + Self.examText(exam)
        let age = Self.ageYears(exam.patient.age)
        let pediatric = age.map { $0 < settings.adultAgeYears } ?? false
        switch anatomy {
        case .head:
            if matches(text, settings.perfusionKeywords) { return .brainPerfusion }
            if pediatric, let age, age < 2 { return .pediatricHeadUnder2Years }
            if pediatric, let age, age < 6 { return .pediatricHead2To5Years }
            return .adultHead
        case .body:
            if matches(text, settings.cardiacKeywords) {
                return event.acquisitionType == .spiral ? .cardiacRetrospectiveGating : .cardiacProspectiveGating
            }
            if pediatric, let age, age < 10 { return .pediatricTorsoUnder10Years }
            return .adultTorso
        }
    }

    /// Patient's Age (0010,1010), AS format "nnnD/W/M/Y", in years.
    static func ageYears(_ text: String?) -> Double? {
        guard let text = text?.uppercased(), let unit = text.last, let number = Double(text.dropLast()) else { return nil }
        switch unit {
        case "Y": return number
        case "M": return number / 12
        case "W": return number / 52.1775  // weeks per Gregorian year
        case "D": return number / 365.2425  // days per Gregorian year
        default: return nil
        }
    }
}
