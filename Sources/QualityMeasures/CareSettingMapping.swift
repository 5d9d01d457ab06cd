import CSVFormat
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
        /// 1-based record number, the header being record 1 (blank lines are not counted).
        public var record: Int
        public var message: String
        public var description: String { "setting CSV record \(record): \(message)" }
    }

    public static func parse(csv text: String) throws -> CareSettingMapping {
        let rows = CSVText.records(parsing: text)
        guard let header = rows.first else { throw ParseError(record: 1, message: "empty file") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let uidColumn = names.firstIndex(of: "studyinstanceuid"), let settingColumn = names.firstIndex(of: "setting") else {
            throw ParseError(record: 1, message: "header must contain studyInstanceUID and setting")
        }
        var settings: [String: CareSetting] = [:]
        for (index, row) in rows.enumerated().dropFirst() {
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.count > max(uidColumn, settingColumn) else {
                throw ParseError(record: index + 1, message: "expected at least \(max(uidColumn, settingColumn) + 1) columns")
            }
            guard let setting = CareSetting(csvValue: row[settingColumn]) else {
                throw ParseError(record: index + 1, message: "unknown setting '\(row[settingColumn])'")
            }
            settings[row[uidColumn].trimmingCharacters(in: .whitespaces)] = setting
        }
        return CareSettingMapping(settings: settings)
    }
}
