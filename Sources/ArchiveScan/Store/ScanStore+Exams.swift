import DoseModel
import DoseValidation
import Foundation
import QualityMeasures
import ResultStore

/// One stored exam with everything exported about it.
public struct StoredExam: Sendable {
    public var result: StudyResult
}

/// The record columns of one study's rows (BinaryRecordFormat).
private struct EncodedStudy: Sendable {
    var exam: Data
    var measurements: [Data]
    var slices: [Data]
    var findings: [Data]

    init(_ result: StudyResult, encoder: BinaryRecordEncoder) throws {
        exam = ExamStoreRecord.encode(result.exam)
        measurements = try result.measurements.map { try encoder.encode($0) }
        slices = try result.slices.map { try encoder.encode($0) }
        findings = try result.findings.map { try encoder.encode($0) }
    }
}

/// A study's new result (nil: the study has no file left) with its records already encoded, so that
/// studies assembled concurrently wait for each other only for their SQL.
struct PreparedStudy: Sendable {
    let uid: String
    let result: StudyResult?
    fileprivate let encoded: EncodedStudy?

    init(_ uid: String, result: StudyResult?) throws {
        self.uid = uid
        self.result = result
        encoded = try result.map { try EncodedStudy($0, encoder: BinaryRecordEncoder()) }
    }
}

extension ScanStore {
    static let studyTables = ["exam", "irradiation_event", "image_series", "series_measurement", "slice", "finding", "thumbnail"]

    /// Replaces everything stored about each study by its new result and clears its pending mark, all
    /// in one transaction: a reader sees the old exams or the new ones, never half of one.
    func replaceStudies(_ studies: [PreparedStudy], runID: String) throws {
        guard !studies.isEmpty else { return }
        try database.transaction { session in
            for study in studies {
                let uid = study.uid
                try Self.removeStudyRows(uid, in: session)
                try session.execute("DELETE FROM study_problem WHERE study_uid = ?", [.text(uid)])
                guard let result = study.result, let encoded = study.encoded else { continue }
                let exam = result.exam
                try session.execute(
                    """
                    INSERT INTO exam (study_uid, patient_pseudonym, study_date, study_description, manufacturer, model, station_name,
                      dose_source, event_count, dlp_total_mgycm, image_count, dose_report_count, exam_record, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [.text(uid), SQLValue(exam.patient.patientID), SQLValue(exam.studyDate), SQLValue(exam.studyDescription),
                     SQLValue(exam.equipment?.manufacturer), SQLValue(exam.equipment?.model), SQLValue(exam.equipment?.stationName),
                     SQLValue(exam.doseSource?.rawValue), SQLValue(exam.events.count), SQLValue(exam.dlpTotalMilligrayCentimeters),
                     SQLValue(result.imageCount), SQLValue(result.doseReportCount), .blob(encoded.exam), .text(runID)])
                for (position, item) in exam.events.enumerated() {
                    let e = item.event
                    try session.execute(
                        """
                        INSERT INTO irradiation_event (study_uid, position, event_uid, acquisition_type, acquisition_protocol, target_region,
                          ctdivol_mgy, dlp_mgycm, phantom, source, diagnostic_series_uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [.text(uid), SQLValue(position), SQLValue(e.irradiationEventUID), .text(e.acquisitionType.rawValue),
                         SQLValue(e.acquisitionProtocol), SQLValue(e.targetRegion.map { $0.meaning.isEmpty ? $0.value : $0.meaning }),
                         SQLValue(e.ctdiVolMilligray), SQLValue(e.dlpMilligrayCentimeters), .text(e.phantom.rawValue), .text(e.source.rawValue),
                         SQLValue(item.diagnosticSeriesUID)])
                }
                for s in exam.series {
                    try session.execute(
                        """
                        INSERT INTO image_series (study_uid, series_uid, series_number, description, image_count, is_localizer, is_axial,
                          convolution_kernel, slice_thickness_mm, mean_ctdivol_mgy, linked_event_uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (study_uid, series_uid) DO NOTHING
                        """,
                        [.text(uid), .text(s.seriesInstanceUID), SQLValue(s.seriesNumber), SQLValue(s.seriesDescription), SQLValue(s.imageCount),
                         SQLValue(s.isLocalizer), SQLValue(s.isAxial), SQLValue(s.convolutionKernel), SQLValue(s.sliceThicknessMillimeters),
                         SQLValue(s.meanCTDIvolMilligray), SQLValue(s.linkedEventUID)])
                }
                for (position, m) in result.measurements.enumerated() {
                    try session.execute(
                        """
                        INSERT INTO series_measurement (study_uid, position, series_uid, mid_scan_dw_cm, mean_dw_cm, global_noise_hu, ssde_mgy,
                          measurement_record, pixel_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [.text(uid), SQLValue(position), .text(m.seriesInstanceUID), SQLValue(m.midScan?.waterEquivalent),
                         SQLValue(m.meanWaterEquivalentDiameterCentimeters), SQLValue(m.globalNoiseTissueHounsfield), SQLValue(m.ssdeMilligray),
                         .blob(encoded.measurements[position]), SQLValue(result.pixelKeys[m.seriesInstanceUID])])
                }
                for (position, s) in result.slices.enumerated() {
                    try session.execute(
                        """
                        INSERT INTO slice (study_uid, position, series_uid, sop_instance_uid, frame_number, z_mm, area_cm2,
                          water_equivalent_diameter_cm, area_equivalent_diameter_cm, ap_cm, lateral_cm, truncated, noise_hu, ctdivol_mgy,
                          ssde_mgy, slice_record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        [.text(uid), SQLValue(position), .text(s.seriesInstanceUID), .text(s.sopInstanceUID), SQLValue(s.frameNumber),
                         .real(s.size.zMillimeters), .real(s.size.areaSquareCentimeters), .real(s.size.waterEquivalentDiameterCentimeters),
                         .real(s.size.areaEquivalentDiameterCentimeters), .real(s.size.apCentimeters), .real(s.size.lateralCentimeters),
                         SQLValue(s.size.truncated), SQLValue(s.noise.tissueHounsfield), SQLValue(s.ctdiVolMilligray), SQLValue(s.ssdeMilligray),
                         .blob(encoded.slices[position])])
                }
                for (position, f) in result.findings.enumerated() {
                    try session.execute(
                        "INSERT INTO finding (study_uid, position, code, severity, message, finding_record) VALUES (?, ?, ?, ?, ?, ?)",
                        [.text(uid), SQLValue(position), .text(f.code.rawValue), .text(f.severity.rawValue), .text(f.message),
                         .blob(encoded.findings[position])])
                }
                for (series, png) in result.thumbnails.sorted(by: { $0.key < $1.key }) {
                    try session.execute(
                        "INSERT INTO thumbnail (series_uid, study_uid, png) VALUES (?, ?, ?) ON CONFLICT (series_uid) DO UPDATE SET study_uid = excluded.study_uid, png = excluded.png",
                        [.text(series), .text(uid), .blob(png)])
                }
                CrashInjection.reach("study")
            }
        }
        CrashInjection.reach("study-done")
    }

    /// Study UIDs of stored exams after `uid`, in order, at most `limit`.
    public func examUIDs(after uid: String?, limit: Int) throws -> [String] {
        try database.read {
            try $0.rows("SELECT study_uid FROM exam WHERE study_uid > ? ORDER BY study_uid LIMIT ?", [.text(uid ?? ""), SQLValue(limit)])
                .compactMap { $0.first?.string }
        }
    }

    /// The stored exams `uids` with their measurements, slices, findings and thumbnails. The rows are
    /// read in one `read` of the store; their records are decoded afterwards on up to `lanes` threads.
    public func exams(_ uids: [String], lanes: Int = 1) throws -> [StudyResult] {
        try ParallelMap.ordered(try storedStudies(uids), lanes: lanes) { try $0.decoded() }
    }

    /// The stored rows of these studies' exams, not yet decoded (`StoredStudy.decoded`).
    func storedStudies(_ uids: [String]) throws -> [StoredStudy] {
        try database.read { session in
            try uids.compactMap { uid -> StoredStudy? in
                let key: [SQLValue] = [.text(uid)]
                guard let row = try session.rows("SELECT exam_record, image_count, dose_report_count FROM exam WHERE study_uid = ?", key).first,
                      let record = row[0].data else { return nil }
                var study = StoredStudy(exam: record, imageCount: Int(row[1].int64 ?? 0), doseReportCount: Int(row[2].int64 ?? 0))
                study.measurements = try session.rows("SELECT measurement_record FROM series_measurement WHERE study_uid = ? ORDER BY position", key)
                    .compactMap { $0[0].data }
                study.slices = try session.rows("SELECT slice_record FROM slice WHERE study_uid = ? ORDER BY position", key).compactMap { $0[0].data }
                study.findings = try session.rows("SELECT finding_record FROM finding WHERE study_uid = ? ORDER BY position", key).compactMap { $0[0].data }
                for thumbnail in try session.rows("SELECT series_uid, png FROM thumbnail WHERE study_uid = ?", key) {
                    if let series = thumbnail[0].string, let png = thumbnail[1].data { study.thumbnails[series] = png }
                }
                return study
            }
        }
    }

    /// Everything stored about a study's exam (its rows, measure verdict and pending mark), removed.
    private static func removeStudyRows(_ uid: String, in session: any SQLSession) throws {
        for table in studyTables { try session.execute("DELETE FROM \(table) WHERE study_uid = ?", [.text(uid)]) }
        try session.execute("DELETE FROM measure_result WHERE study_uid = ?", [.text(uid)])
        try session.execute("DELETE FROM pending_study WHERE study_uid = ?", [.text(uid)])
    }

    /// Sets a study aside: its exam and everything derived from it go, it is no longer pending, and
    /// `reason` says why, until one of its files changes (which makes it pending again).
    func setAsideStudy(_ uid: String, reason: String, runID: String) throws {
        try database.transaction { session in
            try Self.removeStudyRows(uid, in: session)
            try session.execute(
                "INSERT INTO study_problem (study_uid, reason, run_id) VALUES (?, ?, ?) ON CONFLICT (study_uid) DO UPDATE SET reason = excluded.reason, run_id = excluded.run_id",
                [.text(uid), .text(reason), .text(runID)])
        }
    }

    /// Studies set aside, as problems.csv rows: the path is the study's first file (by path), the
    /// severity `error` (an exam is missing from the outputs).
    public func studyProblems() throws -> [ScanProblem] {
        try database.read { session in
            try session.rows(
                """
                SELECT (SELECT MIN(path) FROM dicom_file WHERE dicom_file.study_uid = study_problem.study_uid), reason
                FROM study_problem ORDER BY study_uid
                """
            ).compactMap { row in
                guard let reason = row[1].string else { return nil }
                return ScanProblem(path: row[0].string ?? "", severity: .error, reason: reason)
            }
        }
    }

    /// Problems of every file, ordered by path, after `path`, at most `limit`.
    public func problems(after path: String?, limit: Int) throws -> [ScanProblem] {
        try database.read { session in
            try session.rows(
                "SELECT path, severity, reason FROM file_problem WHERE path > ? ORDER BY path, position LIMIT ?",
                [.text(path ?? ""), SQLValue(limit)]
            ).compactMap { row in
                guard let path = row[0].string, let severity = row[1].string.flatMap(ScanProblem.Severity.init(rawValue:)),
                      let reason = row[2].string else { return nil }
                return ScanProblem(path: path, severity: severity, reason: reason)
            }
        }
    }

    /// Counts over every stored file: seen, CT image headers, dose reports.
    public func fileCounts() throws -> (files: Int, ctImages: Int, doseReports: Int) {
        try database.read { session in
            let files = try session.rows("SELECT COUNT(*) FROM dicom_file").first?.first?.int64 ?? 0
            let images = try session.rows("SELECT COALESCE(SUM(image_count), 0) FROM exam").first?.first?.int64 ?? 0
            let reports = try session.rows("SELECT COUNT(*) FROM dicom_file WHERE kind = ?", [.text(ScannedObject.doseReportKind)]).first?.first?.int64 ?? 0
            return (Int(files), Int(images), Int(reports))
        }
    }

    /// A measure_result row without its run: study UID, category, SAD, verdict, record.
    static func measureResultRow(_ result: ExamMeasureResult, record: Data) -> [SQLValue] {
        [.text(result.studyInstanceUID), SQLValue(result.category?.id), SQLValue(result.sizeAdjustedDose?.sizeAdjustedDoseMilligrayCentimeters),
         .text(result.verdict.rawValue), .blob(record)]
    }

    /// Replaces the stored measure verdicts by `rows` (one evaluation over the whole store) as the export
    /// sends them: each batch in a short transaction of its own, each row whole and marked with this run,
    /// then, once the export has finished, the rows of other runs (studies this evaluation did not
    /// reach) deleted. The store's write lock is never held for the length of an export; an export that
    /// fails leaves some rows of this run beside the older ones, each whole, until the next export.
    func replaceMeasureResults(_ rows: MeasureResultRows, runID: String) throws {
        while let batch = try rows.next() {
            try database.transaction { session in
                for row in batch {
                    try session.execute(
                        """
                        INSERT INTO measure_result (study_uid, category, size_adjusted_dose, verdict, result_record, run_id)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (study_uid) DO UPDATE SET category = excluded.category,
                        size_adjusted_dose = excluded.size_adjusted_dose, verdict = excluded.verdict,
                        result_record = excluded.result_record, run_id = excluded.run_id
                        """,
                        row + [.text(runID)])
                }
            }
        }
        try database.transaction { try $0.execute("DELETE FROM measure_result WHERE run_id <> ?", [.text(runID)]) }
    }
}

/// One exam's stored rows, not yet decoded.
/// One study's exam rows as stored.
struct StoredStudy: Sendable {
    var exam: Data
    var imageCount: Int
    var doseReportCount: Int
    var measurements: [Data] = []
    var slices: [Data] = []
    var findings: [Data] = []
    var thumbnails: [String: Data] = [:]

    init(exam: Data, imageCount: Int, doseReportCount: Int) {
        self.exam = exam
        self.imageCount = imageCount
        self.doseReportCount = doseReportCount
    }

    func decoded() throws -> StudyResult {
        var result = StudyResult(exam: try ScanStore.decodeObject(Exam.self, from: exam, fieldByField: ExamStoreRecord.decode))
        result.imageCount = imageCount
        result.doseReportCount = doseReportCount
        result.measurements = try measurements.map { try ScanStore.decodeObject(SeriesMeasurement.self, from: $0) }
        result.slices = try slices.map { try ScanStore.decodeObject(SliceMeasurement.self, from: $0) }
        result.findings = try findings.map { try ScanStore.decodeObject(Finding.self, from: $0) }
        result.thumbnails = thumbnails
        return result
    }
}

extension ScanStore {
    /// Everything in the store, in memory (for small stores, tests and library users).
    public func loadResult() throws -> ScanResult {
        var studies: [StudyResult] = []
        var after: String?
        while true {
            let uids = try examUIDs(after: after, limit: 500)
            guard let last = uids.last else { break }
            studies += try exams(uids)
            after = last
        }
        var problems: [ScanProblem] = []
        var afterPath: String?
        while true {
            let page = try self.problems(after: afterPath, limit: 5000)
            guard let last = page.last else { break }
            problems += page
            afterPath = last.path
        }
        problems += try studyProblems()
        let counts = try fileCounts()
        var result = ScanResult(exams: studies.map(\.exam), problems: problems, filesSeen: counts.files,
                                ctImages: counts.ctImages, doseReports: counts.doseReports)
        for study in studies {
            let uid = study.exam.studyInstanceUID
            if !study.measurements.isEmpty { result.seriesMeasurements[uid] = study.measurements }
            result.slices += study.slices
            result.thumbnails.merge(study.thumbnails) { first, _ in first }
            result.findings[uid] = study.findings
        }
        return result
    }
}
