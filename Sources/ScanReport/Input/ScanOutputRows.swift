import CSVFormat

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
