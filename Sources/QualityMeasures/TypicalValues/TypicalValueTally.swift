import DosePhysics
import Foundation

/// One group of exams whose typical values are given: a period, category, age group, size band and
/// dosimetry phantom, on one scanner or on all of them.
public struct TypicalValueKey: Sendable, Hashable {
    public static let allScanners = "all scanners"

    public var period: MeasurementPeriod
    public var category: String
    public var ageGroup: AgeGroup
    /// A `SizeBands` label, "all sizes" or "unknown size".
    public var sizeBand: String
    /// "head16cm", "body32cm", "mixed" (events on both) or "unknown".
    public var phantom: String
    /// A scanner name or "all scanners".
    public var scanner: String

    /// The same group on all scanners.
    var acrossScanners: TypicalValueKey {
        var key = self
        key.scanner = Self.allScanners
        return key
    }

    /// The rows a group of one size band on one scanner counts in: itself, all sizes, all scanners, both.
    var aggregates: Set<TypicalValueKey> {
        var allSizes = self
        allSizes.sizeBand = SizeBands.allSizes
        return [self, acrossScanners, allSizes, allSizes.acrossScanners]
    }
}

/// The typical values of one group (ICRP 135 §2: the median of the distribution of each DRL quantity),
/// with the comparison against the reference level that applies.
public struct TypicalValueRow: Sendable, Equatable {
    public var key: TypicalValueKey
    public var categoryName: String
    public var exams: Int
    /// CTDIvol per diagnostic irradiation event (mGy).
    public var ctdiVol: DistributionSummary?
    /// DLP per exam under the run's DLP definition (mGy·cm).
    public var dlp: DistributionSummary?
    /// Exam SSDE (mGy).
    public var ssde: DistributionSummary?
    /// Water-equivalent diameter of the exam (cm).
    public var waterEquivalentDiameter: DistributionSummary?
    /// The exam's effective dose estimate (mSv).
    public var effectiveDose: DistributionSummary? = nil
    /// The exams of patients of standard weight (`TypicalValueSettings.standardWeightKilograms`), and
    /// their CTDIvol and DLP.
    public var standardWeightExams = 0
    public var standardWeightCtdiVol: DistributionSummary?
    public var standardWeightDLP: DistributionSummary?
    public var hasEnoughExams: Bool
    /// On "all scanners" rows: the scanners with enough exams, and with two or more of them the 75th
    /// percentile of their medians (how ICRP 135 sets a DRL from several rooms' typical values).
    public var scannersWithEnoughExams: Int?
    public var scannerMediansCtdiVol75th: Double?
    public var scannerMediansDLP75th: Double?
    public var referenceLevel: ReferenceLevel?

    /// Median ÷ reference level.
    public var ctdiVolRatio: Double? { ratio(ctdiVol, referenceLevel?.ctdiVolMilligray) }
    public var dlpRatio: Double? { ratio(dlp, referenceLevel?.dlpMilligrayCentimeters) }

    private func ratio(_ summary: DistributionSummary?, _ level: Double?) -> Double? {
        guard let summary, let level else { return nil }
        return summary.median / level
    }

    public enum Comparison: String, Sendable {
        case aboveReferenceLevel = "above DRL"
        case atOrBelowReferenceLevel = "at or below DRL"
        case tooFewExams = "too few exams"
        case noValue = "no value to compare"
    }

    /// `nil` without a reference level.
    public var comparison: Comparison? {
        guard referenceLevel != nil else { return nil }
        let ratios = [ctdiVolRatio, dlpRatio].compactMap { $0 }
        guard !ratios.isEmpty else { return .noValue }
        guard hasEnoughExams else { return .tooFewExams }
        return ratios.contains { $0 > 1 } ? .aboveReferenceLevel : .atOrBelowReferenceLevel
    }
}

/// Collects the DRL quantities of the exams of an export, one exam at a time, and gives the typical value
/// rows at the end. Exams without a category are left out (they have no group to compare). Every value
/// is kept once, in the exam's size band on its scanner (about 48 bytes an exam with two diagnostic
/// events); the groups over all sizes or all scanners are put together at the end, one at a time.
public struct TypicalValueTally: Sendable {
    let settings: TypicalValueSettings
    let dlpDefinition: DLPDefinition
    private var groups: [TypicalValueKey: Values] = [:]
    private var categoryNames: [String: String] = [:]

    struct Values: Sendable {
        var exams = 0
        var ctdiVol: [Double] = []
        var dlp: [Double] = []
        var ssde: [Double] = []
        var waterEquivalentDiameter: [Double] = []
        var effectiveDose: [Double] = []
        var standardWeightExams = 0
        var standardWeightCtdiVol: [Double] = []
        var standardWeightDLP: [Double] = []
    }

    public init(settings: TypicalValueSettings, dlpDefinition: DLPDefinition) {
        self.settings = settings
        self.dlpDefinition = dlpDefinition
    }

    /// The CTDIvol events of an exam: its diagnostic events (localizers and stationary monitoring scans
    /// left out, as for the exam SSDE), or its stationary scans when it has nothing else (perfusion).
    static func ctdiVolEvents(_ dose: ExamDoseInput) -> [IrradiationEventDose] {
        let measured = dose.events.filter { $0.ctdiVolMilligray != nil && $0.acquisitionType != .constantAngle }
        let diagnostic = measured.filter { $0.acquisitionType != .stationary }
        return diagnostic.isEmpty ? measured : diagnostic
    }

    public mutating func add(_ result: ExamMeasureResult) {
        guard let category = result.category, result.reason != .notAPatient else { return }
        categoryNames[category.id] = category.displayName
        let exam = result.input
        let events = Self.ctdiVolEvents(exam.dose)
        let phantoms = Set(events.compactMap(\.phantom))
        let diameter = SizeAdjustedDoseCalculator.diameter(exam.size, method: .waterEquivalent)?.value
        let dlp = SizeAdjustedDoseCalculator.dlp(exam.dose, definition: dlpDefinition)?.value
        let ssde = result.ssde?.examSSDE?.ssdeMilligray
        guard !events.isEmpty || dlp != nil else { return }
        let key = TypicalValueKey(
            period: result.period, category: category.id, ageGroup: AgeGroup.of(exam.patient, scanDate: exam.scanDateTime.date),
            sizeBand: settings.sizeBands.label(forCentimeters: diameter),
            phantom: phantoms.count > 1 ? "mixed" : phantoms.first?.rawValue ?? "unknown",
            scanner: result.scanner.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown scanner")
        let standardWeight = exam.patient.weightKilograms.map { settings.standardWeightKilograms?.contains($0) == true } ?? false
        groups[key, default: Values()].add(events: events, dlp: dlp, ssde: ssde, diameter: diameter,
                                           effectiveDose: result.effectiveDose?.millisieverts, standardWeight: standardWeight)
    }

    /// One row per group: by period, category, age group, phantom, size band (all sizes first), then
    /// scanner (all scanners first).
    public var rows: [TypicalValueRow] {
        var members: [TypicalValueKey: [TypicalValueKey]] = [:]
        for key in groups.keys {
            for aggregate in key.aggregates { members[aggregate, default: []].append(key) }
        }
        var rows: [TypicalValueKey: TypicalValueRow] = [:]
        for (key, leaves) in members {
            let values = leaves.count == 1 ? groups[leaves[0]]! : Values(merging: leaves.map { groups[$0]! })
            rows[key] = TypicalValueRow(
                key: key, categoryName: categoryNames[key.category] ?? key.category, exams: values.exams,
                ctdiVol: DistributionSummary(values.ctdiVol), dlp: DistributionSummary(values.dlp), ssde: DistributionSummary(values.ssde),
                waterEquivalentDiameter: DistributionSummary(values.waterEquivalentDiameter),
                effectiveDose: DistributionSummary(values.effectiveDose), standardWeightExams: values.standardWeightExams,
                standardWeightCtdiVol: DistributionSummary(values.standardWeightCtdiVol), standardWeightDLP: DistributionSummary(values.standardWeightDLP),
                hasEnoughExams: values.exams >= settings.minimumExams, referenceLevel: settings.referenceLevels.level(for: key))
        }
        let byGroup = Dictionary(grouping: rows.values.filter { $0.key.scanner != TypicalValueKey.allScanners && $0.hasEnoughExams },
                                 by: \.key.acrossScanners)
        for (key, scannerRows) in byGroup where rows[key] != nil {
            rows[key]!.scannersWithEnoughExams = scannerRows.count
            guard scannerRows.count >= 2 else { continue }
            func percentile75(_ medians: [Double]) -> Double? {
                medians.count >= 2 ? DistributionSummary.quantile(medians.sorted(), 0.75) : nil
            }
            rows[key]!.scannerMediansCtdiVol75th = percentile75(scannerRows.compactMap { $0.ctdiVol?.median })
            rows[key]!.scannerMediansDLP75th = percentile75(scannerRows.compactMap { $0.dlp?.median })
        }
        for key in rows.keys where key.scanner == TypicalValueKey.allScanners && rows[key]!.scannersWithEnoughExams == nil {
            rows[key]!.scannersWithEnoughExams = 0
        }
        let sizes = settings.sizeBands
        return rows.values.sorted { a, b in
            let (x, y) = (a.key, b.key)
            if x.period != y.period { return x.period < y.period }
            if x.category != y.category { return x.category < y.category }
            if x.ageGroup != y.ageGroup { return x.ageGroup < y.ageGroup }
            if x.phantom != y.phantom { return x.phantom < y.phantom }
            if x.sizeBand != y.sizeBand { return sizes.order(x.sizeBand) < sizes.order(y.sizeBand) }
            return (x.scanner == TypicalValueKey.allScanners ? 0 : 1, x.scanner) < (y.scanner == TypicalValueKey.allScanners ? 0 : 1, y.scanner)
        }
    }
}

extension TypicalValueTally.Values {
    init(merging parts: [Self]) {
        self.init()
        for part in parts {
            exams += part.exams
            ctdiVol += part.ctdiVol
            dlp += part.dlp
            ssde += part.ssde
            waterEquivalentDiameter += part.waterEquivalentDiameter
            effectiveDose += part.effectiveDose
            standardWeightExams += part.standardWeightExams
            standardWeightCtdiVol += part.standardWeightCtdiVol
            standardWeightDLP += part.standardWeightDLP
        }
    }

    mutating func add(events: [IrradiationEventDose], dlp: Double?, ssde: Double?, diameter: Double?, effectiveDose: Double?, standardWeight: Bool) {
        exams += 1
        ctdiVol += events.compactMap(\.ctdiVolMilligray)
        if let dlp { self.dlp.append(dlp) }
        if standardWeight {
            standardWeightExams += 1
            standardWeightCtdiVol += events.compactMap(\.ctdiVolMilligray)
            if let dlp { standardWeightDLP.append(dlp) }
        }
        if let ssde { self.ssde.append(ssde) }
        if let diameter { waterEquivalentDiameter.append(diameter) }
        if let effectiveDose { self.effectiveDose.append(effectiveDose) }
    }
}
