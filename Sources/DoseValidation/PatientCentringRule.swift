import DoseModel

/// PATIENT_OFF_CENTRE: a measured series whose patient lay, on average, further above or below the
/// isocentre than `ValidationSettings.offCentreLimitMillimeters`.
enum PatientCentringRule {
    static func check(_ context: ExamValidationContext) -> [Finding] {
        let limit = context.settings.offCentreLimitMillimeters
        return context.exam.series.compactMap { series in
            let uid = series.seriesInstanceUID
            guard let offset = context.sizeBySeriesUID[uid]?.verticalOffCentreMillimeters, abs(offset) > limit else { return nil }
            let index = context.exam.events.firstIndex { $0.seriesUIDs.contains(uid) }
            let side = offset > 0 ? "above" : "below"
            return context.finding(
                .patientOffCentre, event: index, series: uid,
                message: "\(context.describeSeries(uid)): the patient's centre lay \(QuantityText.millimeters(abs(offset))) \(side) the isocentre",
                expected: "within ±" + QuantityText.millimeters(limit), actual: QuantityText.millimeters(offset),
                tolerance: "±" + QuantityText.millimeters(limit))
        }
    }
}
