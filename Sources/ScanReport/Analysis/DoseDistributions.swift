import ArchiveScan
import DoseModel
import Foundation
import QualityMeasures

/// The dose quantities summarised per group and month.
public enum DoseQuantity: String, Sendable, CaseIterable {
    case ctdiVol, dlp, ssde, effectiveDose

    public var title: String {
        switch self {
        case .ctdiVol: return "CTDIvol"
        case .dlp: return "DLP"
        case .ssde: return "SSDE"
        case .effectiveDose: return "Effective dose"
        }
    }

    public var unit: String {
        switch self {
        case .ctdiVol, .ssde: return "mGy"
        case .dlp: return "mGy·cm"
        case .effectiveDose: return "mSv"
        }
    }
}

/// How the exams are grouped.
public enum DoseGrouping: String, Sendable, CaseIterable {
    case scanner, acquisitionProtocol

    public var title: String { self == .scanner ? "scanner" : "protocol" }
}

/// CTDIvol, DLP, SSDE and effective dose distributions of one group (a scanner or an acquisition
/// protocol), by month. CTDIvol and DLP are per irradiation event, localizers (constant angle) left out.
/// SSDE (the exam SSDE of measure.csv, else the mean of the series SSDEs of exams.jsonl) and effective
/// dose (the estimate of measure.csv) are per exam, counted once for the exam's scanner and once for
/// each distinct protocol of its non-localizer events.
public struct DoseDistribution: Sendable, Equatable {
    public struct Month: Sendable, Equatable {
        /// "YYYY-MM" or "undated".
        public var month: String
        public var summaries: [DoseQuantity: DistributionSummary]
    }

    public var group: String
    public var months: [Month]
    /// Exams contributing at least one value.
    public var examCount: Int

    public func summary(_ quantity: DoseQuantity, month: String) -> DistributionSummary? {
        months.first { $0.month == month }?.summaries[quantity]
    }

    /// The distributions built one exam at a time; quartiles are exact, so every value is kept (8 bytes
    /// per event and quantity).
    public struct Tally {
        let grouping: DoseGrouping
        private var values: [String: [String: [DoseQuantity: [Double]]]] = [:]
        private var examsPerGroup: [String: Int] = [:]

        public init(grouping: DoseGrouping) { self.grouping = grouping }

        /// `examSSDE`, `examEffectiveDose`: the exam's values in measure.csv, if any.
        public mutating func add(_ exam: ExamRecord, examSSDE: Double?, examEffectiveDose: Double? = nil) {
            let month = StudyMonth.month(exam.studyDate)
            var counted: Set<String> = []
            func add(_ group: String, _ quantity: DoseQuantity, _ value: Double?) {
                guard let value else { return }
                values[group, default: [:]][month, default: [:]][quantity, default: []].append(value)
                if counted.insert(group).inserted { examsPerGroup[group, default: 0] += 1 }
            }
            let events = exam.events.filter { $0.acquisitionType != CTAcquisitionType.constantAngle.rawValue }
            var groups: [String] = []
            for event in events {
                let group = grouping == .scanner ? ScannerName.of(exam) : event.protocolName
                if !groups.contains(group) { groups.append(group) }
                add(group, .ctdiVol, event.ctdiVol)
                add(group, .dlp, event.dlp)
            }
            let seriesSSDE = exam.seriesMeasurements.compactMap(\.ssdeMilligray)
            let ssde = examSSDE ?? (seriesSSDE.isEmpty ? nil : seriesSSDE.reduce(0, +) / Double(seriesSSDE.count))
            for group in (groups.isEmpty && grouping == .scanner ? [ScannerName.of(exam)] : groups) {
                add(group, .ssde, ssde)
                add(group, .effectiveDose, examEffectiveDose)
            }
        }

        /// One distribution per group, largest group (most exams) first, then by name.
        public var distributions: [DoseDistribution] {
            values.map { group, byMonth in
                DoseDistribution(
                    group: group,
                    months: byMonth.keys.sorted().map { month in
                        Month(month: month, summaries: byMonth[month]!.compactMapValues(DistributionSummary.init))
                    },
                    examCount: examsPerGroup[group] ?? 0)
            }
            .sorted { ($0.examCount, $1.group) > ($1.examCount, $0.group) }
        }
    }
}
