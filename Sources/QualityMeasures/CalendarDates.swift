import CSVFormat
import Foundation

/// A calendar date without time zone (DICOM DA / FHIR date).
public struct CalendarDate: Sendable, Codable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses DICOM DA "YYYYMMDD" or ISO "YYYY-MM-DD".
    public init?(parsing text: String) {
        let digits = text.trimmingCharacters(in: .whitespaces).filter { $0 != "-" }
        guard digits.count == 8, digits.allSatisfy(\.isNumber),
            let y = Int(digits.prefix(4)), let m = Int(digits.dropFirst(4).prefix(2)), let d = Int(digits.suffix(2)),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        FixedDecimal.padded(year, width: 4) + "-" + FixedDecimal.padded(month, width: 2) + "-" + FixedDecimal.padded(day, width: 2)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Completed years from `self` (a birth date) to `date`: birthdays count on their calendar day;
    /// a 29 February birthday counts on 1 March in non-leap years.
    public func completedYears(until date: CalendarDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    /// The same month/day `years` earlier (29 Feb → 28 Feb in a non-leap target year).
    public func subtractingYears(_ years: Int) -> CalendarDate {
        let target = year - years
        let isLeap = (target % 4 == 0 && target % 100 != 0) || target % 400 == 0
        if month == 2 && day == 29 && !isLeap { return CalendarDate(year: target, month: 2, day: 28) }
        return CalendarDate(year: target, month: month, day: day)
    }
}

/// Scan date and time as recorded (DICOM local time), with the UTC offset when known.
public struct ScanDateTime: Sendable, Codable, Hashable, Comparable {
    public var date: CalendarDate
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Offset from UTC in minutes (DICOM Timezone Offset From UTC (0008,0201) or site setting); `nil` if unknown.
    public var utcOffsetMinutes: Int?

    public init(date: CalendarDate, hour: Int = 0, minute: Int = 0, second: Int = 0, utcOffsetMinutes: Int? = nil) {
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    public static func < (lhs: ScanDateTime, rhs: ScanDateTime) -> Bool {
        (lhs.date, lhs.hour, lhs.minute, lhs.second) < (rhs.date, rhs.hour, rhs.minute, rhs.second)
    }

    /// FHIR `dateTime`: full date-time with offset when the offset is known; otherwise the date only,
    /// because FHIR requires a time zone whenever a time is given.
    public var fhirDateTime: String {
        guard let offset = utcOffsetMinutes else { return date.description }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        return localText + sign + FixedDecimal.padded(magnitude / 60, width: 2) + ":" + FixedDecimal.padded(magnitude % 60, width: 2)
    }

    /// Local date-time text for CSV output, e.g. "2025-03-04T10:11:12".
    public var localText: String {
        date.description + "T" + FixedDecimal.padded(hour, width: 2) + ":" + FixedDecimal.padded(minute, width: 2) + ":"
            + FixedDecimal.padded(second, width: 2)
    }
}

/// A measurement period (closed interval of calendar dates, local time).
public struct MeasurementPeriod: Sendable, Codable, Hashable, Comparable, CustomStringConvertible {
    public var start: CalendarDate
    public var end: CalendarDate

    public init(start: CalendarDate, end: CalendarDate) {
        self.start = start
        self.end = end
    }

    /// Calendar year: 1 January to 31 December.
    public static func year(_ year: Int) -> MeasurementPeriod {
        MeasurementPeriod(start: CalendarDate(year: year, month: 1, day: 1), end: CalendarDate(year: year, month: 12, day: 31))
    }

    public func contains(_ date: CalendarDate) -> Bool { start <= date && date <= end }

    public var description: String {
        if start.month == 1 && start.day == 1 && end.month == 12 && end.day == 31 && start.year == end.year {
            return String(start.year)
        }
        return "\(start)..\(end)"
    }

    public static func < (lhs: MeasurementPeriod, rhs: MeasurementPeriod) -> Bool { lhs.start < rhs.start }
}

/// How the age at the start of the measurement period was determined.
public struct AgeDetermination: Sendable, Codable, Hashable {
    public enum Basis: String, Sendable, Codable {
        /// Exact, from the birth date.
        case birthDate
        /// Approximate, from DICOM Patient's Age at the scan date (lower bound of the possible ages).
        case dicomPatientAgeApproximate
        case unknown
    }

    /// Age in completed years at the start of the measurement period; `nil` when unknown.
    public var ageAtPeriodStartYears: Int?
    public var basis: Basis
    public var note: String

    /// Adults: age ≥ 18 at the start of the measurement period (CMS1074/1206/1056 CQL `AgeInYearsAt(start of MP) >= 18`).
    public static let adultAgeYears = 18  // cms1074.md §2.2 [C]

    public var isAdult: Bool? { ageAtPeriodStartYears.map { $0 >= Self.adultAgeYears } }

    /// Age at `period.start`. With a birth date the age is exact. Otherwise DICOM Patient's Age (AS, "nnnD/W/M/Y")
    /// at `scanDate` is used: a patient aged N years at the scan was born after scanDate − (N+1) years and on or
    /// before scanDate − N years; the latest possible birth date (the youngest possible age) is used, so an
    /// ambiguous patient is not counted as an adult. Ages in days/weeks/months count as 0 years.
    public static func determine(patient: PatientInput, scanDate: CalendarDate, period: MeasurementPeriod) -> AgeDetermination {
        if let birth = patient.birthDate {
            let age = birth.completedYears(until: period.start)
            return AgeDetermination(ageAtPeriodStartYears: age, basis: .birthDate, note: "birth date \(birth): \(age) years at \(period.start)")
        }
        if let text = patient.dicomPatientAge, let (count, unit) = parseDICOMAge(text) {
            let yearsAtScan = unit == "Y" ? count : 0
            let latestBirth = scanDate.subtractingYears(yearsAtScan)
            let age = max(0, latestBirth.completedYears(until: period.start))
            return AgeDetermination(
                ageAtPeriodStartYears: age, basis: .dicomPatientAgeApproximate,
                note: "approximate: Patient's Age \(text) at scan \(scanDate) gives at least \(age) years at \(period.start)")
        }
        let note = patient.dicomPatientAge.map { "unparseable Patient's Age '\($0)' and no birth date" } ?? "no birth date or Patient's Age"
        return AgeDetermination(ageAtPeriodStartYears: nil, basis: .unknown, note: note)
    }

    /// Parses DICOM AS: exactly three digits and one of D, W, M, Y.
    public static func parseDICOMAge(_ text: String) -> (Int, Character)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard trimmed.count == 4, let unit = trimmed.last, "DWMY".contains(unit),
            let value = Int(trimmed.prefix(3)), trimmed.prefix(3).allSatisfy(\.isNumber)
        else { return nil }
        return (value, unit)
    }
}
