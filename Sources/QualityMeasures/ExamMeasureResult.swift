import DosePhysics
import Foundation

/// The measure result of one exam, with every input and intermediate value kept for audit and recomputation.
public struct ExamMeasureResult: Sendable, Codable, Equatable {
    public var studyInstanceUID: String
    public var patientPseudonym: String
    public var scanDateTime: ScanDateTime
    public var scanner: String?
    public var setting: CareSetting?
    public var period: MeasurementPeriod
    public var measureVersion: MeasureVersion
    public var assignment: CategoryAssignment
    /// The resolved category; `nil` when uncategorized or the id is not in the catalog.
    public var category: DoseCategory?
    public var age: AgeDetermination
    public var sizeAdjustedDose: SizeAdjustedDoseResult?
    public var sizeAdjustedDoseFailure: String?
    public var noise: GlobalNoiseInput?
    /// Auxiliary SSDE (not part of the measure).
    public var ssde: ExamSSDE?
    public var ssdeAnatomy: ScannedAnatomy
    /// Effective dose from DLP and region coefficients (not part of the measure); nil in results stored
    /// before it existed.
    public var effectiveDose: EffectiveDoseEstimate?
    public var verdict: Verdict
    public var reason: VerdictReason
    public var reasonText: String
    public var noiseOutOfRange: Bool?
    public var sadOutOfRange: Bool?
    /// The inputs, so that SAD can be recomputed with other choices.
    public var input: MeasureExamInput
}

/// Evaluates single exams.
public struct ExamEvaluator {
    public let configuration: MeasureConfiguration
    private let assigner: CategoryAssigner

    public init(configuration: MeasureConfiguration) throws {
        self.configuration = configuration
        self.assigner = try CategoryAssigner(rules: configuration.rules)
    }

    public func period(for exam: MeasureExamInput) -> MeasurementPeriod {
        configuration.measurementPeriod ?? .year(exam.scanDateTime.date.year)
    }

    public func version(for period: MeasurementPeriod) -> MeasureVersion {
        configuration.measureVersion ?? configuration.catalog.version(forYear: period.start.year) ?? .v2025
    }

    /// SAD for a category with explicit choices (used by the main evaluation and the sensitivity analysis).
    public func sizeAdjustedDose(
        _ exam: MeasureExamInput, category: DoseCategory, dlpDefinition: DLPDefinition, diameterMethod: DiameterMethod
    ) -> Result<SizeAdjustedDoseResult, SADUnavailable> {
        guard let coefficients = configuration.sizeAdjustment.coefficients(for: category.sizeAdjustmentRegion) else {
            return .failure(SADUnavailable(reason: "no size-adjustment coefficients for region \(category.sizeAdjustmentRegion)"))
        }
        return SizeAdjustedDoseCalculator.compute(
            dose: exam.dose, size: exam.size, coefficients: coefficients, dlpDefinition: dlpDefinition, diameterMethod: diameterMethod)
    }

    /// Auxiliary exam SSDE from diagnostic events (localizers and monitoring excluded) and the SSDE diameter:
    /// Dw when available, else √(AP·LAT) (AAPM 204 effective diameter), same fallback order as SAD.
    public func ssde(_ exam: MeasureExamInput, anatomy: ScannedAnatomy) -> ExamSSDE? {
        let diameter = SizeAdjustedDoseCalculator.diameter(exam.size, method: .waterEquivalent)
            ?? SizeAdjustedDoseCalculator.diameter(exam.size, method: .geometricMeanAPLateral)
        guard let diameter else { return nil }
        let events = exam.dose.events.filter { $0.acquisitionType != .constantAngle && $0.acquisitionType != .stationary }
            .compactMap { event -> SSDEEventInput? in
                guard let ctdi = event.ctdiVolMilligray else { return nil }
                return SSDEEventInput(
                    eventIdentifier: event.eventUID, seriesKey: event.seriesKey, ctdiVolMilligray: ctdi, phantom: event.phantom,
                    diameterCentimeters: diameter.value, scanningLengthCentimeters: event.scanningLengthCentimeters,
                    dlpMilligrayCentimeters: event.dlpMilligrayCentimeters)
            }
        guard !events.isEmpty else { return nil }
        return ExamSSDE.compute(events: events, anatomy: anatomy, options: configuration.ssdeOptions)
    }

    public func evaluate(_ exam: MeasureExamInput) -> ExamMeasureResult {
        let period = period(for: exam)
        let version = version(for: period)
        let assignment = assigner.assign(exam.descriptors, override: exam.categoryOverride)
        let category = assignment.categoryId.flatMap { configuration.catalog.category($0, version: version) }
        let anatomy: ScannedAnatomy = category?.ssdeAnatomy == "head" ? .head : .body
        let age = AgeDetermination.determine(patient: exam.patient, scanDate: exam.scanDateTime.date, period: period)
        var result = ExamMeasureResult(
            studyInstanceUID: exam.studyInstanceUID, patientPseudonym: exam.patient.pseudonym, scanDateTime: exam.scanDateTime,
            scanner: exam.scanner, setting: configuration.careSettings.settings[exam.studyInstanceUID], period: period,
            measureVersion: version, assignment: assignment, category: category, age: age, sizeAdjustedDose: nil,
            sizeAdjustedDoseFailure: nil, noise: exam.noise, ssde: ssde(exam, anatomy: anatomy), ssdeAnatomy: anatomy,
            effectiveDose: EffectiveDoseRegions.estimate(
                exam, assigner: assigner, assignment: assignment, category: category, table: configuration.effectiveDoseCoefficients),
            verdict: .notEvaluable, reason: .uncategorized, reasonText: "", noiseOutOfRange: nil, sadOutOfRange: nil, input: exam)
        if let category {
            switch sizeAdjustedDose(exam, category: category, dlpDefinition: configuration.dlpDefinition, diameterMethod: configuration.diameterMethod) {
            case .success(let sad): result.sizeAdjustedDose = sad
            case .failure(let failure): result.sizeAdjustedDoseFailure = failure.reason
            }
        }
        func finish(_ reason: VerdictReason, _ text: String) -> ExamMeasureResult {
            result.reason = reason
            result.verdict = reason.verdict
            result.reasonText = text
            return result
        }
        if let reason = exam.nonPatientReason { return finish(.notAPatient, "not a patient: \(reason)") }
        guard period.contains(exam.scanDateTime.date) else {
            return finish(.outsideMeasurementPeriod, "scan date \(exam.scanDateTime.date) outside measurement period \(period)")
        }
        guard let isAdult = age.isAdult else { return finish(.ageUnknown, "age unknown: \(age.note)") }
        guard isAdult else { return finish(.underAge, "under 18 at the start of the measurement period: \(age.note)") }
        guard let category else {
            switch assignment.outcome {
            case .uncategorized(let reason): return finish(.uncategorized, "uncategorized: \(reason)")
            case .assigned(let id): return finish(.unknownCategory, "category '\(id)' not in the \(version) catalog")
            }
        }
        var outcome = ThresholdEvaluation.evaluate(
            noiseHounsfield: exam.noise?.valueHounsfield,
            sizeAdjustedDoseMilligrayCentimeters: result.sizeAdjustedDose?.sizeAdjustedDoseMilligrayCentimeters, category: category)
        if let failure = result.sizeAdjustedDoseFailure, outcome.reason == .missingSizeAdjustedDose || outcome.reason == .missingNoiseAndSizeAdjustedDose {
            outcome.text += " (\(failure))"
        }
        result.noiseOutOfRange = outcome.noiseOutOfRange
        result.sadOutOfRange = outcome.sadOutOfRange
        return finish(outcome.reason, outcome.text)
    }
}
