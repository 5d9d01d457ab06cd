import CSVFormat
import DoseModel
import Foundation
import QualityMeasures
import ResultStore

/// The measure choices of a scan (`--period`, `--care-settings`, `--category-rules`,
/// `--dlp-definition`, `--diameter-method`, `--effective-dose-coefficients`, the typical values' and
/// protocol changes' options), stored with each run so that `ctdose export` evaluates
/// exactly as the scan did unless told otherwise.
public struct MeasureOptions: Sendable, Codable, Equatable {
    public var period: Int?
    public var careSettingsFile: String?
    public var categoryRulesFile: String?
    public var dlpDefinition: DLPDefinition?
    public var diameterMethod: DiameterMethod?
    /// `nil` in the records of scans before typical values existed.
    public var typicalValues: TypicalValueOptions?
    /// A CSV of DLP-to-effective-dose coefficients replacing AAPM Report 96's.
    public var effectiveDoseCoefficientFile: String?
    /// `--cumulative-dose-threshold` (mSv) and `--cumulative-dose-window` (years) of patient-dose.csv.
    public var cumulativeDoseThresholdMillisieverts: Double?
    public var cumulativeDoseWindowYears: Int?
    /// What protocol-changes.csv counts as a change (`nil` in the records of scans before 0.9.0).
    public var protocolChanges: ProtocolChangeOptions?
    /// `--non-patient-description-words`: the words of a Study Description or of every event's protocol
    /// that mark a QA phantom's exam, comma-separated ("" for none; nil: `NonPatientWords`' defaults).
    public var nonPatientDescriptionWords: String?
    /// `--non-patient-list`: a CSV of studies and patients that are QA phantoms or test patients.
    public var nonPatientListFile: String?
    /// `--outlier-ratio`: dose-outliers.csv's ratio to the protocol's CTDIvol at the same size.
    public var doseOutlierRatio: Double?
    /// `--phantom-shape`: "off" or TOLERANCE:MM (`PhantomShape`; nil: its defaults).
    public var phantomShape: String?

    public init(period: Int? = nil, careSettingsFile: String? = nil, categoryRulesFile: String? = nil,
                dlpDefinition: DLPDefinition? = nil, diameterMethod: DiameterMethod? = nil, typicalValues: TypicalValueOptions? = nil,
                effectiveDoseCoefficientFile: String? = nil, cumulativeDoseThresholdMillisieverts: Double? = nil,
                cumulativeDoseWindowYears: Int? = nil, protocolChanges: ProtocolChangeOptions? = nil,
                nonPatientDescriptionWords: String? = nil, nonPatientListFile: String? = nil, doseOutlierRatio: Double? = nil,
                phantomShape: String? = nil) {
        self.period = period
        self.careSettingsFile = careSettingsFile
        self.categoryRulesFile = categoryRulesFile
        self.dlpDefinition = dlpDefinition
        self.diameterMethod = diameterMethod
        self.typicalValues = typicalValues
        self.effectiveDoseCoefficientFile = effectiveDoseCoefficientFile
        self.cumulativeDoseThresholdMillisieverts = cumulativeDoseThresholdMillisieverts
        self.cumulativeDoseWindowYears = cumulativeDoseWindowYears
        self.protocolChanges = protocolChanges
        self.nonPatientDescriptionWords = nonPatientDescriptionWords
        self.nonPatientListFile = nonPatientListFile
        self.doseOutlierRatio = doseOutlierRatio
        self.phantomShape = phantomShape
    }

    /// These options, with each one not given taken from `stored`.
    public func filled(from stored: MeasureOptions?) -> MeasureOptions {
        guard let stored else { return self }
        return MeasureOptions(
            period: period ?? stored.period, careSettingsFile: careSettingsFile ?? stored.careSettingsFile,
            categoryRulesFile: categoryRulesFile ?? stored.categoryRulesFile,
            dlpDefinition: dlpDefinition ?? stored.dlpDefinition, diameterMethod: diameterMethod ?? stored.diameterMethod,
            typicalValues: (typicalValues ?? TypicalValueOptions()).filled(from: stored.typicalValues),
            effectiveDoseCoefficientFile: effectiveDoseCoefficientFile ?? stored.effectiveDoseCoefficientFile,
            cumulativeDoseThresholdMillisieverts: cumulativeDoseThresholdMillisieverts ?? stored.cumulativeDoseThresholdMillisieverts,
            cumulativeDoseWindowYears: cumulativeDoseWindowYears ?? stored.cumulativeDoseWindowYears,
            protocolChanges: (protocolChanges ?? ProtocolChangeOptions()).filled(from: stored.protocolChanges),
            nonPatientDescriptionWords: nonPatientDescriptionWords ?? stored.nonPatientDescriptionWords,
            nonPatientListFile: nonPatientListFile ?? stored.nonPatientListFile, doseOutlierRatio: doseOutlierRatio ?? stored.doseOutlierRatio,
            phantomShape: phantomShape ?? stored.phantomShape)
    }

    /// The words that mark an exam as a QA phantom's by its descriptions (the patient's own words were
    /// looked at when its files were read).
    public func nonPatientWords() throws -> NonPatientWords {
        var words = NonPatientWords()
        if let text = nonPatientDescriptionWords {
            guard let list = NonPatientWords.list(parsing: text) else {
                throw InvalidOption(text: "--non-patient-description-words \(text): give single words of letters (or of digits) separated by commas, e.g. QA,PHANTOM")
            }
            words.descriptionWords = list
        }
        if let file = nonPatientListFile {
            do {
                words.list = try NonPatientList.parse(csv: String(contentsOfFile: file, encoding: .utf8), name: URL(fileURLWithPath: file).lastPathComponent)
            } catch {
                throw InvalidMeasureFile(option: "--non-patient-list", path: file, error: error)
            }
        }
        return words
    }

    /// What shape of the images marks an exam as a QA phantom's, or nil when that is off.
    public func phantomShapeSettings() throws -> PhantomShape? {
        guard let text = phantomShape else { return PhantomShape() }
        if text == "off" { return nil }
        guard let shape = PhantomShape(parsing: text) else {
            throw InvalidOption(text: "--phantom-shape \(text): give off, or TOLERANCE:MM with a tolerance above 0 and below 0.5, e.g. 0.03:30")
        }
        return shape
    }

    /// What dose-outliers.csv counts as an outlier.
    public func doseOutlierSettings() throws -> DoseForSizeOutlier.Settings {
        var settings = DoseForSizeOutlier.Settings()
        if let ratio = doseOutlierRatio {
            guard ratio.isFinite, ratio > 1 else { throw InvalidOption(text: "--outlier-ratio \(ratio): give a ratio above 1 (2: twice or half the protocol's CTDIvol)") }
            settings.ratio = ratio
        }
        return settings
    }

    /// The measure engine's configuration: bundled defaults with these choices.
    public func configuration() throws -> MeasureConfiguration {
        var measures: MeasureConfiguration
        do {
            measures = try MeasureConfiguration.bundledDefaults(rulesURL: categoryRulesFile.map { URL(fileURLWithPath: $0) })
        } catch {
            guard let categoryRulesFile else { throw error }
            throw InvalidMeasureFile(option: "--category-rules", path: categoryRulesFile, error: error)
        }
        measures.measurementPeriod = period.map(MeasurementPeriod.year)
        measures.dlpDefinition = dlpDefinition ?? .allEvents
        measures.diameterMethod = diameterMethod ?? .waterEquivalent
        if let careSettingsFile {
            do {
                measures.careSettings = try CareSettingMapping.parse(csv: String(contentsOfFile: careSettingsFile, encoding: .utf8))
            } catch {
                throw InvalidMeasureFile(option: "--care-settings", path: careSettingsFile, error: error)
            }
        }
        measures.typicalValues = try (typicalValues ?? TypicalValueOptions()).settings(catalog: measures.catalog)
        if let effectiveDoseCoefficientFile {
            do {
                measures.effectiveDoseCoefficients = try EffectiveDoseCoefficientFile.parse(
                    csv: String(contentsOfFile: effectiveDoseCoefficientFile, encoding: .utf8),
                    name: URL(fileURLWithPath: effectiveDoseCoefficientFile).lastPathComponent)
            } catch {
                throw InvalidMeasureFile(option: "--effective-dose-coefficients", path: effectiveDoseCoefficientFile, error: error)
            }
        }
        if let threshold = cumulativeDoseThresholdMillisieverts {
            guard threshold.isFinite, threshold > 0 else { throw InvalidOption(text: "--cumulative-dose-threshold \(threshold): give mSv above 0") }
            measures.cumulativeDose.thresholdMillisieverts = threshold
        }
        if let years = cumulativeDoseWindowYears {
            guard (1...100).contains(years) else { throw InvalidOption(text: "--cumulative-dose-window \(years): give 1 to 100 years") }
            measures.cumulativeDose.windowYears = years
        }
        return measures
    }
}

/// A measure option whose value cannot be used, with what to give instead.
struct InvalidOption: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}

/// A measure input file (rules, care settings, reference levels, coefficients) that cannot be used,
/// named with its option and the reason.
struct InvalidMeasureFile: Error, CustomStringConvertible {
    var option: String
    var path: String
    var reason: String
    var description: String { "\(option) \(path): \(reason)" }

    /// A file that is missing, a folder or unreadable says so; one that could not be parsed, as its
    /// parser said.
    init(option: String, path: String, error: any Error) {
        (self.option, self.path) = (option, path)
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            reason = "no such file"
        } else if isFolder.boolValue {
            reason = "a folder, not a file"
        } else if !FileManager.default.isReadableFile(atPath: path) {
            reason = "not readable (permission denied)"
        } else if error is CocoaError {
            reason = "cannot be read: " + (error as NSError).localizedDescription
        } else {
            reason = String(describing: error)
        }
    }
}

/// `--drl-table`, `--size-bands`, `--drl-minimum-exams`, `--standard-weight`: how typical-values.csv groups exams and what
/// it compares them with.
public struct TypicalValueOptions: Sendable, Codable, Equatable {
    public var referenceLevelFile: String?
    /// "20,25,30,35"; "" for no bands.
    public var sizeBands: String?
    public var minimumExams: Int?
    /// "60:80" (kg); "" for none.
    public var standardWeight: String?

    public init(referenceLevelFile: String? = nil, sizeBands: String? = nil, minimumExams: Int? = nil, standardWeight: String? = nil) {
        self.referenceLevelFile = referenceLevelFile
        self.sizeBands = sizeBands
        self.minimumExams = minimumExams
        self.standardWeight = standardWeight
    }

    func filled(from stored: TypicalValueOptions?) -> TypicalValueOptions {
        guard let stored else { return self }
        return TypicalValueOptions(referenceLevelFile: referenceLevelFile ?? stored.referenceLevelFile, sizeBands: sizeBands ?? stored.sizeBands,
                                   minimumExams: minimumExams ?? stored.minimumExams, standardWeight: standardWeight ?? stored.standardWeight)
    }

    /// Reads the reference level file, naming it in any error.
    func settings(catalog: CategoryCatalog) throws -> TypicalValueSettings {
        var settings = TypicalValueSettings()
        if let sizeBands { settings.sizeBands = try SizeBands(parsing: sizeBands) }
        if let standardWeight { settings.standardWeightKilograms = try TypicalValueSettings.standardWeight(parsing: standardWeight) }
        if let minimumExams {
            guard minimumExams >= 1 else { throw InvalidOption(text: "--drl-minimum-exams \(minimumExams): give 1 or more") }
            settings.minimumExams = minimumExams
        }
        if let referenceLevelFile {
            do {
                settings.referenceLevels = try ReferenceLevelTable.parse(
                    csv: String(contentsOfFile: referenceLevelFile, encoding: .utf8), catalog: catalog, sizeBands: settings.sizeBands)
            } catch {
                throw InvalidMeasureFile(option: "--drl-table", path: referenceLevelFile, error: error)
            }
        }
        return settings
    }
}

/// What a scan run records as its settings (scan_run.settings_json).
public struct ScanSettingsRecord: Sendable, Codable {
    public var paths: [String]
    public var jobs: Int
    public var slices: String
    public var headersOnly: Bool
    public var thresholdHounsfield: Float
    public var noiseWindowHounsfield: String
    public var measures: MeasureOptions
    /// The PATIENT_OFF_CENTRE limit (absent in runs recorded before 2026-11-30).
    public var offCentreLimitMillimeters: Double?
    /// How each event's diagnostic axial series was chosen (`DiagnosticSeriesPolicy`; absent in runs
    /// recorded before 2026-12-01).
    public var seriesChoice: String?

    public init(paths: [String], jobs: Int, slices: String, headersOnly: Bool, thresholdHounsfield: Float,
                noiseWindowHounsfield: String, measures: MeasureOptions, offCentreLimitMillimeters: Double? = nil) {
        self.paths = paths
        self.jobs = jobs
        self.slices = slices
        self.headersOnly = headersOnly
        self.thresholdHounsfield = thresholdHounsfield
        self.noiseWindowHounsfield = noiseWindowHounsfield
        self.measures = measures
        self.offCentreLimitMillimeters = offCentreLimitMillimeters
    }

    public var json: String { ScanStore.json(self) }
}

extension ScanStore {
    /// Fixes the store's identifier policy on first use and refuses a different one later: a store
    /// holds pseudonyms of one key (or, with `--keep-identifiers`, identifiers), never a mixture.
    public func adoptIdentifierPolicy(_ pseudonymizer: Pseudonymizer) throws {
        let wanted = pseudonymizer.keepsIdentifiers ? "identifiers kept" : "pseudonyms, key \(pseudonymizer.keyFingerprint)"
        let stored = try establishFact("patient identifiers", wanted)
        guard stored == wanted else {
            throw ScanStoreError.identifierPolicyMismatch(stored: stored, requested: wanted)
        }
    }

    /// The measure options of the newest finished scan.
    public func lastScanMeasureOptions() throws -> MeasureOptions? {
        guard let json = try lastScanSettingsJSON() else { return nil }
        return try? JSONDecoder().decode(ScanSettingsRecord.self, from: Data(json.utf8)).measures
    }

    /// Writes every output file from the store into `folder` and records the measure verdicts.
    /// The pseudonyms are the stored ones (the store never holds identifiers unless told to).
    /// `jobs` threads decode and render the exams.
    @discardableResult
    public func export(to folder: String, measures: MeasureOptions, run: ScanRun, jobs: Int = 1) throws -> ExportSummary {
        let writer = ScanOutputWriter(folder: folder, pseudonymizer: .identity, measures: try measures.configuration(),
                                      protocolChanges: try (measures.protocolChanges ?? ProtocolChangeOptions()).settings(),
                                      nonPatientWords: try measures.nonPatientWords(), phantomShape: try measures.phantomShapeSettings(),
                                      doseOutliers: try measures.doseOutlierSettings(), jobs: jobs)
        return try writer.write(from: self) { [self] rows in try replaceMeasureResults(rows, runID: run.id) }
    }
}

public enum ScanStoreError: Error, CustomStringConvertible {
    case identifierPolicyMismatch(stored: String, requested: String)

    public var description: String {
        switch self {
        case .identifierPolicyMismatch(let stored, let requested):
            return "this store holds \(stored); this run would write \(requested). Use the same pseudonym key (and --keep-identifiers setting) as the store's first scan, or another store."
        }
    }
}

extension ScanStore {
    /// Sorted-key JSON text of a value (run settings).
    public static func json<T: Encodable>(_ value: T) -> String {
        String(decoding: (try? encoder().encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public func examCount() throws -> Int {
        Int(try database.read { try $0.rows("SELECT COUNT(*) FROM exam").first?.first?.int64 } ?? 0)
    }

    /// Files whose problem has this severity (all runs).
    public func fileCount(withProblem severity: ScanProblem.Severity) throws -> Int {
        Int(try database.read {
            try $0.rows("SELECT COUNT(DISTINCT path) FROM file_problem WHERE severity = ?", [.text(severity.rawValue)]).first?.first?.int64
        } ?? 0)
    }

    /// Studies set aside after a crash (`CrashJournal`), without an exam.
    public func setAsideStudyCount() throws -> Int {
        Int(try database.read { try $0.rows("SELECT COUNT(*) FROM study_problem").first?.first?.int64 } ?? 0)
    }

    /// Whether any stored finding has one of these severities.
    public func hasFinding(withSeverityIn severities: [String]) throws -> Bool {
        guard !severities.isEmpty else { return false }
        let marks = Array(repeating: "?", count: severities.count).joined(separator: ",")
        return try database.read {
            try !$0.rows("SELECT 1 FROM finding WHERE severity IN (\(marks)) LIMIT 1", severities.map(SQLValue.text)).isEmpty
        }
    }
}

extension NonPatientList {
    /// A CSV with a header naming `studyInstanceUID`, `patientPseudonym` or both, and optionally
    /// `reason`; every row names a study or a patient.
    static func parse(csv: String, name: String) throws -> NonPatientList {
        let document = CSVDocument(parsing: csv)
        guard document.header.contains("studyInstanceUID") || document.header.contains("patientPseudonym") else {
            throw InvalidListFile(reason: "the header must name studyInstanceUID or patientPseudonym (and may name reason)")
        }
        var list = NonPatientList(name: name)
        for (index, row) in document.namedRows.enumerated() {
            let study = row["studyInstanceUID"].trimmingCharacters(in: .whitespaces)
            let patient = row["patientPseudonym"].trimmingCharacters(in: .whitespaces)
            guard !study.isEmpty || !patient.isEmpty else {
                throw InvalidListFile(reason: "row \(index + 1) names neither a studyInstanceUID nor a patientPseudonym")
            }
            let reason = row["reason"].trimmingCharacters(in: .whitespaces)
            if !study.isEmpty { list.studies[study] = reason }
            if !patient.isEmpty { list.patients[patient] = reason }
        }
        return list
    }

    struct InvalidListFile: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }
}
