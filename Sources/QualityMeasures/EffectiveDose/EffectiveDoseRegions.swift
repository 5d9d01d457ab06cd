import CSVFormat
import DoseModel
import DosePhysics
import Foundation

/// Which coefficient region an event scanned, from what the category rules recognise: the event's own
/// protocol, target region and linked series' descriptions first (in the rules' tiers), then the exam's
/// category. The rules' region names are those of the
/// bundled rules file; a replaced file's other names give no region.
public enum EffectiveDoseRegions {
    /// The region of a set of category-rule regions; nil when the set has no single coefficient (an
    /// extremity, neck with chest, head with the trunk…).
    public static func region(ruleRegions: [String]) -> EffectiveDoseRegion? {
        var found = Set<EffectiveDoseRegion>()
        for name in Set(ruleRegions) {
            switch name {
            case "head": found.insert(.head)
            case "neck", "cervicalSpine": found.insert(.neck)
            case "chest", "cardiac", "thoracicSpine": found.insert(.chest)
            case "abdomenPelvis", "lumbarSpine": found.insert(.abdomenPelvis)
            default: return nil
            }
        }
        switch found {
        case [.head]: return .head
        case [.neck]: return .neck
        case [.head, .neck]: return .headAndNeck
        case [.chest]: return .chest
        case [.abdomenPelvis]: return .abdomenPelvis
        case [.chest, .abdomenPelvis]: return .trunk
        default: return nil
        }
    }

    /// The region of an exam's category (its size-adjustment region; spine categories by the regions the
    /// rules found); nil for extremities and full body.
    public static func region(category: DoseCategory, assignment: CategoryAssignment) -> EffectiveDoseRegion? {
        switch category.sizeAdjustmentRegion {
        case "head": return .head
        case "neck": return .neck
        case "headNeck": return .headAndNeck
        case "chest": return .chest
        case "abdomenPelvis": return .abdomenPelvis
        case "chestAbdomenPelvis": return .trunk
        case "spine": return region(ruleRegions: assignment.regions)
        default: return nil
        }
    }

    /// Each event's region and the estimate for the exam.
    static func estimate(
        _ exam: MeasureExamInput, assigner: CategoryAssigner, assignment: CategoryAssignment, category: DoseCategory?,
        table: EffectiveDoseCoefficientTable
    ) -> EffectiveDoseEstimate {
        let examRegion = category.flatMap { region(category: $0, assignment: assignment) }
        let events = exam.dose.events.map { event -> EffectiveDoseEventInput in
            let own = ExamDescriptors(
                protocolNames: event.acquisitionProtocol.map { [$0] } ?? [], seriesDescriptions: event.seriesDescriptions,
                targetRegions: event.targetRegion.map { [$0] } ?? [])
            let ownRegions = own == ExamDescriptors() ? [] : assigner.assign(own).regions
            if let region = region(ruleRegions: ownRegions) {
                return EffectiveDoseEventInput(eventUID: event.eventUID, dlpMilligrayCentimeters: event.dlpMilligrayCentimeters,
                                               phantom: event.phantom, region: region, regionSource: .event, dlpIsLowerBound: event.dlpFromImageHeaders)
            }
            return EffectiveDoseEventInput(
                eventUID: event.eventUID, dlpMilligrayCentimeters: event.dlpMilligrayCentimeters, phantom: event.phantom,
                region: examRegion, regionSource: category.map { .category($0.id) } ?? .none, dlpIsLowerBound: event.dlpFromImageHeaders)
        }
        let atScan = MeasurementPeriod(start: exam.scanDateTime.date, end: exam.scanDateTime.date)
        let years = AgeDetermination.determine(patient: exam.patient, scanDate: exam.scanDateTime.date, period: atScan).ageAtPeriodStartYears
        return EffectiveDoseEstimate.estimate(events: events, ageYears: years, table: table)
    }
}

/// A coefficient table from a CSV file (`--effective-dose-coefficients`): region,age,phantom,k_mSvPerMGycm
/// with a header line, and optionally a `source` column naming where the values come from.
public enum EffectiveDoseCoefficientFile {
    public struct Invalid: Error, CustomStringConvertible {
        public var record: Int
        public var reason: String
        public var description: String { "record \(record): \(reason)" }
    }

    public static func parse(csv: String, name: String) throws -> EffectiveDoseCoefficientTable {
        let document = CSVDocument(parsing: csv)
        let header = document.header.map { $0.trimmingCharacters(in: .whitespaces) }
        for column in ["region", "age", "phantom", "k_mSvPerMGycm"] where !header.contains(column) {
            throw Invalid(record: 1, reason: "no column \(column) (columns: region,age,phantom,k_mSvPerMGycm[,source])")
        }
        var coefficients: [EffectiveDoseCoefficient] = []
        var sources: [String] = []
        for (index, row) in CSVDocument(header: header, rows: document.rows).namedRows.enumerated() {
            let record = index + 2
            let value = { (column: String) in row[column].trimmingCharacters(in: .whitespaces) }
            guard let region = EffectiveDoseRegion(tableValue: value("region")) else {
                throw Invalid(record: record, reason: "region '\(value("region"))' is none of \(EffectiveDoseRegion.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let age = ReferenceAge(tableValue: value("age")) else {
                throw Invalid(record: record, reason: "age '\(value("age"))' is none of \(ReferenceAge.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let phantom = DosimetryPhantom(rawValue: value("phantom")) else {
                throw Invalid(record: record, reason: "phantom '\(value("phantom"))' is neither head16cm nor body32cm")
            }
            guard let k = Double(value("k_mSvPerMGycm")), k.isFinite, k > 0, k < 1 else {
                throw Invalid(record: record, reason: "k_mSvPerMGycm '\(value("k_mSvPerMGycm"))' is not a coefficient in mSv/(mGy·cm) (0 < k < 1)")
            }
            guard !coefficients.contains(where: { $0.region == region && $0.age == age }) else {
                throw Invalid(record: record, reason: "a second coefficient for \(region.rawValue), \(age.rawValue)")
            }
            coefficients.append(EffectiveDoseCoefficient(region: region, age: age, phantom: phantom, millisievertsPerMilligrayCentimeter: k))
            let source = value("source")
            if !source.isEmpty, !sources.contains(source) { sources.append(source) }
        }
        guard !coefficients.isEmpty else { throw Invalid(record: 2, reason: "no coefficients") }
        return EffectiveDoseCoefficientTable(source: sources.isEmpty ? name : sources.joined(separator: " / "), coefficients: coefficients)
    }
}
