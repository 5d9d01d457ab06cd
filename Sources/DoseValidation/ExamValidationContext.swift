import DoseModel

/// One exam with its inputs indexed for the rules, and the factory that stamps findings with the exam,
/// severity (after overrides) and the event / series they concern.
struct ExamValidationContext {
    let exam: Exam
    let settings: ValidationSettings
    let seriesByUID: [String: SeriesSummary]
    let factsBySeriesUID: [String: SeriesAcquisitionFacts]
    let sizeBySeriesUID: [String: MeasuredSize]
    /// The study's full dose reports when the integrator supplied them, by SOP Instance UID.
    let reportsBySOP: [String: DoseReport]
    /// The settings' anatomy keywords, uppercased once for all exams (see `AnatomyClassifier.of`).
    let anatomy: AnatomyClassifier

    init(_ input: ExamValidationInput, settings: ValidationSettings) {
        exam = input.exam
        self.settings = settings
        seriesByUID = Dictionary(input.exam.series.map { ($0.seriesInstanceUID, $0) }, uniquingKeysWith: { a, _ in a })
        factsBySeriesUID = Dictionary(input.seriesFacts.map { ($0.seriesInstanceUID, $0) }, uniquingKeysWith: { a, _ in a })
        sizeBySeriesUID = Dictionary(input.measuredSizes.map { ($0.seriesInstanceUID, $0) }, uniquingKeysWith: { a, _ in a })
        reportsBySOP = Dictionary(
            input.reports.filter { $0.studyInstanceUID == input.exam.studyInstanceUID }.map { ($0.sopInstanceUID, $0) },
            uniquingKeysWith: { a, _ in a })
        anatomy = AnatomyClassifier.of(settings)
    }

    /// The table the event's linked axial series cover together (each from its first to its last image
    /// position ± half a slice thickness), as disjoint z ranges (mm) in order, and how many series.
    func imageCoverage(ofEvent index: Int) -> (ranges: [ClosedRange<Double>], seriesCount: Int) {
        let covered: [ClosedRange<Double>] = Set(exam.events[index].seriesUIDs).compactMap { uid in
            guard let series = seriesByUID[uid], !series.isLocalizer, series.isAxial, let z = series.zRangeMillimeters else { return nil }
            // A stored thickness that is not above 0 (read by ctdose before 0.12) counts as none.
            let half = max(0, series.sliceThicknessMillimeters ?? 0) / 2
            return (z.lowerBound - half)...(z.upperBound + half)
        }.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<Double>] = []
        for range in covered {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return (merged, covered.count)
    }

    /// A finding about the exam, a report, an event (by index into `exam.events`) and/or a series.
    func finding(_ code: FindingCode, event index: Int? = nil, series: String? = nil, report: String? = nil,
                 message: String, expected: String? = nil, actual: String? = nil, tolerance: String? = nil,
                 reference: String? = nil) -> Finding {
        Finding(studyInstanceUID: exam.studyInstanceUID, code: code, severity: settings.severity(of: code),
                reportSOPInstanceUID: report, irradiationEventUID: index.flatMap { exam.events[$0].event.irradiationEventUID },
                eventNumber: index.map { $0 + 1 }, seriesInstanceUID: series, message: message, expected: expected,
                actual: actual, tolerance: tolerance, reference: reference)
    }

    /// "event #3 (spiral, 'Abdomen')" for messages.
    func describeEvent(_ index: Int) -> String {
        let event = exam.events[index].event
        var text = "event #\(index + 1) (\(event.acquisitionType.rawValue)"
        if let name = event.acquisitionProtocol ?? event.label { text += ", '\(name)'" }
        return text + ")"
    }

    /// "series 4 'Abdomen 5mm'" or the UID when the series has no number.
    func describeSeries(_ uid: String) -> String {
        guard let series = seriesByUID[uid] else { return "series \(uid)" }
        var text = "series " + (series.seriesNumber.map(String.init) ?? uid)
        if let description = series.seriesDescription { text += " '\(description)'" }
        return text
    }
}
