import ArchiveScan
import DoseModel

/// The dose quantities summarised per group and month.
public enum DoseQuantity: String, Sendable, CaseIterable {
    case ctdiVol, dlp, ssde

    public var title: String {
        switch self {
        case .ctdiVol: return "CTDIvol"
        case .dlp: return "DLP"
        case .ssde: return "SSDE"
        }
    }

    public var unit: String {
        switch self {
        case .ctdiVol, .ssde: return "mGy"
        case .dlp: return "mGy·cm"
        }
    }
}

/// How the exams are grouped.
public enum DoseGrouping: String, Sendable, CaseIterable {
    case scanner, acquisitionProtocol

    public var title: String { self == .scanner ? "scanner" : "protocol" }
}

/// CTDIvol, DLP and SSDE distributions of one group (a scanner or an acquisition protocol), by month.
/// Values are per irradiation event, localizers (constant angle) left out; SSDE is per analysed series,
/// attributed to the group of the event the series belongs to.
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

    /// One distribution per group, largest group (most exams) first, then by name.
    public static func all(_ exams: [ExamRecord], by grouping: DoseGrouping) -> [DoseDistribution] {
        var values: [String: [String: [DoseQuantity: [Double]]]] = [:]
        var examsPerGroup: [String: Set<String>] = [:]
        for exam in exams {
            let month = StudyMonth.month(exam.studyDate)
            let ssdeByEvent = Dictionary(
                exam.seriesMeasurements.compactMap { m in m.ssdeMilligray.map { (m.irradiationEventUID ?? "", $0) } },
                uniquingKeysWith: { first, _ in first })
            for event in exam.events where event.acquisitionType != CTAcquisitionType.constantAngle.rawValue {
                let group = grouping == .scanner ? ScannerName.of(exam) : (event.acquisitionProtocol.flatMap { $0.isEmpty ? nil : $0 } ?? "no protocol name")
                var recorded = false
                func add(_ quantity: DoseQuantity, _ value: Double?) {
                    guard let value else { return }
                    values[group, default: [:]][month, default: [:]][quantity, default: []].append(value)
                    recorded = true
                }
                add(.ctdiVol, event.ctdiVol)
                add(.dlp, event.dlp)
                add(.ssde, event.irradiationEventUID.flatMap { ssdeByEvent[$0] })
                if recorded { examsPerGroup[group, default: []].insert(exam.studyInstanceUID) }
            }
        }
        return values.map { group, byMonth in
            DoseDistribution(
                group: group,
                months: byMonth.keys.sorted().map { month in
                    Month(month: month, summaries: byMonth[month]!.compactMapValues(DistributionSummary.init))
                },
                examCount: examsPerGroup[group]?.count ?? 0)
        }
        .sorted { ($0.examCount, $1.group) > ($1.examCount, $0.group) }
    }
}
