import CSVFormat
import QualityMeasures

/// One row of measure.csv (columns of `MeasureCSVWriter`): the CMS CT measure result of one exam.
public struct MeasureRow: Sendable, Equatable {
    public var studyInstanceUID: String
    public var patientPseudonym: String
    /// Local scan date and time, "YYYY-MM-DDTHH:MM:SS".
    public var scanDateTime: String
    public var scanner: String?
    public var category: String
    public var sizeAdjustedDoseMilligrayCentimeters: Double?
    public var dlpMilligrayCentimeters: Double?
    /// allEvents, withoutLocalizers or withoutLocalizersAndMonitoring (the run's DLP definition).
    public var dlpDefinition: String?
    public var diameterCentimeters: Double?
    public var diameterMethod: String?
    public var globalNoiseHounsfield: Double?
    public var ssdeMilligray: Double?
    /// The estimate from DLP and region coefficients (absent in folders written before it existed).
    public var effectiveDoseMillisieverts: Double?
    public var sadThresholdMilligrayCentimeters: Double?
    public var noiseThresholdHounsfield: Double?
    /// inRange, outOfRange, excluded or notEvaluable.
    public var verdict: String
    public var reason: String

    public var isOutOfRange: Bool { verdict == "outOfRange" }
    /// In the measure denominator: an in-range or out-of-range verdict.
    public var isEvaluated: Bool { verdict == "inRange" || verdict == "outOfRange" }

    public init(_ row: CSVRow) {
        studyInstanceUID = row["studyInstanceUID"]
        patientPseudonym = row["patientPseudonym"]
        scanDateTime = row["scanDateTime"]
        scanner = row.text("scanner")
        category = row["category"]
        sizeAdjustedDoseMilligrayCentimeters = row.number("sizeAdjustedDose_mGycm")
        dlpMilligrayCentimeters = row.number("dlp_mGycm")
        dlpDefinition = row.text("dlpDefinition")
        diameterCentimeters = row.number("diameter_cm")
        diameterMethod = row.text("diameterMethod")
        globalNoiseHounsfield = row.number("globalNoise_hu")
        ssdeMilligray = row.number("ssde_mGy")
        effectiveDoseMillisieverts = row.number("effectiveDose_mSv")
        sadThresholdMilligrayCentimeters = row.number("sadThreshold_mGycm")
        noiseThresholdHounsfield = row.number("noiseThreshold_hu")
        verdict = row["verdict"]
        reason = row["reason"]
    }
}

/// One row of sensitivity.csv: one exam under one diameter method × DLP definition.
public struct SensitivityRow: Sendable, Equatable {
    public var studyInstanceUID: String
    public var category: String
    public var diameterMethod: String
    public var dlpDefinition: String
    public var sizeAdjustedDoseMilligrayCentimeters: Double?
    public var verdict: String

    public init(_ row: CSVRow) {
        studyInstanceUID = row["studyInstanceUID"]
        category = row["category"]
        diameterMethod = row["diameterMethod"]
        dlpDefinition = row["dlpDefinition"]
        sizeAdjustedDoseMilligrayCentimeters = row.number("sizeAdjustedDose_mGycm")
        verdict = row["verdict"]
    }
}

/// One row of slices.csv: size and noise of one analysed image.
public struct SliceRow: Sendable, Equatable {
    public var seriesInstanceUID: String
    public var sopInstanceUID: String
    public var zMillimeters: Double
    public var waterEquivalentDiameterCentimeters: Double?
    public var apCentimeters: Double?
    public var lateralCentimeters: Double?
    public var truncated: Bool
    public var noiseHounsfield: Double?

    public init?(_ row: CSVRow) {
        guard let z = row.number("z_mm") else { return nil }
        seriesInstanceUID = row["seriesInstanceUID"]
        sopInstanceUID = row["sopInstanceUID"]
        zMillimeters = z
        waterEquivalentDiameterCentimeters = row.number("waterEquivalentDiameter_cm")
        apCentimeters = row.number("ap_cm")
        lateralCentimeters = row.number("lateral_cm")
        truncated = row["truncated"] == "true"
        noiseHounsfield = row.number("noise_hu")
    }
}

/// One row of problems.csv: a file set aside, repaired or unreadable.
public struct ProblemRow: Sendable, Equatable {
    public var file: String
    /// setAside, repaired or error (ScanProblem.Severity).
    public var severity: String
    public var reason: String

    public init(_ row: CSVRow) {
        file = row["file"]
        severity = row["severity"]
        reason = row["reason"]
    }
}

/// One row of typical-values.csv (columns of `TypicalValuesCSVWriter`): the typical values of a group.
public struct TypicalValueLine: Sendable, Equatable {
    public var period: String
    public var categoryName: String
    public var ageGroup: String
    public var sizeBand: String
    public var phantom: String
    public var scanner: String
    public var exams: Int
    public var enoughExams: Bool
    public var ctdiVolMedian: Double?
    public var ctdiVol75th: Double?
    public var dlpMedian: Double?
    public var dlp75th: Double?
    public var ssdeMedian: Double?
    public var dwMedian: Double?
    public var effectiveDoseMedian: Double?
    public var standardWeightExams: Int
    public var standardWeightDLPMedian: Double?
    public var scannerMediansCtdiVol75th: Double?
    public var scannerMediansDLP75th: Double?
    public var drlCtdiVol: Double?
    public var drlDLP: Double?
    /// "above DRL", "at or below DRL", "too few exams", "no value to compare" or nil without a DRL.
    public var comparison: String?
    public var drlSource: String?

    public var isAboveReferenceLevel: Bool { comparison == TypicalValueRow.Comparison.aboveReferenceLevel.rawValue }
    /// Compared with a reference level (above it, or at or below it).
    public var isCompared: Bool { isAboveReferenceLevel || comparison == TypicalValueRow.Comparison.atOrBelowReferenceLevel.rawValue }

    public init(_ row: CSVRow) {
        period = row["period"]
        categoryName = row["categoryName"]
        ageGroup = row["ageGroup"]
        sizeBand = row["sizeBand"]
        phantom = row["phantom"]
        scanner = row["scanner"]
        exams = Int(row["exams"]) ?? 0
        enoughExams = row["enoughExams"] == "yes"
        ctdiVolMedian = row.number("ctdiVolMedian_mGy")
        ctdiVol75th = row.number("ctdiVol75th_mGy")
        dlpMedian = row.number("dlpMedian_mGycm")
        dlp75th = row.number("dlp75th_mGycm")
        ssdeMedian = row.number("ssdeMedian_mGy")
        dwMedian = row.number("dwMedian_cm")
        effectiveDoseMedian = row.number("effectiveDoseMedian_mSv")
        standardWeightExams = Int(row["standardWeightExams"]) ?? 0
        standardWeightDLPMedian = row.number("standardWeightDlpMedian_mGycm")
        scannerMediansCtdiVol75th = row.number("scannerMediansCtdiVol75th_mGy")
        scannerMediansDLP75th = row.number("scannerMediansDlp75th_mGycm")
        drlCtdiVol = row.number("drlCtdiVol_mGy")
        drlDLP = row.number("drlDlp_mGycm")
        comparison = row.text("comparison")
        drlSource = row.text("drlSource")
    }
}

/// One row of patient-dose.csv (columns of `PatientDoseCSVWriter`): one patient's exams added up.
public struct PatientDoseLine: Sendable, Equatable {
    public var patientPseudonym: String
    public var exams: Int
    public var examsWithoutEstimate: Int
    public var firstStudyDate: String
    public var lastStudyDate: String
    public var effectiveDoseTotal: Double?
    public var windowYears: Int
    public var windowEffectiveDose: Double?
    public var windowExams: Int
    public var windowFirstStudyDate: String
    public var windowLastStudyDate: String
    public var atOrAboveThreshold: Bool
    public var threshold: Double?

    public init(_ row: CSVRow) {
        patientPseudonym = row["patientPseudonym"]
        exams = Int(row["exams"]) ?? 0
        examsWithoutEstimate = Int(row["examsWithoutEstimate"]) ?? 0
        firstStudyDate = row["firstStudyDate"]
        lastStudyDate = row["lastStudyDate"]
        effectiveDoseTotal = row.number("effectiveDoseTotal_mSv")
        windowYears = Int(row["windowYears"]) ?? 0
        windowEffectiveDose = row.number("windowEffectiveDose_mSv")
        windowExams = Int(row["windowExams"]) ?? 0
        windowFirstStudyDate = row["windowFirstStudyDate"]
        windowLastStudyDate = row["windowLastStudyDate"]
        atOrAboveThreshold = row["atOrAboveThreshold"] == "yes"
        threshold = row.number("threshold_mSv")
    }
}
