import DosePhysics
import Foundation

/// Every configurable choice of the measure computation. Defaults are documented in MEASURES-NOTES.md.
public struct MeasureConfiguration: Sendable {
    /// `nil`: each exam is evaluated in the calendar year of its scan date.
    public var measurementPeriod: MeasurementPeriod?
    /// `nil`: the catalog version matching the period's start year (closest earlier version if absent).
    public var measureVersion: MeasureVersion?
    public var dlpDefinition: DLPDefinition
    public var diameterMethod: DiameterMethod
    public var ssdeOptions: SSDEOptions
    public var catalog: CategoryCatalog
    public var sizeAdjustment: SizeAdjustmentTable
    public var rules: CategoryRuleSet
    public var careSettings: CareSettingMapping
    /// Typical values (typical-values.csv): size bands, minimum exams, reference levels.
    public var typicalValues: TypicalValueSettings
    /// DLP-to-effective-dose coefficients (default AAPM Report 96).
    public var effectiveDoseCoefficients: EffectiveDoseCoefficientTable = .aapmReport96
    /// How patient-dose.csv adds up each patient's effective dose.
    public var cumulativeDose = CumulativeDoseSettings()

    public init(
        measurementPeriod: MeasurementPeriod? = nil, measureVersion: MeasureVersion? = nil,
        dlpDefinition: DLPDefinition = .allEvents, diameterMethod: DiameterMethod = .waterEquivalent,
        ssdeOptions: SSDEOptions = SSDEOptions(), catalog: CategoryCatalog, sizeAdjustment: SizeAdjustmentTable,
        rules: CategoryRuleSet, careSettings: CareSettingMapping = CareSettingMapping(),
        typicalValues: TypicalValueSettings = TypicalValueSettings()
    ) {
        self.measurementPeriod = measurementPeriod
        self.measureVersion = measureVersion
        self.dlpDefinition = dlpDefinition
        self.diameterMethod = diameterMethod
        self.ssdeOptions = ssdeOptions
        self.catalog = catalog
        self.sizeAdjustment = sizeAdjustment
        self.rules = rules
        self.careSettings = careSettings
        self.typicalValues = typicalValues
    }

    /// Bundled categories, size-adjustment table and rules; `rulesURL` replaces the default rules file.
    public static func bundledDefaults(rulesURL: URL? = nil) throws -> MeasureConfiguration {
        MeasureConfiguration(
            catalog: try CategoryCatalog.bundled(), sizeAdjustment: try SizeAdjustmentTable.bundled(),
            rules: try rulesURL.map(CategoryRuleSet.load(from:)) ?? CategoryRuleSet.bundled())
    }
}
