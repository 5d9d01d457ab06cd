import DoseModel
import PixelAnalysis

/// series.csv: one row per measured series, with everything its size and noise came from: why it was
/// chosen, its kernel and thickness, the five mid-scan diameters side by side (the size study, arXiv
/// 2503.06644), the mean Dw, the method the measure uses, truncation, the localizer fallback, the global
/// noise, SSDE and centring. The same values as exams.jsonl `seriesMeasurements`, flat for a spreadsheet.
enum SeriesCSV {
    static let columns = [
        "studyInstanceUID", "seriesInstanceUID", "irradiationEventUID", "convolutionKernel", "sliceThickness_mm", "imageCount",
        "analysedSliceCount", "sliceSelection", "sizeMethod", "midScanZ_mm", "midScanSopInstanceUID", "midScanTruncated",
        "midScanTruncatedOutlineFraction", "truncatedSliceCount", "midScanWaterEquivalentDiameter_cm", "midScanAreaEquivalentDiameter_cm",
        "midScanLateralConversion_cm", "midScanGeometricMeanApLateral_cm", "midScanArithmeticMeanApLateral_cm", "midScanAp_cm",
        "midScanLateral_cm", "meanWaterEquivalentDiameter_cm", "localizerProjection", "localizerWidth_cm", "localizerEffectiveDiameter_cm",
        "localizerWaterEquivalentDiameter_cm", "localizerMethod", "globalNoise_hu", "airNoise_hu", "noiseMethod", "ssde_mGy",
        "meanSsdeOfSlices_mGy", "ssdeNote", "verticalOffCentre_mm", "lateralOffCentre_mm", "centringMethod", "choice", "problems",
    ]

    /// One exam's measured series, in the order they were measured.
    static func rows(_ record: ExamRecord) -> [[String?]] {
        record.seriesMeasurements.map { m in
            let summary = record.series.first { $0.seriesInstanceUID == m.seriesInstanceUID }
            let mid = m.midScan, localizer = m.localizer
            let decimal = { (value: Double?) in value.map(CSVTable.decimal) }
            return [
                record.studyInstanceUID, m.seriesInstanceUID, m.irradiationEventUID, summary?.convolutionKernel,
                summary?.sliceThicknessMillimeters.map(CSVTable.number), "\(m.imageCount)", "\(m.analysedSliceCount)", m.sliceSelection,
                m.sizeMethod, m.midScanZMillimeters.map(CSVTable.number), m.midScanSOPInstanceUID, m.midScanTruncated.map { $0 ? "true" : "false" },
                decimal(m.midScanTruncatedOutlineFraction), "\(m.truncatedSliceCount)", decimal(mid?.waterEquivalent),
                decimal(mid?.areaEquivalent), decimal(mid?.lateralConversion), decimal(mid?.geometricMeanAPLateral),
                decimal(mid?.arithmeticMeanAPLateral), decimal(mid?.apCentimeters), decimal(mid?.lateralCentimeters),
                decimal(m.meanWaterEquivalentDiameterCentimeters), localizer?.projection.rawValue, decimal(localizer?.widthCentimeters),
                decimal(localizer?.effectiveDiameterCentimeters), decimal(localizer?.waterEquivalentDiameterCentimeters), localizer?.method,
                decimal(m.globalNoiseTissueHounsfield), decimal(m.globalNoiseAirHounsfield), m.noiseMethod, decimal(m.ssdeMilligray),
                decimal(m.meanSSDEOfSlicesMilligray), m.ssdeNote, decimal(m.centring?.meanVerticalOffsetMillimeters),
                decimal(m.centring?.meanLateralOffsetMillimeters), m.centringMethod, m.choice, m.problems.joined(separator: "; "),
            ]
        }
    }
}
