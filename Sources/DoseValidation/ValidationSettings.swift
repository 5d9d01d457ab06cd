/// Tolerances and thresholds of every rule. All defaults are documented here and in README-findings.md;
/// change any of them by mutating a copy of `ValidationSettings()`.
public struct ValidationSettings: Sendable, Equatable {
    // MARK: RDSR totals
    /// Relative tolerance of a report's 113813 total against the sum of its events' DLP. Default 1 %.
    public var totalDLPRelativeTolerance = 0.01
    /// Absolute floor of that tolerance (covers per-event rounding to 0.01 mGy·cm). Default 1 mGy·cm.
    public var totalDLPAbsoluteToleranceMilligrayCentimeters = 1.0
    /// Relative difference above which two reports disagree on one event's DLP / CTDIvol. Default 0.5 %
    /// (the same threshold the exam assembler uses).
    public var reportAgreementRelativeTolerance = 0.005

    // MARK: Per-event DLP definition
    /// Relative tolerance of an event's DLP against its DCM 113838 definition. Default 10 %: vendors
    /// include overranging in the spiral DLP but not always in the Scanning Length.
    public var eventDLPRelativeTolerance = 0.10
    /// Absolute floor of that tolerance (small monitoring DLPs are rounded). Default 0.5 mGy·cm.
    public var eventDLPAbsoluteToleranceMilligrayCentimeters = 0.5
    /// For spiral events, the DLP may also differ by CTDIvol × this length: overranging is in the DLP but not
    /// in the Scanning Length for some vendors, and the other way round for others. Default 60 mm; the
    /// shared corpus shows 26–35 mm (Siemens, DLP below) and 32–46 mm (Philips, DLP above).
    public var spiralOverrangingAllowanceMillimeters = 60.0
    /// SCAN_LONGER_THAN_IMAGES allows the larger of that length and this many table feeds per rotation
    /// (nominal total collimation × pitch factor): over-ranging grows with the feed, to about one to
    /// one and a half feeds (ctdose's choice [U]). Default 1.5.
    public var overrangingTableFeeds = 1.5

    // MARK: Event vs image series
    /// Relative tolerance of a series' mean header CTDIvol against its event's CTDIvol. Default 5 %.
    public var seriesCTDIvolRelativeTolerance = 0.05
    /// kVp tolerance. Default 0.5 kV (kVp is a discrete setting; only rounding is allowed).
    public var kvpToleranceKilovolts = 0.5
    /// Relative tolerance of tube currents. Default 10 % (header mA is per image, RDSR mA is a scan mean).
    public var tubeCurrentRelativeTolerance = 0.10
    /// Pitch factor tolerance. Default 0.01 (0.984375 vs 0.984 passes).
    public var pitchFactorTolerance = 0.01
    /// Total collimation tolerance. Default 0.5 mm.
    public var totalCollimationToleranceMillimeters = 0.5
    /// How much longer than the Scanning Length an image series may be. Default 10 mm.
    public var scanRangeToleranceMillimeters = 10.0

    // MARK: Phantom
    /// Words (upper case, matched as substrings of target region meaning, protocol, label and, when the event
    /// says nothing, study description / requested procedure / body part) that make an event a head scan.
    public var headKeywords = ["HEAD", "BRAIN", "SKULL", "SINUS", "CRANI", "CEREBR", "NEURO", "ORBIT", "FACIAL",
                               "MAXILLO", "PETROUS", "TEMPORAL BONE", "STROKE", "KOPF", "SCHADEL", "SCHÄDEL"]
    /// Words that make an event a body (torso) scan. An event matching both lists is not classified.
    public var bodyKeywords = ["CHEST", "THORAX", "THORAC", "LUNG", "PULMO", "ABDOMEN", "ABD", "PELVIS", "PELVI",
                               "LIVER", "RENAL", "KIDNEY", "TORSO", "BODY", "AORTA", "CARDIAC", "CORONARY", "HEART",
                               "COLON", "UROGRAM", "BAUCH", "BECKEN"]
    /// Words that make a head event a brain perfusion scan (notification category).
    public var perfusionKeywords = ["PERFUSION", "VPCT"]
    /// Words that make a body event a cardiac scan (notification category).
    public var cardiacKeywords = ["CARDIAC", "CORONARY", "CARDIO", "HEART", "CCTA", "CALCIUM", "CASCORE", "CA SCORE"]
    /// Whether localizer (constant angle) events are checked for their phantom. Default false: localizer
    /// phantoms follow vendor conventions and carry little dose.
    public var phantomCheckIncludesLocalizers = false
    /// Share of the exam DLP below which events on the minority phantom raise MIXED_PHANTOMS_MINOR (info)
    /// instead of MIXED_PHANTOMS_SUMMED (warning). Default 5 %.
    public var mixedPhantomMinorDLPFraction = 0.05

    // MARK: Vendor size
    /// Relative tolerance of scanner-written Dw and SSDE against ctdose's own. Default 10 %.
    public var vendorSizeRelativeTolerance = 0.10

    // MARK: Patient centring
    /// Vertical distance between the patient's centre and the isocentre (mean over a series' whole
    /// slices) above which PATIENT_OFF_CENTRE is raised. Default 30 mm, ctdose's choice [U].
    public var offCentreLimitMillimeters = 30.0

    // MARK: Notification and alert values
    /// CTDIvol / DLP notification values per examination category. Defaults: `DoseNotificationValues.aapm2011`.
    public var notificationValues = DoseNotificationValues.aapm2011
    /// CTDIvol alert value applied to each event. Default 1000 mGy (AAPM 2011, unverified); nil disables.
    public var ctdiVolAlertValueMilligray: Double? = DoseNotificationValues.aapm2011CTDIvolAlertValueMilligray
    /// Patients younger than this (years, from Patient's Age) use the paediatric categories. Default 18.
    public var adultAgeYears = 18.0

    // MARK: Output control
    /// Per-code severity changes (e.g. make SERIES_WITHOUT_EVENT an error at a site that requires it).
    public var severityOverrides: [FindingCode: FindingSeverity] = [:]
    /// Codes never reported.
    public var disabledCodes: Set<FindingCode> = []

    public init() {}

    /// The severity a code gets under these settings.
    public func severity(of code: FindingCode) -> FindingSeverity {
        severityOverrides[code] ?? code.defaultSeverity
    }
}
