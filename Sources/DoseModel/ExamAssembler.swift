/// Groups image headers and dose reports into exams by Study Instance UID; merges cumulative and
/// continued reports by Irradiation Event UID so that no event counts twice; links image series to
/// events by Irradiation Event UID, falling back to acquisition time.
public enum ExamAssembler {
    /// `policy` names each event's diagnostic axial series (`ctdose scan --soft-tissue-kernels` …).
    public static func assemble(images: [CTImageHeader], reports: [DoseReport], policy: DiagnosticSeriesPolicy = DiagnosticSeriesPolicy()) -> [Exam] {
        let imagesByStudy = Dictionary(grouping: images, by: \.studyInstanceUID)
        let reportsByStudy = Dictionary(grouping: reports, by: \.studyInstanceUID)
        let studies = Set(imagesByStudy.keys).union(reportsByStudy.keys).sorted()
        return studies.map { assembleStudy($0, images: imagesByStudy[$0] ?? [], reports: reportsByStudy[$0] ?? [], policy: policy) }
    }

    static func assembleStudy(_ studyUID: String, images: [CTImageHeader], reports: [DoseReport], policy: DiagnosticSeriesPolicy) -> Exam {
        var problems: [String] = []
        // Exact duplicates (the same SOP Instance UID received twice) are read once.
        var seenReports = Set<String>()
        let distinctReports = reports.filter { seenReports.insert($0.sopInstanceUID).inserted }
        if distinctReports.count < reports.count {
            problems.append("\(reports.count - distinctReports.count) duplicate dose report instance(s) ignored")
        }
        var seenImages = Set<String>()
        let distinctImages = images.filter { seenImages.insert($0.sopInstanceUID + "#\($0.frameNumber ?? 0)").inserted }

        // Structured reports take precedence over dose screens; the largest (latest cumulative) first.
        let structured = distinctReports.filter { $0.kind != .philipsDoseInfo }
        let screens = distinctReports.filter { $0.kind == .philipsDoseInfo }
        let sources = (structured.isEmpty ? screens : structured).sorted {
            ($0.events.count, $0.contentDateTime ?? "") > ($1.events.count, $1.contentDateTime ?? "")
        }
        if !structured.isEmpty && !screens.isEmpty {
            problems.append("dose screen(s) \(screens.map(\.sopInstanceUID).joined(separator: ", ")) not used: a structured dose report is present")
        }
        var events: [ExamEvent] = []
        var indexByUID: [String: Int] = [:]
        for report in sources {
            for (position, event) in report.events.enumerated() {
                guard let uid = event.irradiationEventUID else {
                    events.append(ExamEvent(event: event, reportedBy: [report.sopInstanceUID], seriesUIDs: []))
                    if sources.count > 1 {
                        problems.append("event \(position + 1) of report \(report.sopInstanceUID) has no Irradiation Event UID and cannot be de-duplicated")
                    }
                    continue
                }
                if let existing = indexByUID[uid] {
                    events[existing].reportedBy.append(report.sopInstanceUID)
                    let kept = events[existing].event
                    if !same(kept.dlpMilligrayCentimeters, event.dlpMilligrayCentimeters)
                        || !same(kept.ctdiVolMilligray, event.ctdiVolMilligray) {
                        problems.append("reports disagree on event \(uid): DLP \(text(kept.dlpMilligrayCentimeters)) vs \(text(event.dlpMilligrayCentimeters)), CTDIvol \(text(kept.ctdiVolMilligray)) vs \(text(event.ctdiVolMilligray)); the first is kept")
                    }
                } else {
                    indexByUID[uid] = events.count
                    events.append(ExamEvent(event: event, reportedBy: [report.sopInstanceUID], seriesUIDs: []))
                }
            }
        }
        var series = SeriesSummarizer.summarize(distinctImages)
        SeriesEventLinker.link(&series, to: &events, policy: policy)

        let first = distinctImages.first
        let firstReport = sources.first
        // Without images, the patient and study as the (first such) dose report gives them.
        let reported = first == nil ? sources.lazy.compactMap(\.reportedStudy).first : nil
        var exam = Exam(
            studyInstanceUID: studyUID, patient: first?.patient ?? reported?.patient ?? PatientAttributes(),
            studyDate: first?.studyDate ?? reported?.studyDate, studyTime: first?.studyTime ?? reported?.studyTime,
            studyDescription: first?.studyDescription ?? reported?.studyDescription,
            requestedProcedureDescription: first?.requestedProcedureDescription, bodyPartExamined: first?.bodyPartExamined,
            protocolNames: orderedUnique(distinctImages.compactMap(\.protocolName) + events.compactMap(\.event.acquisitionProtocol)),
            equipment: firstReport?.equipment ?? first?.equipment, events: events,
            doseReports: distinctReports.map {
                DoseReportSummary(sopInstanceUID: $0.sopInstanceUID, kind: $0.kind, eventCount: $0.events.count,
                                  reportedDLPTotals: $0.reportedDLPTotals, readingNotes: $0.readingNotes)
            },
            series: series, doseSource: sources.isEmpty ? nil : (structured.isEmpty ? .doseInfoScreen : .doseReport),
            problems: problems)
        if sources.isEmpty {
            let derived = ImageDerivedDose.events(from: distinctImages)
            if derived.isEmpty {
                exam.problems.append("no dose report for this study, and no image header carries CTDIvol")
            } else {
                exam.events = derived.map { ExamEvent(event: $0, reportedBy: [], seriesUIDs: []) }
                SeriesEventLinker.link(&exam.series, to: &exam.events, policy: policy)
                exam.doseSource = .computedFromImageAttributes
                exam.problems.append("no dose report for this study: \(derived.count) event(s) computed from image attributes (DCM 113867)")
            }
        }
        if exam.studyDate == nil, let date = firstReport?.contentDateTime { exam.studyDate = String(date.prefix(8)) }
        // Any of the study's objects may say its subject is not a patient (a phantom's dose report
        // beside images whose names were left blank).
        exam.patient.nonPatientIndication = exam.patient.nonPatientIndication
            ?? distinctImages.lazy.compactMap(\.patient.nonPatientIndication).first
            ?? sources.lazy.compactMap { $0.reportedStudy?.patient.nonPatientIndication }.first
        exam.patient.pregnancyStatus = exam.patient.pregnancyStatus
            ?? sources.lazy.compactMap { $0.reportedStudy?.patient.pregnancyStatus }.first
        return exam
    }

    private static func same(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case let (x?, y?): return abs(x - y) <= 0.005 * max(1, abs(x))
        case (nil, nil): return true
        default: return false
        }
    }

    private static func text(_ value: Double?) -> String { value.map { "\($0)" } ?? "absent" }
}

func orderedUnique(_ values: [String]) -> [String] {
    var seen = Set<String>()
    return values.filter { seen.insert($0).inserted }
}
