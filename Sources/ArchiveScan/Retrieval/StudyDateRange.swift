import Foundation

/// The Study Dates a retrieval asks for, as a DICOM range match (PS3.4 C.2.2.2.5.1: "YYYYMMDD-YYYYMMDD",
/// open at either end). Dates are calendar days as the PACS records them (the site's local time).
public struct StudyDateRange: Sendable, Equatable {
    public var first: DateComponents?
    public var last: DateComponents?

    /// From "YYYY-MM-DD" texts, either of them absent; throws naming a text that is not a real date or
    /// a range that ends before it starts.
    public init(first: String?, last: String?) throws {
        self.first = try first.map { try Self.day($0) }
        self.last = try last.map { try Self.day($0) }
        if let from = self.first.map(Self.compact), let to = self.last.map(Self.compact), from > to {
            throw StudyDateRangeError("the range ends (\(last!)) before it starts (\(first!))")
        }
    }

    /// The `days` days ending with `today` (1: today only), in `calendar`'s time zone.
    public init(lastDays days: Int, today: Date = Date(), calendar: Calendar = .current) throws {
        guard days >= 1 else { throw StudyDateRangeError("the number of days must be at least 1, not \(days)") }
        guard let start = calendar.date(byAdding: .day, value: -(days - 1), to: today) else {
            throw StudyDateRangeError("cannot count \(days) days back from today")
        }
        first = calendar.dateComponents([.year, .month, .day], from: start)
        last = calendar.dateComponents([.year, .month, .day], from: today)
    }

    /// The Study Date (0008,0020) matching key: "20261101-20261130", "20261101-", "-20261130", or ""
    /// (every date) when neither end is set.
    public var dicomRange: String {
        switch (first, last) {
        case (nil, nil): return ""
        case let (from?, to?) where from == to: return Self.compact(from)
        default: return (first.map(Self.compact) ?? "") + "-" + (last.map(Self.compact) ?? "")
        }
    }

    /// The range cut in two (the first day to the middle one, the next day to the last), for a PACS
    /// that may cap the matches of one query; an open end is `today`. Nil for a single day or a range
    /// without a first day.
    public func halves(today: Date = Date(), calendar: Calendar = .current) -> (StudyDateRange, StudyDateRange)? {
        guard let first else { return nil }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let lastDay = last ?? calendar.dateComponents([.year, .month, .day], from: today)
        guard let start = utc.date(from: first), let end = utc.date(from: lastDay),
              let span = utc.dateComponents([.day], from: start, to: end).day, span >= 1,
              let middle = utc.date(byAdding: .day, value: span / 2, to: start),
              let next = utc.date(byAdding: .day, value: span / 2 + 1, to: start) else { return nil }
        let day: (Date) -> DateComponents = { utc.dateComponents([.year, .month, .day], from: $0) }
        return (StudyDateRange(days: first, day(middle)), StudyDateRange(days: day(next), lastDay))
    }

    private init(days first: DateComponents, _ last: DateComponents) {
        self.first = first
        self.last = last
    }

    private static func compact(_ day: DateComponents) -> String {
        String(format: "%04d%02d%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
    }

    private static func day(_ text: String) throws -> DateComponents {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            throw StudyDateRangeError("\"\(text)\" is not a date as YYYY-MM-DD")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
              calendar.dateComponents([.year, .month, .day], from: date) == components else {
            throw StudyDateRangeError("\"\(text)\" is not a calendar date")
        }
        return components
    }
}

public struct StudyDateRangeError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
