/// What told an event's region.
public enum EffectiveDoseRegionSource: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The event's own acquisition protocol or target region.
    case event
    /// The exam's category (its id), which has a region or (`region` nil) none.
    case category(String)
    /// Neither the event nor the exam (uncategorized).
    case none

    public var description: String {
        switch self {
        case .event: return "region from the event's protocol or target region"
        case .category(let id): return "region from the exam's category \(id)"
        case .none: return "neither the event nor the exam names a region"
        }
    }
}

/// One irradiation event as the effective dose estimate sees it.
public struct EffectiveDoseEventInput: Sendable, Hashable {
    public var eventUID: String?
    public var dlpMilligrayCentimeters: Double?
    public var phantom: DosimetryPhantom?
    /// The region scanned, and what told it.
    public var region: EffectiveDoseRegion?
    public var regionSource: EffectiveDoseRegionSource
    /// The DLP is a lower bound (summed from image headers over the reconstructed length).
    public var dlpIsLowerBound = false

    public init(eventUID: String?, dlpMilligrayCentimeters: Double?, phantom: DosimetryPhantom?, region: EffectiveDoseRegion?,
                regionSource: EffectiveDoseRegionSource, dlpIsLowerBound: Bool = false) {
        self.eventUID = eventUID
        self.dlpMilligrayCentimeters = dlpMilligrayCentimeters
        self.phantom = phantom
        self.region = region
        self.regionSource = regionSource
        self.dlpIsLowerBound = dlpIsLowerBound
    }
}

/// An estimate of effective dose from DLP: E = Σ k(region, age) · DLP over the exam's events. A population
/// figure for comparing protocols and exams, not a patient's dose (ICRP 103 §3.4: effective dose is for a
/// reference person).
public struct EffectiveDoseEstimate: Sendable, Codable, Hashable {
    public struct EventShare: Sendable, Codable, Hashable {
        public var eventUID: String?
        public var region: EffectiveDoseRegion?
        public var regionSource: EffectiveDoseRegionSource
        public var millisievertsPerMilligrayCentimeter: Double?
        /// The DLP the coefficient was applied to (converted when the event's phantom is not the coefficient's).
        public var dlpMilligrayCentimeters: Double?
        public var millisieverts: Double?
        /// Why there is no value, or what was assumed.
        public var note: String?
    }

    /// `nil` when an event with a DLP has no region or coefficient: a partial sum would understate the exam.
    public var millisieverts: Double?
    public var age: ReferenceAge
    public var source: String
    public var events: [EventShare]
    /// What was assumed or left out, for the exam as a whole.
    public var notes: [String]

    /// `ageYears` nil: the adult column, said in the notes.
    public static func estimate(
        events: [EffectiveDoseEventInput], ageYears: Int?, table: EffectiveDoseCoefficientTable
    ) -> EffectiveDoseEstimate {
        let age = ageYears.map { ReferenceAge.of(years: $0) } ?? .adult
        var notes: [String] = ageYears == nil ? ["age unknown: adult coefficients"] : []
        var complete = true, lowerBound = false
        let shares = events.map { event -> EventShare in
            var share = EventShare(eventUID: event.eventUID, region: event.region, regionSource: event.regionSource)
            guard let dlp = event.dlpMilligrayCentimeters, dlp.isFinite, dlp >= 0 else {
                share.note = "no DLP"
                return share
            }
            guard let region = event.region else {
                complete = false
                if case .category(let id) = event.regionSource {
                    share.note = "category \(id) has no coefficient region"
                } else {
                    share.note = event.regionSource.description
                }
                return share
            }
            guard let coefficient = table.coefficient(region, age) else {
                complete = false
                share.note = "no coefficient for \(region.rawValue), \(age.rawValue) in \(table.source)"
                return share
            }
            var converted = dlp
            var said: [String] = []
            if let phantom = event.phantom, phantom != coefficient.phantom {
                converted = PhantomNormalization.convert(dlp, from: phantom, to: coefficient.phantom)
                said.append("DLP on \(phantom.rawValue) converted to \(coefficient.phantom.rawValue) (×\(phantom == .body32Centimeter ? "" : "1/")\(PhantomNormalization.headToBodyPhantomRatio))")
            } else if event.phantom == nil {
                said.append("phantom unknown: taken as \(coefficient.phantom.rawValue)")
            }
            if event.dlpIsLowerBound {
                said.append("DLP from image headers: a lower bound")
                lowerBound = true
            }
            share.note = said.isEmpty ? nil : said.joined(separator: "; ")
            share.millisievertsPerMilligrayCentimeter = coefficient.millisievertsPerMilligrayCentimeter
            share.dlpMilligrayCentimeters = converted
            share.millisieverts = converted * coefficient.millisievertsPerMilligrayCentimeter
            return share
        }
        let valued = shares.compactMap(\.millisieverts)
        if valued.isEmpty { complete = false }
        if !complete { notes.append(valued.isEmpty ? "no event with a DLP and a region" : "not every event with a DLP has a region and coefficient") }
        if complete, lowerBound { notes.append("a lower bound: DLP from image headers") }
        return EffectiveDoseEstimate(
            millisieverts: complete ? valued.reduce(0, +) : nil, age: age, source: table.source, events: shares, notes: notes)
    }

    /// "AAPM Report 96 (ICRP 60), adult; chest k=0.014; abdomenPelvis k=0.015; …" for a CSV cell.
    public var methodText: String {
        var seen: [String] = []
        for share in events {
            guard let region = share.region, let k = share.millisievertsPerMilligrayCentimeter else { continue }
            let text = "\(region.rawValue) k=\(k)"
            if !seen.contains(text) { seen.append(text) }
        }
        return (["\(source), \(age.rawValue)"] + seen + notes).joined(separator: "; ")
    }
}
