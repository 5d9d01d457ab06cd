/// How serious a finding is. Ordered: info < warning < error.
public enum FindingSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (a: FindingSeverity, b: FindingSeverity) -> Bool { a.rank < b.rank }
}

/// One result of validating an exam: what was compared, against what, with which tolerance.
/// Encodes to JSON as an element of the `findings` array of an exams.jsonl line.
public struct Finding: Sendable, Codable, Equatable {
    public var studyInstanceUID: String
    public var code: FindingCode
    public var severity: FindingSeverity
    /// SOP Instance UID of the dose report concerned, if any.
    public var reportSOPInstanceUID: String?
    /// Irradiation Event UID (113769) of the event concerned, if it has one.
    public var irradiationEventUID: String?
    /// 1-based position of the event in `Exam.events` (events without a UID are still identifiable).
    public var eventNumber: Int?
    /// Series Instance UID of the image series concerned, if any.
    public var seriesInstanceUID: String?
    public var message: String
    /// The value the rule expected, with its unit (e.g. "123.4 mGy·cm").
    public var expected: String?
    /// The value found, with its unit.
    public var actual: String?
    /// The tolerance applied, with its unit or as a percentage (e.g. "±10 %").
    public var tolerance: String?
    /// Where a threshold comes from, with "unverified" when it could not be confirmed.
    public var reference: String?

    public init(studyInstanceUID: String, code: FindingCode, severity: FindingSeverity? = nil,
                reportSOPInstanceUID: String? = nil, irradiationEventUID: String? = nil, eventNumber: Int? = nil,
                seriesInstanceUID: String? = nil, message: String, expected: String? = nil, actual: String? = nil,
                tolerance: String? = nil, reference: String? = nil) {
        self.studyInstanceUID = studyInstanceUID
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.reportSOPInstanceUID = reportSOPInstanceUID
        self.irradiationEventUID = irradiationEventUID
        self.eventNumber = eventNumber
        self.seriesInstanceUID = seriesInstanceUID
        self.message = message
        self.expected = expected
        self.actual = actual
        self.tolerance = tolerance
        self.reference = reference
    }

    /// What the finding concerns, most specific last: "exam", "report R", "event E", "event E / series S".
    public var subject: String {
        var parts: [String] = []
        if let report = reportSOPInstanceUID { parts.append("report \(report)") }
        if let uid = irradiationEventUID {
            parts.append("event \(uid)")
        } else if let number = eventNumber {
            parts.append("event #\(number)")
        }
        if let series = seriesInstanceUID { parts.append("series \(series)") }
        return parts.isEmpty ? "exam" : parts.joined(separator: " / ")
    }
}

extension Sequence where Element == Finding {
    /// True when any finding has the given severity or a worse one (`ctdose scan --fail-on error`).
    public func containsFinding(atOrAbove severity: FindingSeverity) -> Bool {
        contains { $0.severity >= severity }
    }

    /// True when any finding is an error.
    public var containsError: Bool { containsFinding(atOrAbove: .error) }

    /// The worst severity present, nil for no findings.
    public var worstSeverity: FindingSeverity? { map(\.severity).max() }
}
