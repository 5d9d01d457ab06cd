extension ProtocolChange {
    /// What counts as a change (ctdose's choices [U]; `--change-…` options).
    public struct Settings: Sendable, Equatable {
        /// Events a month needs for its technique to count, and for its levels.
        public var techniqueMinimumEvents = 5
        public var levelMinimumEvents = 10
        /// A month's technique is the value at least this share of its events (that record one) used: a
        /// clear majority, so that a protocol whose kV the scanner chooses per patient (about as many
        /// events at 100 as at 120 kV) does not flip from month to month.
        public var majority = 0.75
        /// A level's change is this ratio or more, either way: 1.25 for CTDIvol; 1.15 for the noise,
        /// about what a change of dose by 1.25 gives through noise ∝ 1/√dose.
        public var ctdiVolRatio = 1.25
        public var noiseRatio = 1.15
        /// …and the two months' values differ at this two-sided significance (Mann–Whitney U), so that
        /// the spread of a few patients is not read as a change.
        public var significance = 0.01
        /// Where a scanner stopped and started several protocols together, a stopped and a started one
        /// are taken for one renamed only when their names are at least this alike (`ProtocolNameSimilarity`:
        /// "Chest" and "Chest Routine" 0.6, "Head" and "Chest Routine" 0.11) [U].
        public var renameNameSimilarity = 0.5

        public init() {}

        func ratio(of setting: Setting) -> Double? {
            switch setting {
            case .ctdiVolLevel: ctdiVolRatio
            case .noiseLevel: noiseRatio
            default: nil
            }
        }
    }
}

/// `--change-ctdivol-ratio`, `--change-noise-ratio`, `--change-significance`, `--change-minimum-events`,
/// `--change-majority`, `--change-rename-similarity`:
/// what protocol-changes.csv counts as a change; stored with each scan, so that `ctdose export` and
/// `ctdose report` use the scan's unless told otherwise.
public struct ProtocolChangeOptions: Sendable, Codable, Equatable {
    public var ctdiVolRatio: Double?
    public var noiseRatio: Double?
    public var significance: Double?
    /// "TECHNIQUE:LEVEL" events a month needs ("5:10").
    public var minimumEvents: String?
    public var majority: Double?
    public var renameSimilarity: Double?

    public init(ctdiVolRatio: Double? = nil, noiseRatio: Double? = nil, significance: Double? = nil, minimumEvents: String? = nil,
                majority: Double? = nil, renameSimilarity: Double? = nil) {
        self.ctdiVolRatio = ctdiVolRatio
        self.noiseRatio = noiseRatio
        self.significance = significance
        self.minimumEvents = minimumEvents
        self.majority = majority
        self.renameSimilarity = renameSimilarity
    }

    func filled(from stored: ProtocolChangeOptions?) -> ProtocolChangeOptions {
        guard let stored else { return self }
        return ProtocolChangeOptions(ctdiVolRatio: ctdiVolRatio ?? stored.ctdiVolRatio, noiseRatio: noiseRatio ?? stored.noiseRatio,
                                     significance: significance ?? stored.significance, minimumEvents: minimumEvents ?? stored.minimumEvents,
                                     majority: majority ?? stored.majority, renameSimilarity: renameSimilarity ?? stored.renameSimilarity)
    }

    /// The settings, each option checked.
    public func settings() throws -> ProtocolChange.Settings {
        var settings = ProtocolChange.Settings()
        for (name, value, keyPath) in [("--change-ctdivol-ratio", ctdiVolRatio, \ProtocolChange.Settings.ctdiVolRatio),
                                       ("--change-noise-ratio", noiseRatio, \ProtocolChange.Settings.noiseRatio)] {
            guard let value else { continue }
            guard value.isFinite, value > 1 else { throw InvalidOption(text: "\(name) \(value): give a ratio above 1 (1.25: a change of 25 % either way)") }
            settings[keyPath: keyPath] = value
        }
        if let significance {
            guard significance > 0, significance <= 1 else { throw InvalidOption(text: "--change-significance \(significance): give a p-value above 0, at most 1") }
            settings.significance = significance
        }
        if let majority {
            guard majority > 0.5, majority <= 1 else { throw InvalidOption(text: "--change-majority \(majority): give a share above 0.5, at most 1") }
            settings.majority = majority
        }
        if let renameSimilarity {
            guard renameSimilarity > 0, renameSimilarity <= 1 else {
                throw InvalidOption(text: "--change-rename-similarity \(renameSimilarity): give a share above 0, at most 1 (1: names alike but for case and punctuation)")
            }
            settings.renameNameSimilarity = renameSimilarity
        }
        if let minimumEvents {
            let parts = minimumEvents.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let technique = parts[0], let level = parts[1], technique >= 1, level >= 2 else {
                throw InvalidOption(text: "--change-minimum-events \(minimumEvents): give TECHNIQUE:LEVEL events a month, such as 5:10 (at least 1 and 2)")
            }
            settings.techniqueMinimumEvents = technique
            settings.levelMinimumEvents = level
        }
        return settings
    }
}
