import DoseModel

/// Examination categories of the AAPM CT dose-check notification table.
public enum DoseCheckCategory: String, Sendable, Codable, CaseIterable {
    case adultHead, adultTorso, brainPerfusion, cardiacRetrospectiveGating, cardiacProspectiveGating
    case pediatricHeadUnder2Years, pediatricHead2To5Years, pediatricTorsoUnder10Years
}

/// A notification value: CTDIvol per phantom (the other phantom is reached with the ACR factor 2.3) and an
/// optional DLP value, with where the numbers come from.
public struct NotificationValue: Sendable, Equatable {
    public var ctdiVolMilligray: [CTDIPhantom: Double]
    public var dlpMilligrayCentimeters: Double?
    /// Citation; contains "unverified" when the value could not be confirmed from the source text.
    public var reference: String

    public init(ctdiVolMilligray: [CTDIPhantom: Double], dlpMilligrayCentimeters: Double? = nil, reference: String) {
        self.ctdiVolMilligray = ctdiVolMilligray
        self.dlpMilligrayCentimeters = dlpMilligrayCentimeters
        self.reference = reference
    }
}

/// Notification values by examination category.
public struct DoseNotificationValues: Sendable, Equatable {
    public var values: [DoseCheckCategory: NotificationValue]

    public init(values: [DoseCheckCategory: NotificationValue]) { self.values = values }

    public subscript(category: DoseCheckCategory) -> NotificationValue? {
        get { values[category] }
        set { values[category] = newValue }
    }

    /// Head CTDIvol normalised to the 16 cm phantom is x2.3 the 32 cm value (ACR DIR, cms1074.md §6.4).
    public static let acrPhantomConversionFactor = 2.3

    // AAPM, "AAPM Recommendations Regarding Notification and Alert Values for CT Scanners: Guidelines for Use
    // of the NEMA XR 25 CT Dose-Check Standard" (2011). UNVERIFIED: the table could not be found with the
    // project's search tools (docs/pages/code/issues corpora, searched for this work); values are as commonly
    // quoted and must be checked against the AAPM text before they are relied on. The AAPM table gives no
    // DLP notification values, so none are set.
    private static let aapm2011Reference = "AAPM 2011 CT dose-check notification values (unverified)"

    /// The AAPM 2011 CTDIvol alert value (per location, accumulated). UNVERIFIED, see above.
    public static let aapm2011CTDIvolAlertValueMilligray = 1000.0

    /// Default table (AAPM 2011, unverified).
    public static let aapm2011 = DoseNotificationValues(values: [
        .adultHead: NotificationValue(ctdiVolMilligray: [.head16cm: 80], reference: aapm2011Reference),  // AAPM 2011 (unverified)
        .adultTorso: NotificationValue(ctdiVolMilligray: [.body32cm: 50], reference: aapm2011Reference),  // AAPM 2011 (unverified)
        .brainPerfusion: NotificationValue(ctdiVolMilligray: [.head16cm: 600], reference: aapm2011Reference),  // AAPM 2011 (unverified)
        .cardiacRetrospectiveGating: NotificationValue(ctdiVolMilligray: [.body32cm: 150], reference: aapm2011Reference),  // AAPM 2011 (unverified)
        .cardiacProspectiveGating: NotificationValue(ctdiVolMilligray: [.body32cm: 50], reference: aapm2011Reference),  // AAPM 2011 (unverified)
        .pediatricHeadUnder2Years: NotificationValue(ctdiVolMilligray: [.head16cm: 50], reference: aapm2011Reference),  // AAPM 2011 (unverified)
        .pediatricHead2To5Years: NotificationValue(ctdiVolMilligray: [.head16cm: 60], reference: aapm2011Reference),  // AAPM 2011 (unverified)
        .pediatricTorsoUnder10Years: NotificationValue(
            ctdiVolMilligray: [.head16cm: 20, .body32cm: 10], reference: aapm2011Reference),  // AAPM 2011 (unverified)
    ])
}

extension NotificationValue {
    /// The CTDIvol notification value on the given phantom: stated, or converted from the other phantom with
    /// the ACR factor 2.3 (cms1074.md §6.4). Unknown phantom: the stated value.
    func ctdiVolMilligray(on phantom: CTDIPhantom) -> (value: Double, converted: Bool)? {
        if let stated = ctdiVolMilligray[phantom] { return (stated, false) }
        let factor = DoseNotificationValues.acrPhantomConversionFactor
        switch phantom {
        case .body32cm: return ctdiVolMilligray[.head16cm].map { ($0 / factor, true) }
        case .head16cm: return ctdiVolMilligray[.body32cm].map { ($0 * factor, true) }
        case .unknown: return ctdiVolMilligray.values.min().map { ($0, false) }  // the stricter value
        }
    }
}
