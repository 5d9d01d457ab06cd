/// Documentation of every finding code with the tolerance the given settings apply (README-findings.md is
/// this table for the default settings).
public enum FindingCatalog {
    /// The tolerance or threshold a code uses, in words.
    public static func tolerance(of code: FindingCode, settings s: ValidationSettings = ValidationSettings()) -> String {
        let p = QuantityText.percent
        switch code {
        case .rdsrTotalMismatch:
            return Tolerance.text(relative: s.totalDLPRelativeTolerance, absolute: s.totalDLPAbsoluteToleranceMilligrayCentimeters,
                                  unit: QuantityText.milligrayCentimeters)
        case .reportsDisagreeOnEvent: return p(s.reportAgreementRelativeTolerance)
        case .doseScreenTextMismatch: return "half a unit of the last digit printed in the text (the text must be a rounding)"
        case .eventDLPMismatch:
            return Tolerance.text(relative: s.eventDLPRelativeTolerance, absolute: s.eventDLPAbsoluteToleranceMilligrayCentimeters,
                                  unit: QuantityText.milligrayCentimeters)
                + "; spiral also CTDIvol × " + QuantityText.millimeters(s.spiralOverrangingAllowanceMillimeters)
                + " (overranging); sequenced also passes as CTDIvol × total collimation (cine)"
        case .seriesCTDIvolMismatch: return p(s.seriesCTDIvolRelativeTolerance)
        case .seriesKVPMismatch: return "±" + QuantityText.kilovolts(s.kvpToleranceKilovolts)
        case .seriesTubeCurrentMismatch: return p(s.tubeCurrentRelativeTolerance)
        case .seriesPitchMismatch: return "±" + QuantityText.ratio(s.pitchFactorTolerance)
        case .seriesCollimationMismatch: return "±" + QuantityText.millimeters(s.totalCollimationToleranceMillimeters)
        case .seriesLongerThanScan: return "+" + QuantityText.millimeters(s.scanRangeToleranceMillimeters) + " beyond the Scanning Length"
        case .scanLongerThanImages:
            return "more than the larger of " + QuantityText.millimeters(s.spiralOverrangingAllowanceMillimeters) + " and "
                + QuantityText.number(s.overrangingTableFeeds, decimals: 1) + " table feeds (collimation × pitch) beyond the images (over-ranging; ctdose's choice, unconfirmed)"
        case .mixedPhantomsSummed, .mixedPhantomsMinor:
            return "minority phantom DLP share ≥ / < " + QuantityText.number(s.mixedPhantomMinorDLPFraction * 100, decimals: 1) + " %"
        case .vendorDwMismatch, .vendorSSDEMismatch: return p(s.vendorSizeRelativeTolerance)
        case .patientOffCentre: return "more than " + QuantityText.millimeters(s.offCentreLimitMillimeters) + " above or below the isocentre (ctdose's choice, unconfirmed)"
        case .ctdiVolAboveNotificationValue:
            return "above the category's value (AAPM 2011 defaults, unverified: adult head 80, adult torso 50, brain perfusion 600, "
                + "cardiac retrospective 150 / prospective 50, paediatric head <2 y 50, 2–5 y 60, paediatric torso <10 y 20 (16 cm) / 10 (32 cm) mGy)"
        case .dlpAboveNotificationValue: return "above the category's configured DLP value (none by default)"
        case .ctdiVolAboveAlertValue, .accumulatedCTDIvolAboveAlertValue:
            return s.ctdiVolAlertValueMilligray.map { "above " + QuantityText.milligray($0) + " (AAPM 2011, unverified)" } ?? "disabled"
        case .scannerDoseNotification, .scannerDoseAlert: return "as recorded by the scanner"
        case .reportPatientMismatch: return "exact, each attribute compared when both give it"
        case .patientPossiblyPregnant: return "Pregnancy Status 2 (possibly pregnant) or 3 (definitely pregnant)"
        case .eventWithoutDLP, .seriesWithoutEvent, .eventWithoutImages, .noImagesForDoseReport,
             .headScanOnBodyPhantom, .bodyScanOnHeadPhantom:
            return "–"
        }
    }

    /// A Markdown table: code, severity, meaning, tolerance.
    public static func markdownTable(settings: ValidationSettings = ValidationSettings()) -> String {
        var lines = ["| Code | Severity | Meaning | Tolerance / threshold |", "|---|---|---|---|"]
        for code in FindingCode.allCases {
            let cells = [code.rawValue, settings.severity(of: code).rawValue, code.meaning, tolerance(of: code, settings: settings)]
            lines.append("| " + cells.map { $0.replacing("|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
