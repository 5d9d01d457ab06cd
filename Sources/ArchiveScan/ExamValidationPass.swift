import DoseModel
import DoseValidation

/// Cross-checks every exam (dose report vs itself, vs image headers, vs ctdose's own size).
enum ExamValidationPass {
    static func findings(for exam: Exam, reports: [DoseReport], images: [String: [CTImageHeader]],
                         measurements: [SeriesMeasurement], settings: ValidationSettings) -> [Finding] {
        let facts = exam.series.compactMap { images[$0.seriesInstanceUID].flatMap(SeriesAcquisitionFacts.init(summarizing:)) }
        let sizes = measurements.map {
            MeasuredSize(seriesInstanceUID: $0.seriesInstanceUID,
                         waterEquivalentDiameterCentimeters: $0.meanWaterEquivalentDiameterCentimeters ?? $0.midScan?.waterEquivalent,
                         ssdeMilligray: $0.ssdeMilligray, verticalOffCentreMillimeters: $0.centring?.meanVerticalOffsetMillimeters)
        }
        return DoseValidator.validate(exam, reports: reports, seriesFacts: facts, measuredSizes: sizes, settings: settings)
    }
}
