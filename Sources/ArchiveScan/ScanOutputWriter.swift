import CSVFormat
import DoseModel
import DosePhysics
import DoseValidation
import Foundation
import QualityMeasures

/// Writes a scan's results into an output folder: exams.jsonl, exams.csv, events.csv, slices.csv,
/// findings.csv, problems.csv, thumbnails/ and the CMS measure files. Exams are streamed a page at a
/// time (memory does not grow with the archive); each file is written under a temporary name and
/// renamed when complete, so a reader never sees half a file.
public struct ScanOutputWriter: Sendable {
    public let folder: String
    public let pseudonymizer: Pseudonymizer
    /// When set, the CMS CT measures are evaluated and measure.csv, measure-summary.*,
    /// sensitivity.csv and measure-fhir.json are written too.
    public let measures: MeasureConfiguration?
    /// What protocol-changes.csv counts as a change.
    public let protocolChanges: ProtocolChange.Settings
    /// What marks an exam as not a patient's (its `descriptionWords`; the patient's own indication
    /// was made when its files were read).
    public let nonPatientWords: NonPatientWords
    /// What shape of the images marks an exam as a QA phantom's when nothing else does (nil: not looked at).
    public let phantomShape: PhantomShape?
    /// What dose-outliers.csv counts as an outlier.
    public let doseOutliers: DoseForSizeOutlier.Settings
    /// Threads that decode and render exams (the files are still written in store order).
    public let jobs: Int

    public init(folder: String, pseudonymizer: Pseudonymizer, measures: MeasureConfiguration? = nil,
                protocolChanges: ProtocolChange.Settings = ProtocolChange.Settings(), nonPatientWords: NonPatientWords = NonPatientWords(),
                phantomShape: PhantomShape? = PhantomShape(), doseOutliers: DoseForSizeOutlier.Settings = DoseForSizeOutlier.Settings(), jobs: Int = 1) {
        self.folder = folder
        self.pseudonymizer = pseudonymizer
        self.measures = measures
        self.protocolChanges = protocolChanges
        self.nonPatientWords = nonPatientWords
        self.phantomShape = phantomShape
        self.doseOutliers = doseOutliers
        self.jobs = max(1, jobs)
    }

    /// Writes an in-memory result.
    public func write(_ result: ScanResult) throws {
        let stream = try ScanOutputStream(writer: self)
        for exam in result.exams {
            let uid = exam.studyInstanceUID
            var study = StudyResult(exam: exam)
            study.measurements = result.seriesMeasurements[uid] ?? []
            study.findings = result.findings[uid] ?? []
            let series = Set(exam.series.map(\.seriesInstanceUID))
            study.slices = result.slices.filter { series.contains($0.seriesInstanceUID) }
            study.thumbnails = result.thumbnails.filter { series.contains($0.key) }
            try stream.add(study)
        }
        try stream.add(result.problems)
        try stream.finish { positions in
            Dictionary(uniqueKeysWithValues: positions.filter { (1...result.exams.count).contains($0) }.map { position in
                (position, ExamRecord(result.exams[position - 1], pseudonymizer: pseudonymizer))
            })
        }
    }

    /// Writes everything in `store`, page by page. `storingResults`, when given, runs on another thread
    /// during the export and receives the measure verdicts' rows in export order; the files are renamed
    /// into place once it has returned.
    func write(from store: ScanStore, storingResults: (@Sendable (MeasureResultRows) throws -> Void)? = nil) throws -> ExportSummary {
        let stream = try ScanOutputStream(writer: self, storingResults: storingResults)
        do {
            return try write(from: store, into: stream)
        } catch {
            stream.abandon(error)
            throw error
        }
    }

    private func write(from store: ScanStore, into stream: ScanOutputStream) throws -> ExportSummary {
        let renderer = stream.renderer
        var after: String?
        var written = 0
        // Pipelined: while page k is decoded and rendered on the lanes, this thread writes page k-1
        // and reads page k+1's rows.
        var rendering: BackgroundResult<[ScanOutputStream.RenderedStudy]>?
        while true {
            let uids = try store.examUIDs(after: after, limit: 200)
            let page = uids.isEmpty ? [] : try store.storedStudies(uids)
            let positions = Array(zip((written + 1)..., page))
            written += page.count
            let next = uids.isEmpty ? nil : BackgroundResult { [jobs] in
                try ParallelMap.ordered(positions, lanes: jobs) { position, stored in
                    let study = try stored.decoded()
                    return try CrashJournal.during(.export(uid: study.exam.studyInstanceUID)) {
                        CrashInjection.trapIfAsked("export", study.exam.studyInstanceUID)
                        return try renderer.render(study, position: position)
                    }
                }
            }
            if let rendering { for study in try rendering.wait() { try stream.add(study) } }
            guard let next, let last = uids.last else { break }
            rendering = next
            after = last
        }
        var afterPath: String?
        while true {
            let page = try store.problems(after: afterPath, limit: 5000)
            guard let last = page.last else { break }
            try stream.add(page)
            afterPath = last.path
        }
        try stream.add(try store.studyProblems())
        return try stream.finish { positions in try Self.exams(at: positions, in: store) }
    }

    /// The stored exams at `positions` (ascending, 1-based, in the export's order: by Study Instance UID),
    /// found by paging through the UIDs.
    static func exams(at positions: [Int], in store: ScanStore) throws -> [Int: ExamRecord] {
        var wanted = positions.filter { $0 > 0 }[...]
        var found: [Int: ExamRecord] = [:]
        var after: String?
        var position = 0
        while !wanted.isEmpty {
            let uids = try store.examUIDs(after: after, limit: 5000)
            guard let last = uids.last else { break }
            var page: [String: Int] = [:]
            while let next = wanted.first, next <= position + uids.count {
                page[uids[next - position - 1]] = next
                wanted.removeFirst()
            }
            for study in try store.exams(Array(page.keys)) {
                if let at = page[study.exam.studyInstanceUID] { found[at] = ExamRecord(study.exam, pseudonymizer: .identity) }
            }
            position += uids.count
            after = last
        }
        return found
    }

    static let examColumns = [
            "studyInstanceUID", "patientPseudonym", "patientAge", "patientSex", "studyDate", "studyDescription",
            "manufacturer", "model", "stationName", "doseSource", "eventCount", "localizerEvents", "dlpTotal_mGycm",
            "reportedDlpTotals_mGycm", "seriesCount", "problemCount", "nonPatient",
    ]

    static func examRow(_ r: ExamRecord) -> [String?] {
            [
                r.studyInstanceUID, r.patientPseudonym, r.patientAge, r.patientSex, r.studyDate, r.studyDescription,
                r.manufacturer, r.model, r.stationName, r.doseSource, "\(r.events.count)",
                "\(r.events.filter { $0.acquisitionType == CTAcquisitionType.constantAngle.rawValue }.count)",
                r.dlpTotal.map(CSVTable.number), r.reportedDlpTotals.map(CSVTable.number).joined(separator: ";"),
                "\(r.series.count)", "\(r.problems.count)", r.nonPatient,
            ]
    }

    static let eventColumns = [
            "studyInstanceUID", "irradiationEventUID", "acquisitionType", "acquisitionProtocol", "targetRegion",
            "ctdiVol_mGy", "dlp_mGycm", "phantom", "scanningLength_mm", "exposureTime_s", "pitchFactor",
            "nominalTotalCollimation_mm", "kvp_kV", "tubeCurrent_mA", "xRaySourceCount", "doseCheckAlert", "source",
            "localizerSeriesUID", "diagnosticSeriesUID", "reportedEffectiveDose_mSv", "effectiveDoseRegion",
            "effectiveDoseCoefficient_mSvPerMGycm", "effectiveDose_mSv", "effectiveDoseNote", "verticalOffCentre_mm",
            "lateralOffCentre_mm", "waterEquivalentDiameter_cm", "ssde_mGy", "globalNoise_hu",
    ]

    /// `effectiveDose`: the exam's estimate, its events in the record's order (both from the exam's events).
    static func eventRows(_ r: ExamRecord, effectiveDose: EffectiveDoseEstimate? = nil) -> [[String?]] {
            r.events.enumerated().map { index, e in
                let share = effectiveDose.flatMap { index < $0.events.count ? $0.events[index] : nil }
                let measured = e.diagnosticSeriesUID.flatMap { uid in r.seriesMeasurements.first { $0.seriesInstanceUID == uid } }
                let centring = measured?.centring
                let alert = e.doseCheck.map { check in
                    check.dlpAlertValueMilligrayCentimeters != nil || check.ctdiVolAlertValueMilligray != nil
                        || !check.reasonsForProceeding.isEmpty ? "alert" : "notification"
                }
                return [
                    r.studyInstanceUID, e.irradiationEventUID, e.acquisitionType, e.acquisitionProtocol, e.targetRegion,
                    e.ctdiVol.map(CSVTable.number), e.dlp.map(CSVTable.number), e.phantom,
                    e.scanningLength.map(CSVTable.number), e.exposureTime.map(CSVTable.number),
                    e.pitchFactor.map(CSVTable.number), e.nominalTotalCollimation.map(CSVTable.number),
                    e.xRaySources.compactMap(\.kvp).map(CSVTable.number).joined(separator: ";"),
                    e.xRaySources.compactMap(\.tubeCurrentMilliampere).map(CSVTable.number).joined(separator: ";"),
                    "\(e.xRaySources.count)", alert, e.source, e.localizerSeriesUID, e.diagnosticSeriesUID,
                    e.reportedEffectiveDoseMillisieverts.map(CSVTable.number), share?.region?.rawValue,
                    share?.millisievertsPerMilligrayCentimeter.map(CSVTable.number), share?.millisieverts.map(CSVTable.decimal),
                    share.map { share in
                        share.region == nil ? share.note ?? "" : ([share.regionSource.description] + [share.note].compactMap { $0 }).joined(separator: "; ")
                    },
                    centring.map { CSVTable.decimal($0.meanVerticalOffsetMillimeters) },
                    centring.map { CSVTable.decimal($0.meanLateralOffsetMillimeters) },
                    r.measuredDwCentimeters(of: e).map(CSVTable.decimal), measured?.ssdeMilligray.map(CSVTable.decimal),
                    measured?.globalNoiseTissueHounsfield.map(CSVTable.decimal),
                ]
            }
    }

    /// Where the mid-scan thumbnail of a series goes, relative to the output folder.
    public static func thumbnailPath(seriesInstanceUID uid: String) -> String {
        "thumbnails/" + uid.filter { $0.isNumber || $0 == "." } + ".png"
    }

    static let sliceColumns = [
            "seriesInstanceUID", "sopInstanceUID", "z_mm", "area_cm2", "areaEquivalentDiameter_cm", "waterEquivalentDiameter_cm",
            "ap_cm", "lateral_cm", "truncated", "noise_hu", "airNoise_hu", "frameNumber", "ctdiVol_mGy", "ssde_mGy",
            "verticalOffset_mm", "lateralOffset_mm",
    ]

    /// One study's slices, by series and z.
    static func sliceRows(_ slices: [SliceMeasurement]) -> [[String?]] {
        slices.sorted(by: { ($0.seriesInstanceUID, $0.size.zMillimeters) < ($1.seriesInstanceUID, $1.size.zMillimeters) }).map { s in
            [
                s.seriesInstanceUID, s.sopInstanceUID, CSVTable.number(s.size.zMillimeters),
                CSVTable.decimal(s.size.areaSquareCentimeters), CSVTable.decimal(s.size.areaEquivalentDiameterCentimeters),
                CSVTable.decimal(s.size.waterEquivalentDiameterCentimeters), CSVTable.decimal(s.size.apCentimeters),
                CSVTable.decimal(s.size.lateralCentimeters), s.size.truncated ? "true" : "false",
                s.noise.tissueHounsfield.map(CSVTable.decimal), s.noise.airHounsfield.map(CSVTable.decimal), s.frameNumber.map { "\($0)" },
                s.ctdiVolMilligray.map(CSVTable.decimal), s.ssdeMilligray.map(CSVTable.decimal),
                s.centringOffset.map { CSVTable.decimal($0.verticalMillimeters) }, s.centringOffset.map { CSVTable.decimal($0.lateralMillimeters) },
            ]
        }
    }
}

/// Rows of ctdose's CSV outputs (RFC 4180 via `CSVText`, LF line ends) and their number formats.
struct CSVTable {
    private(set) var text: String

    init(header: [String]) {
        text = Self.line(header)
    }

    mutating func append(_ fields: [String?]) {
        text += Self.line(fields)
    }

    static func line(_ fields: [String?]) -> String { CSVText.record(fields) + "\n" }

    /// Four decimals (pixel measurements carry no more precision than that); a value that rounds to
    /// zero is written 0.0000, never printf's -0.0000 (a centring offset of −0.00002 mm, say).
    static func decimal(_ value: Double) -> String {
        let text = FixedDecimal.text(value, places: 4)
        return text == "-0.0000" ? "0.0000" : text
    }

    /// Shortest round-tripping decimal text.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
