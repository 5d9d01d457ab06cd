/// One diagnostic irradiation event as SSDE input. Localizers and monitoring events should not be passed
/// (their CTDIvol does not describe dose to the imaged volume).
public struct SSDEEventInput: Sendable, Codable, Equatable {
    public var eventIdentifier: String?
    /// Groups events into series (e.g. the series number or series instance UID the event produced).
    public var seriesKey: String?
    public var ctdiVolMilligray: Double
    public var phantom: DosimetryPhantom?
    /// Dw (AAPM 220) or effective diameter (AAPM 204) in centimeters.
    public var diameterCentimeters: Double
    public var scanningLengthCentimeters: Double?
    public var dlpMilligrayCentimeters: Double?

    public init(
        eventIdentifier: String? = nil, seriesKey: String? = nil, ctdiVolMilligray: Double, phantom: DosimetryPhantom?,
        diameterCentimeters: Double, scanningLengthCentimeters: Double? = nil, dlpMilligrayCentimeters: Double? = nil
    ) {
        self.eventIdentifier = eventIdentifier
        self.seriesKey = seriesKey
        self.ctdiVolMilligray = ctdiVolMilligray
        self.phantom = phantom
        self.diameterCentimeters = diameterCentimeters
        self.scanningLengthCentimeters = scanningLengthCentimeters
        self.dlpMilligrayCentimeters = dlpMilligrayCentimeters
    }
}

/// Options for exam SSDE.
public struct SSDEOptions: Sendable, Codable, Equatable {
    public var fits: SSDEFitTable
    public var mismatchPolicy: PhantomMismatchPolicy
    public var aggregation: SSDEAggregationMethod

    public init(
        fits: SSDEFitTable = .standard, mismatchPolicy: PhantomMismatchPolicy = .flagOnly,
        aggregation: SSDEAggregationMethod = .lengthWeightedMean
    ) {
        self.fits = fits
        self.mismatchPolicy = mismatchPolicy
        self.aggregation = aggregation
    }
}

/// SSDE per event, per series and per exam.
public struct ExamSSDE: Sendable, Codable, Equatable {
    public var events: [SSDEResult]
    /// Aggregated SSDE per series key (events without a key are grouped under "").
    public var seriesSSDE: [String: AggregatedSSDE]
    /// Aggregate of all events whose SSDE could be computed; `nil` when none could.
    public var examSSDE: AggregatedSSDE?
    public var anyPhantomMismatch: Bool { events.contains { $0.phantomCheck.isMismatch } }
    public var usesUnverifiedCoefficients: Bool { events.contains { $0.usesUnverifiedCoefficients } }
    /// Distinct warnings of all events, in first-seen order.
    public var warnings: [String] {
        var seen = Set<String>()
        return events.flatMap(\.warnings).filter { seen.insert($0).inserted }
    }

    public static func compute(events inputs: [SSDEEventInput], anatomy: ScannedAnatomy, options: SSDEOptions = SSDEOptions()) -> ExamSSDE {
        var results: [SSDEResult] = []
        var weightedBySeries: [String: [WeightedSSDE]] = [:]
        var allWeighted: [WeightedSSDE] = []
        for input in inputs {
            let result = SizeSpecificDoseEstimate.compute(
                ctdiVolMilligray: input.ctdiVolMilligray, diameterCentimeters: input.diameterCentimeters,
                phantom: input.phantom, anatomy: anatomy, fits: options.fits, mismatchPolicy: options.mismatchPolicy)
            results.append(result)
            guard let ssde = result.ssdeMilligray else { continue }
            let weighted = WeightedSSDE(
                ssdeMilligray: ssde, scanningLengthCentimeters: input.scanningLengthCentimeters,
                dlpMilligrayCentimeters: input.dlpMilligrayCentimeters)
            weightedBySeries[input.seriesKey ?? "", default: []].append(weighted)
            allWeighted.append(weighted)
        }
        let series = weightedBySeries.compactMapValues { SSDEAggregation.aggregate($0, method: options.aggregation) }
        return ExamSSDE(
            events: results, seriesSSDE: series, examSSDE: SSDEAggregation.aggregate(allWeighted, method: options.aggregation))
    }
}
