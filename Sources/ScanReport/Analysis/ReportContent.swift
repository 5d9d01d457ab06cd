import ArchiveScan
import Foundation
import QualityMeasures

/// How much of a large folder the page shows in full; every count stays exact.
public struct ReportLimits: Sendable, Equatable {
    /// Flagged exams given a section of their own (the first by rank); the rest are counted.
    public var flaggedExamSections = FlaggedExam.defaultSectionLimit
    /// Chart markers per category, verdict group and chart (`DeterministicSample`).
    public var markersPerVerdict = CategoryOverview.defaultMarkerLimit
    /// Study UIDs listed in one cell of the sensitivity table.
    public var listedStudyUIDs = SizeMethodSensitivity.defaultListLimit

    public init() {}
}

/// What the report shows, read from a scan output folder in streaming passes: measure.csv (verdicts,
/// categories), sensitivity.csv, exams.jsonl (summary, distributions, the flagged exams), problems.csv,
/// typical-values.csv (its rows for all patient sizes: one per group, not per exam), protocol-changes.csv, patient-dose.csv
/// (its counts and first 50 rows), each exam's series centring and the sums of the CTDIvol and noise fits against
/// size (a few numbers per scanner and protocol, and up to 300 events of each for its chart), then measure.csv and slices.csv again for the flagged exams given a section. Memory is what the
/// analyses keep: about 330 bytes an exam measured (its verdict and SSDE by study UID, its patient, its
/// dose values for the exact quartiles, a byte of sensitivity verdicts; for the protocol changes of a
/// folder without protocol-changes.csv, each diagnostic event's CTDIvol and noise with its Dw, 8 bytes
/// each), the markers and the flagged
/// exams up to `ReportLimits`; never the folder.
public struct ReportContent: Sendable {
    public var summary: ScanSummary
    public var categories: [CategoryOverview]
    public var sensitivity: SizeMethodSensitivity
    public var byScanner: [DoseDistribution]
    public var byProtocol: [DoseDistribution]
    /// typical-values.csv's rows for all patient sizes; nil when the folder has no such file.
    public var typicalValues: [TypicalValueLine]?
    /// Its rows of each size band (a band of water-equivalent diameter) on all scanners.
    public var typicalValueBands: [TypicalValueLine] = []
    /// patient-dose.csv in brief; nil when the folder has no such file.
    public var cumulativeDose: CumulativeDoseOverview?
    /// Patient centring per scanner, from the exams' measured series.
    public var centring: CentringOverview
    /// CTDIvol and noise against Dw per scanner, protocol and phantom.
    public var modulation: [ModulationResponse]
    /// Month-to-month changes of each scanner's protocols.
    public var protocolChanges: [ProtocolChange]
    /// dose-outliers.csv's first rows and count; nil when the folder has no such file.
    public var doseOutliers: DoseOutlierList?
    /// Findings per scanner and code.
    public var findings: FindingOverview
    /// The scans of QA phantoms and test patients.
    public var nonPatients: NonPatientLog
    /// The flagged exams given a section, in rank order (out of range first, then by worst finding).
    public var flagged: [FlaggedExam]
    /// Flagged exams in all, those of them out of range, and those flagged only for a dose-for-size outlier.
    public var flaggedCount: Int
    public var flaggedOutOfRangeCount: Int
    public var flaggedDoseOutlierOnlyCount = 0
    public var limits: ReportLimits

    /// Reads `folder`; exams.jsonl is decoded on up to `jobs` threads.
    public init(reading folder: ScanOutputFolder, limits: ReportLimits = ReportLimits(), jobs: Int = 1) throws {
        self.limits = limits
        var measures = MeasureLookup()
        var categories = CategoryOverview.Tally(markerLimit: limits.markersPerVerdict)
        try folder.forEachRow(of: .measures) { row in
            let measure = MeasureRow(row)
            measures.add(measure)
            categories.add(measure)
        }
        self.categories = categories.overviews

        var sensitivity = SizeMethodSensitivity.Tally(measures: measures, listLimit: limits.listedStudyUIDs)
        try folder.forEachRow(of: .sensitivity) { sensitivity.add(SensitivityRow($0)) }
        self.sensitivity = sensitivity.result

        var summary = ScanSummary.Tally()
        var byScanner = DoseDistribution.Tally(grouping: .scanner)
        var byProtocol = DoseDistribution.Tally(grouping: .acquisitionProtocol)
        // dose-outliers.csv first (a few rows): its studies are flagged too.
        if folder.has(.doseOutliers) {
            var list = DoseOutlierList()
            try folder.forEachRow(of: .doseOutliers) { list.add($0) }
            doseOutliers = list
        }
        var selection = FlaggedExam.Selection(limit: limits.flaggedExamSections, measures: measures,
                                              doseOutliers: doseOutliers?.reasonByStudy ?? [:])
        var centring = CentringOverview.Tally()
        var modulation = ModulationResponse.Tally()
        var findings = FindingOverview.Tally()
        var nonPatients = NonPatientLog.Tally()
        // protocol-changes.csv as the scan wrote it (with its --change-… options); counted here, with
        // the defaults, for a folder made before 0.9.0.
        let countsChanges = !folder.has(.protocolChanges)
        var protocolChanges = ProtocolChange.Tally()
        try folder.forEachExam(jobs: jobs) { exam in
            summary.add(exam)
            findings.add(exam)
            selection.add(exam)
            // The distributions are of patients: QA phantoms and test patients have their own section.
            guard exam.nonPatient == nil else {
                nonPatients.add(exam)
                return
            }
            centring.add(exam)
            modulation.add(exam)
            if countsChanges { protocolChanges.add(exam) }
            let ssde = measures.ssdeMilligray(of: exam.studyInstanceUID)
            let effectiveDose = measures.effectiveDoseMillisieverts(of: exam.studyInstanceUID)
            byScanner.add(exam, examSSDE: ssde, examEffectiveDose: effectiveDose)
            byProtocol.add(exam, examSSDE: ssde, examEffectiveDose: effectiveDose)
        }
        try folder.forEachRow(of: .problems) { summary.add(ProblemRow($0)) }
        if folder.has(.typicalValues) {
            var lines: [TypicalValueLine] = [], bands: [TypicalValueLine] = []
            try folder.forEachRow(of: .typicalValues) { row in
                let line = TypicalValueLine(row)
                if line.sizeBand == SizeBands.allSizes {
                    lines.append(line)
                } else if line.sizeBand != SizeBands.unknownSize, line.scanner == TypicalValueKey.allScanners {
                    bands.append(line)
                }
            }
            typicalValues = lines
            typicalValueBands = bands
        }
        if folder.has(.patientDoses) {
            var tally = CumulativeDoseOverview.Tally()
            try folder.forEachRow(of: .patientDoses) { tally.add(PatientDoseLine($0)) }
            cumulativeDose = tally.overview
        }
        self.summary = summary.summary
        self.centring = centring.overview
        self.modulation = modulation.responses
        self.findings = findings.overview
        self.nonPatients = nonPatients.result
        if countsChanges {
            self.protocolChanges = protocolChanges.changes
        } else {
            var rows: [ProtocolChange] = []
            try folder.forEachRow(of: .protocolChanges) { row in
                if let change = ProtocolChange(csvRow: row) { rows.append(change) }
            }
            self.protocolChanges = rows
        }
        self.byScanner = byScanner.distributions
        self.byProtocol = byProtocol.distributions
        flaggedCount = selection.count
        flaggedOutOfRangeCount = selection.outOfRangeCount
        flaggedDoseOutlierOnlyCount = selection.doseOutlierOnlyCount
        flagged = try Self.sections(of: selection.records, in: folder, doseOutliers: doseOutliers?.reasonByStudy ?? [:])
    }

    /// The flagged exams with their measure.csv rows, slices.csv rows and thumbnails.
    static func sections(of records: [ExamRecord], in folder: ScanOutputFolder, doseOutliers: [String: String] = [:]) throws -> [FlaggedExam] {
        guard !records.isEmpty else { return [] }
        let studies = Set(records.map(\.studyInstanceUID))
        var measureRows: [String: MeasureRow] = [:]
        try folder.forEachRow(of: .measures) { row in
            let uid = row["studyInstanceUID"]
            if studies.contains(uid), measureRows[uid] == nil { measureRows[uid] = MeasureRow(row) }
        }
        let series = Set(records.flatMap { $0.seriesMeasurements.map(\.seriesInstanceUID) })
        var slices: [String: [SliceRow]] = [:]
        if !series.isEmpty {
            try folder.forEachRow(of: .slices) { row in
                let uid = row["seriesInstanceUID"]
                if series.contains(uid), let slice = SliceRow(row) { slices[uid, default: []].append(slice) }
            }
        }
        return records.map { record in
            FlaggedExam(record: record, measure: measureRows[record.studyInstanceUID], slicesBySeries: slices, thumbnail: folder.contents(of:),
                        doseOutlier: doseOutliers[record.studyInstanceUID])
        }
    }
}
