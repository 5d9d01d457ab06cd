import Foundation

/// Care setting of an exam, which decides the facility program (CMS1074 inpatient, CMS1206 outpatient/ED).
public enum CareSetting: String, Sendable, Codable, CaseIterable {
    case inpatient, outpatient, emergency

    /// CMS1206 covers scans outside an inpatient encounter: outpatient and emergency (cms1074.md §2.3).
    public var facilityMeasure: String { self == .inpatient ? "CMS1074" : "CMS1206" }

    init?(csvValue: String) {
        switch csvValue.trimmingCharacters(in: .whitespaces).lowercased() {
        case "inpatient", "ip", "i": self = .inpatient
        case "outpatient", "op", "o", "ambulatory": self = .outpatient
        case "emergency", "ed", "er", "e": self = .emergency
        default: return nil
        }
    }
}

/// studyInstanceUID → care setting, parsed from CSV with a header containing `studyInstanceUID` and `setting`
/// (any column order, extra columns ignored, RFC 4180 quoting). Values: inpatient|outpatient|emergency
/// (also IP/OP/ED/ER, case-insensitive).
public struct CareSettingMapping: Sendable, Codable, Hashable {
    public var settings: [String: CareSetting]

    public init(settings: [String: CareSetting] = [:]) { self.settings = settings }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var message: String
        public var description: String { "setting CSV line \(line): \(message)" }
    }

    public static func parse(csv text: String) throws -> CareSettingMapping {
        let rows = CSVText.parse(text)
        guard let header = rows.first else { throw ParseError(line: 1, message: "empty file") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let uidColumn = names.firstIndex(of: "studyinstanceuid"), let settingColumn = names.firstIndex(of: "setting") else {
            throw ParseError(line: 1, message: "header must contain studyInstanceUID and setting")
        }
        var settings: [String: CareSetting] = [:]
        for (index, row) in rows.enumerated().dropFirst() {
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.count > max(uidColumn, settingColumn) else {
                throw ParseError(line: index + 1, message: "expected at least \(max(uidColumn, settingColumn) + 1) columns")
            }
            guard let setting = CareSetting(csvValue: row[settingColumn]) else {
                throw ParseError(line: index + 1, message: "unknown setting '\(row[settingColumn])'")
            }
            settings[row[uidColumn].trimmingCharacters(in: .whitespaces)] = setting
        }
        return CareSettingMapping(settings: settings)
    }
}

/// Minimal RFC 4180 CSV reading and writing.
public enum CSVText {
    /// Quotes a field when it contains a comma, quote, CR or LF; doubles embedded quotes.
    public static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func line(_ fields: [String]) -> String { fields.map(quote).joined(separator: ",") }

    /// Parses CSV text into rows of fields (handles quoted fields with commas, quotes and newlines; CRLF or LF).
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = iterator.next()
        while let character = pending {
            pending = iterator.next()
            if inQuotes {
                if character == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = iterator.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": inQuotes = true
            case ",":
                row.append(field)
                field = ""
            case "\r\n", "\n", "\r":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
