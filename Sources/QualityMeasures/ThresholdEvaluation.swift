import CSVFormat
import Foundation

/// Verdict of one exam (or patient) against the measure.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    case inRange, outOfRange, excluded, notEvaluable
}

/// Machine-readable reason behind a verdict.
public enum VerdictReason: String, Sendable, Codable, CaseIterable {
    case withinThresholds
    case exceedsThreshold
    /// Denominator exclusion (LA31771-1).
    case fullBody
    case outsideMeasurementPeriod
    case underAge
    case ageUnknown
    /// A QA phantom or test patient (`MeasureExamInput.nonPatientReason`).
    case notAPatient
    case uncategorized
    case unknownCategory
    case missingNoise
    case missingSizeAdjustedDose
    case missingNoiseAndSizeAdjustedDose

    public var verdict: Verdict {
        switch self {
        case .withinThresholds: return .inRange
        case .exceedsThreshold: return .outOfRange
        case .fullBody, .outsideMeasurementPeriod, .underAge, .ageUnknown, .notAPatient: return .excluded
        case .uncategorized, .unknownCategory, .missingNoise, .missingSizeAdjustedDose, .missingNoiseAndSizeAdjustedDose:
            return .notEvaluable
        }
    }

    /// True for exams in the initial population (a patient, adult, scanned in the period).
    public var inInitialPopulation: Bool {
        self != .outsideMeasurementPeriod && self != .underAge && self != .ageUnknown && self != .notAPatient
    }
}

/// The threshold test of the measures: out of range when noise ≥ N or SAD ≥ D (both ≥; cms1074.md §2.5 [C]).
public enum ThresholdEvaluation {
    public struct Outcome: Sendable, Codable, Hashable {
        public var reason: VerdictReason
        public var text: String
        public var noiseOutOfRange: Bool?
        public var sadOutOfRange: Bool?
        public var verdict: Verdict { reason.verdict }
    }

    public static func evaluate(
        noiseHounsfield: Double?, sizeAdjustedDoseMilligrayCentimeters: Double?, category: DoseCategory
    ) -> Outcome {
        if category.isFullBody {
            return Outcome(reason: .fullBody, text: "Full Body (\(category.loincAnswerCode)) is a denominator exclusion", noiseOutOfRange: nil, sadOutOfRange: nil)
        }
        guard let noiseLimit = category.noiseThresholdHounsfield, let sadLimit = category.sadThresholdMilligrayCentimeters else {
            return Outcome(reason: .unknownCategory, text: "category \(category.id) has no thresholds", noiseOutOfRange: nil, sadOutOfRange: nil)
        }
        switch (noiseHounsfield, sizeAdjustedDoseMilligrayCentimeters) {
        case (nil, nil):
            return Outcome(reason: .missingNoiseAndSizeAdjustedDose, text: "global noise and size-adjusted dose missing", noiseOutOfRange: nil, sadOutOfRange: nil)
        case (nil, _):
            return Outcome(reason: .missingNoise, text: "global noise missing", noiseOutOfRange: nil, sadOutOfRange: nil)
        case (_, nil):
            return Outcome(reason: .missingSizeAdjustedDose, text: "size-adjusted dose missing", noiseOutOfRange: nil, sadOutOfRange: nil)
        case (let noise?, let sad?):
            let noiseOut = noise >= noiseLimit
            let sadOut = sad >= sadLimit
            let noiseText = "noise \(format(noise)) HU \(noiseOut ? ">=" : "<") \(format(noiseLimit)) HU"
            let sadText = "SAD \(format(sad)) mGy.cm \(sadOut ? ">=" : "<") \(format(sadLimit)) mGy.cm"
            return Outcome(
                reason: noiseOut || sadOut ? .exceedsThreshold : .withinThresholds, text: "\(noiseText); \(sadText)",
                noiseOutOfRange: noiseOut, sadOutOfRange: sadOut)
        }
    }

    static func format(_ value: Double) -> String {
        // Whole numbers without decimals; |value| < 1e15 keeps Int(_:) from trapping on a corrupt 1e300.
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : FixedDecimal.text(value, places: 2)
    }
}
