import ArchiveScan
import DoseModel
import Foundation
import ArgumentParser
import Logging
import QualityMeasures
import ResultStore

/// `--db FILE` / `--store postgres://…`: where results are kept.
struct StoreArguments: ParsableArguments {
    @Option(name: .long, help: "SQLite results database, created when absent (default: $CTDOSE_STORE when set, else ctdose.sqlite here).")
    var db: String?

    @Option(name: .long, help: "PostgreSQL results store, postgres://USER[:PASSWORD]@HOST[:PORT]/DB (or ?host=/socket/folder); replaces --db. ")
    var store: String?

    var location: StoreLocation {
        get throws {
            let fromEnvironment = ProcessInfo.processInfo.environment["CTDOSE_STORE"].flatMap { $0.isEmpty ? nil : $0 }
            return try StoreLocation(parsing: store ?? db ?? fromEnvironment ?? "ctdose.sqlite")
        }
    }

    func open() throws -> ScanStore { try ScanStore.open(try location) }
}

/// The CMS measure choices; on `export` and `report`, those not given come from the newest scan.
struct MeasureArguments: ParsableArguments {
    @Option(name: .long, help: "Measurement period: a year (2025). Default: each exam in the year of its scan date.")
    var period: Int?

    @Option(name: .long, help: "CSV with studyInstanceUID,setting (inpatient / outpatient / emergency).")
    var careSettings: String?

    @Option(name: .long, help: "Category rules file replacing the bundled default rules (JSON).")
    var categoryRules: String?

    @Option(name: .long, help: "DLP definition for SAD and typical values: allEvents (default), withoutLocalizers, withoutLocalizersAndMonitoring.")
    var dlpDefinition: DLPDefinition?

    @Option(name: .long, help: "Diameter for SAD: waterEquivalent (default), areaEquivalent, singleDimensionAAPM204, geometricMeanAPLateral, arithmeticMeanAPLateral.")
    var diameterMethod: DiameterMethod?

    @Option(name: .long, help: "Diagnostic reference levels to compare typical values with (CSV: category,ageGroup,sizeBand,phantom,ctdiVol_mGy,dlp_mGycm,source).")
    var drlTable: String?

    @Option(name: .long, help: "Water-equivalent diameter bands of typical-values.csv, cm, ascending (default 20,25,30,35; \"\" for none).")
    var sizeBands: String?

    @Option(name: .long, help: "Exams a typical value needs to be compared with a DRL or enter a local DRL (default 20).")
    var drlMinimumExams: Int?

    @Option(name: .long, help: "Patient's Weight range, kg, of the standard-weight typical values (default 60:80; \"\" for none).")
    var standardWeight: String?

    @Option(name: .long, help: "DLP-to-effective-dose coefficients replacing AAPM Report 96's (CSV: region,age,phantom,k_mSvPerMGycm[,source]).")
    var effectiveDoseCoefficients: String?

    @Option(name: .long, help: "Cumulative effective dose, mSv, from which patient-dose.csv flags a patient (default 100).")
    var cumulativeDoseThreshold: Double?

    @Option(name: .long, help: "Years of the window patient-dose.csv looks for each patient's highest cumulative effective dose in (default 5).")
    var cumulativeDoseWindow: Int?

    @Option(name: .long, help: "Ratio of a month's median CTDIvol to the month before's (or its inverse) from which protocol-changes.csv lists a change (default 1.25).")
    var changeCtdivolRatio: Double?

    @Option(name: .long, help: "The same for the median global noise (default 1.15).")
    var changeNoiseRatio: Double?

    @Option(name: .long, help: "Two-sided p-value (Mann-Whitney U) below which a CTDIvol or noise change is listed (default 0.01).")
    var changeSignificance: Double?

    @Option(name: .long, help: "Events a month needs for its technique and for its CTDIvol and noise levels to count, TECHNIQUE:LEVEL (default 5:10).")
    var changeMinimumEvents: String?

    @Option(name: .long, help: "Share of a month's events a technique value needs to be the month's (default 0.75).")
    var changeMajority: Double?

    @Option(name: .long, help: "Where a scanner stopped and started several protocols together, how alike two names must be (Dice coefficient of their letter pairs, above 0, at most 1) for the pair to be followed as one protocol renamed (default 0.5).")
    var changeRenameSimilarity: Double?

    @Option(name: .long, help: "Words of a Study Description, or of every event's protocol name, that mark a QA phantom's exam: it is kept out of the typical values, measures, patient doses and protocol changes (comma-separated, whole words, any case; \"\" for none; default \(NonPatientWords.defaultDescriptionWords.joined(separator: ","))).")
    var nonPatientDescriptionWords: String?

    @Option(name: .long, help: "dose-outliers.csv lists diagnostic events whose CTDIvol is this many times (or 1/this) their scanner's protocol's at the same water-equivalent diameter, beyond 3 robust SDs of its spread (default 2).")
    var outlierRatio: Double?

    @Option(name: .long, help: "CSV of exams that are QA phantoms or test patients whatever their names: a header with studyInstanceUID and/or patientPseudonym (as in exams.csv), and optionally reason; they are kept out of the same statistics.")
    var nonPatientList: String?

    @Option(name: .long, help: "An exam whose measured slices show a cylinder (round, the same along at least MM of the series, within TOLERANCE) is taken for a QA phantom's: TOLERANCE:MM, or off (default 0.03:30).")
    var phantomShape: String?

    var options: MeasureOptions {
        // Files by absolute path: the store keeps them for `export` and `report`, which may run elsewhere.
        let absolute = { (path: String?) in path.map { URL(fileURLWithPath: $0).standardizedFileURL.path } }
        return MeasureOptions(period: period, careSettingsFile: absolute(careSettings), categoryRulesFile: absolute(categoryRules),
                              dlpDefinition: dlpDefinition, diameterMethod: diameterMethod,
                              typicalValues: TypicalValueOptions(referenceLevelFile: absolute(drlTable), sizeBands: sizeBands,
                                                                 minimumExams: drlMinimumExams, standardWeight: standardWeight),
                              effectiveDoseCoefficientFile: absolute(effectiveDoseCoefficients),
                              cumulativeDoseThresholdMillisieverts: cumulativeDoseThreshold, cumulativeDoseWindowYears: cumulativeDoseWindow,
                              protocolChanges: ProtocolChangeOptions(ctdiVolRatio: changeCtdivolRatio, noiseRatio: changeNoiseRatio,
                                                                     significance: changeSignificance, minimumEvents: changeMinimumEvents,
                                                                     majority: changeMajority, renameSimilarity: changeRenameSimilarity),
                              nonPatientDescriptionWords: nonPatientDescriptionWords, nonPatientListFile: absolute(nonPatientList),
                              doseOutlierRatio: outlierRatio, phantomShape: phantomShape)
    }
}

extension DLPDefinition: ExpressibleByArgument {}
extension DiameterMethod: ExpressibleByArgument {}

extension ExportSummary {
    /// What a nightly run's log should carry beyond the counts: the protocol changes found, and the
    /// exams set apart as QA phantoms' or test patients', if any.
    func log(folder: String, to logger: Logger) {
        if protocolChanges > 0 {
            logger.notice("\(protocolChanges) protocol change\(protocolChanges == 1 ? "" : "s") (technique, CTDIvol or noise): \(folder)/protocol-changes.csv")
        }
        if doseOutliers > 0 {
            logger.notice("\(doseOutliers) event\(doseOutliers == 1 ? "" : "s") far from their protocol's CTDIvol for the patient's size: \(folder)/dose-outliers.csv")
        }
        if nonPatientExams > 0 {
            logger.info("\(nonPatientExams) exam\(nonPatientExams == 1 ? "" : "s") of QA phantoms or test patients left out of the population statistics: \(folder)/exams.csv nonPatient")
        }
    }
}
