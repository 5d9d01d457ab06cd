import DoseModel

/// Acquisition values of one image series, read from its image headers, that `SeriesSummary` does not keep.
/// The integrator fills one per series, e.g. with `init(summarizing:)` over the series' `CTImageHeader`s.
public struct SeriesAcquisitionFacts: Sendable, Codable, Equatable {
    public var seriesInstanceUID: String
    /// KVP (0018,0060) over the images.
    public var kvpRangeKilovolts: ClosedRange<Double>?
    /// X-Ray Tube Current (0018,1151) over the images.
    public var tubeCurrentRangeMilliampere: ClosedRange<Double>?
    /// Spiral Pitch Factor (0018,9311) of the first image that has one.
    public var spiralPitchFactor: Double?
    /// Total Collimation Width (0018,9307) of the first image that has one.
    public var totalCollimationMillimeters: Double?

    public init(seriesInstanceUID: String, kvpRangeKilovolts: ClosedRange<Double>? = nil,
                tubeCurrentRangeMilliampere: ClosedRange<Double>? = nil, spiralPitchFactor: Double? = nil,
                totalCollimationMillimeters: Double? = nil) {
        self.seriesInstanceUID = seriesInstanceUID
        self.kvpRangeKilovolts = kvpRangeKilovolts
        self.tubeCurrentRangeMilliampere = tubeCurrentRangeMilliampere
        self.spiralPitchFactor = spiralPitchFactor
        self.totalCollimationMillimeters = totalCollimationMillimeters
    }

    /// Summarises the headers of one series (all of them must share `seriesInstanceUID`; nil for none).
    public init?(summarizing headers: [CTImageHeader]) {
        guard let first = headers.first else { return nil }
        self.init(seriesInstanceUID: first.seriesInstanceUID)
        kvpRangeKilovolts = Self.range(headers.compactMap(\.kvp))
        tubeCurrentRangeMilliampere = Self.range(headers.compactMap(\.tubeCurrentMilliampere))
        spiralPitchFactor = headers.lazy.compactMap(\.spiralPitchFactor).first
        totalCollimationMillimeters = headers.lazy.compactMap(\.totalCollimationWidthMillimeters).first
    }

    private static func range(_ values: [Double]) -> ClosedRange<Double>? {
        guard let low = values.min(), let high = values.max() else { return nil }
        return low...high
    }
}

/// ctdose's own pixel-based patient size for one image series (from PixelAnalysis / DosePhysics).
public struct MeasuredSize: Sendable, Codable, Equatable {
    public var seriesInstanceUID: String
    /// Water-equivalent diameter Dw (AAPM Report 220), in cm.
    public var waterEquivalentDiameterCentimeters: Double?
    /// Size-specific dose estimate (AAPM Report 204 / 293), in mGy.
    public var ssdeMilligray: Double?
    /// The patient's centre above (+) or below (−) the isocentre, mean over the series' whole slices (mm).
    public var verticalOffCentreMillimeters: Double?

    public init(seriesInstanceUID: String, waterEquivalentDiameterCentimeters: Double? = nil, ssdeMilligray: Double? = nil,
                verticalOffCentreMillimeters: Double? = nil) {
        self.seriesInstanceUID = seriesInstanceUID
        self.waterEquivalentDiameterCentimeters = waterEquivalentDiameterCentimeters
        self.ssdeMilligray = ssdeMilligray
        self.verticalOffCentreMillimeters = verticalOffCentreMillimeters
    }
}

/// Everything the rules look at for one exam. Only `exam` is required; each optional input enables rules:
/// `reports` (the study's full dose reports) gives exact per-report event sums and lets disagreements between
/// reports be re-derived (otherwise the exam's events and the assembler's problem strings are used);
/// `seriesFacts` enables the kVp / tube current / pitch / collimation checks; `measuredSizes` the vendor size checks.
public struct ExamValidationInput: Sendable {
    public var exam: Exam
    public var reports: [DoseReport]
    public var seriesFacts: [SeriesAcquisitionFacts]
    public var measuredSizes: [MeasuredSize]

    public init(exam: Exam, reports: [DoseReport] = [], seriesFacts: [SeriesAcquisitionFacts] = [],
                measuredSizes: [MeasuredSize] = []) {
        self.exam = exam
        self.reports = reports
        self.seriesFacts = seriesFacts
        self.measuredSizes = measuredSizes
    }
}
