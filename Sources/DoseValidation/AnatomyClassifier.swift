import DoseModel
import Synchronization

/// Which part of the body an event scanned, read from text (never from the phantom).
enum ScannedAnatomy: Equatable {
    case head, body
}

/// Keywords, uppercased once, matched as UTF-8 bytes inside uppercased text (an exam's events are
/// classified several times each; Foundation's substring search was 4 % of a header-only scan).
struct KeywordList: Sendable {
    private let keywords: [[UInt8]]

    init(_ keywords: [String]) { self.keywords = keywords.filter { !$0.isEmpty }.map { Array($0.uppercased().utf8) } }

    /// Whether any keyword occurs in `text`, which must already be uppercased.
    func occurs(in text: String) -> Bool {
        guard !keywords.isEmpty else { return false }
        var text = text
        return text.withUTF8 { haystack in
            keywords.contains { needle in
                guard needle.count <= haystack.count else { return false }
                return (0...(haystack.count - needle.count)).contains { start in
                    haystack[start] == needle[0] && needle.indices.allSatisfy { haystack[start + $0] == needle[$0] }
                }
            }
        }
    }
}

/// Classifies events as head or body from configurable keyword lists, and patients as adult or paediatric.
struct AnatomyClassifier: Sendable {
    let settings: ValidationSettings
    private let head: KeywordList
    private let body: KeywordList
    private let perfusion: KeywordList
    private let cardiac: KeywordList

    init(settings: ValidationSettings) {
        self.settings = settings
        head = KeywordList(settings.headKeywords)
        body = KeywordList(settings.bodyKeywords)
        perfusion = KeywordList(settings.perfusionKeywords)
        cardiac = KeywordList(settings.cardiacKeywords)
    }

    /// The classifier of `settings`, made once and reused while the settings stay the same (every exam
    /// of a run is validated with the same ones): making one uppercases every keyword.
    static func of(_ settings: ValidationSettings) -> AnatomyClassifier {
        latest.withLock { latest in
            if let latest, latest.settings == settings { return latest }
            let made = AnatomyClassifier(settings: settings)
            latest = made
            return made
        }
    }

    private static let latest = Mutex<AnatomyClassifier?>(nil)

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
        switch (head.occurs(in: text), body.occurs(in: text)) {
        case (true, false): return .head
        case (false, true): return .body
        default: return nil
        }
    }

    /// The dose-check category of an event, or nil when its anatomy is unknown.
    func category(of event: IrradiationEvent, in exam: Exam) -> DoseCheckCategory? {
        guard let anatomy = anatomy(of: event, in: exam) else { return nil }
        let text = Self.eventText(event) + " " + Self.examText(exam)
        let age = Self.ageYears(exam.patient.age)
        let pediatric = age.map { $0 < settings.adultAgeYears } ?? false
        switch anatomy {
        case .head:
            if perfusion.occurs(in: text) { return .brainPerfusion }
            if pediatric, let age, age < 2 { return .pediatricHeadUnder2Years }
            if pediatric, let age, age < 6 { return .pediatricHead2To5Years }
            return .adultHead
        case .body:
            if cardiac.occurs(in: text) {
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
