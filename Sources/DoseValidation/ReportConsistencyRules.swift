import DoseModel

/// RDSR_TOTAL_MISMATCH, EVENT_WITHOUT_DLP, REPORTS_DISAGREE_ON_EVENT: is each dose report consistent with
/// itself and with the other reports of the study?
enum ReportConsistencyRules {
    static func check(_ context: ExamValidationContext) -> [Finding] {
        totals(context) + eventsWithoutDLP(context) + disagreements(context)
    }

    /// Each 113813 total against the sum of that report's own events' DLP. The report's events are taken from
    /// the full report when supplied, else from the exam's merged events that list the report in `reportedBy`.
    /// A report none of whose events made it into the exam (e.g. a dose screen set aside) is not checked.
    static func totals(_ context: ExamValidationContext) -> [Finding] {
        let settings = context.settings
        var findings: [Finding] = []
        for summary in context.exam.doseReports where !summary.reportedDLPTotals.isEmpty {
            let events: [IrradiationEvent]
            if let report = context.reportsBySOP[summary.sopInstanceUID] {
                events = report.events
            } else {
                events = context.exam.events.filter { $0.reportedBy.contains(summary.sopInstanceUID) }.map(\.event)
                if events.isEmpty && summary.eventCount > 0 { continue }
            }
            let sum = events.compactMap(\.dlpMilligrayCentimeters).reduce(0, +)
            let withoutDLP = events.filter { $0.dlpMilligrayCentimeters == nil }.count
            for total in summary.reportedDLPTotals
            where !Tolerance.within(total, sum, relative: settings.totalDLPRelativeTolerance,
                                    absolute: settings.totalDLPAbsoluteToleranceMilligrayCentimeters) {
                var message = "reported DLP total \(QuantityText.milligrayCentimeters(total)) differs from the sum of the "
                    + "\(events.count) event DLPs of the same report (\(QuantityText.milligrayCentimeters(sum)))"
                if withoutDLP > 0 { message += "; \(withoutDLP) event(s) of the report carry no DLP" }
                findings.append(context.finding(
                    .rdsrTotalMismatch, report: summary.sopInstanceUID, message: message,
                    expected: QuantityText.milligrayCentimeters(sum), actual: QuantityText.milligrayCentimeters(total),
                    tolerance: Tolerance.text(relative: settings.totalDLPRelativeTolerance,
                                              absolute: settings.totalDLPAbsoluteToleranceMilligrayCentimeters,
                                              unit: QuantityText.milligrayCentimeters)))
            }
        }
        return findings
    }

    /// Every event of the exam that has no DLP.
    static func eventsWithoutDLP(_ context: ExamValidationContext) -> [Finding] {
        context.exam.events.indices.compactMap { index in
            let event = context.exam.events[index].event
            guard event.dlpMilligrayCentimeters == nil else { return nil }
            let hint = event.acquisitionType.isLocalizer ? " (some scanners, e.g. GE, write localizers without a CT Dose container)" : ""
            return context.finding(.eventWithoutDLP, event: index,
                                   message: "\(context.describeEvent(index)) has no DLP and adds nothing to the DLP sums\(hint)",
                                   actual: "absent")
        }
    }

    /// Same Irradiation Event UID, different DLP or CTDIvol. Re-derived from the full reports when at least two
    /// were supplied; otherwise read from the "reports disagree on event …" problems the exam assembler wrote.
    static func disagreements(_ context: ExamValidationContext) -> [Finding] {
        context.reportsBySOP.count >= 2 ? derivedDisagreements(context) : recordedDisagreements(context)
    }

    private static func derivedDisagreements(_ context: ExamValidationContext) -> [Finding] {
        let tolerance = context.settings.reportAgreementRelativeTolerance
        var findings: [Finding] = []
        for index in context.exam.events.indices {
            let examEvent = context.exam.events[index]
            guard let uid = examEvent.event.irradiationEventUID, examEvent.reportedBy.count > 1 else { continue }
            let versions = examEvent.reportedBy.compactMap { sop in
                context.reportsBySOP[sop]?.events.first { $0.irradiationEventUID == uid }.map { (sop, $0) }
            }
            guard let (firstSOP, first) = versions.first else { continue }
            for (sop, other) in versions.dropFirst() {
                let dlpDiffers = differs(first.dlpMilligrayCentimeters, other.dlpMilligrayCentimeters, tolerance)
                let ctdiDiffers = differs(first.ctdiVolMilligray, other.ctdiVolMilligray, tolerance)
                guard dlpDiffers || ctdiDiffers else { continue }
                let expected = "DLP \(text(first.dlpMilligrayCentimeters, QuantityText.milligrayCentimeters)), "
                    + "CTDIvol \(text(first.ctdiVolMilligray, QuantityText.milligray))"
                let actual = "DLP \(text(other.dlpMilligrayCentimeters, QuantityText.milligrayCentimeters)), "
                    + "CTDIvol \(text(other.ctdiVolMilligray, QuantityText.milligray))"
                findings.append(context.finding(
                    .reportsDisagreeOnEvent, event: index, report: sop,
                    message: "report \(sop) disagrees with report \(firstSOP) on \(context.describeEvent(index)); the exam keeps the first",
                    expected: expected, actual: actual, tolerance: QuantityText.percent(tolerance)))
            }
        }
        return findings
    }

    /// The assembler writes "reports disagree on event <uid>: DLP a vs b, CTDIvol c vs d; the first is kept".
    static let assemblerDisagreementPrefix = "reports disagree on event "

    private static func recordedDisagreements(_ context: ExamValidationContext) -> [Finding] {
        context.exam.problems.compactMap { problem in
            guard problem.hasPrefix(assemblerDisagreementPrefix) else { return nil }
            let rest = problem.dropFirst(assemblerDisagreementPrefix.count)
            let uid = String(rest.prefix { $0 != ":" })
            let index = context.exam.events.firstIndex { $0.event.irradiationEventUID == uid }
            var finding = context.finding(.reportsDisagreeOnEvent, event: index, message: problem,
                                          tolerance: QuantityText.percent(context.settings.reportAgreementRelativeTolerance))
            if index == nil { finding.irradiationEventUID = uid }
            return finding
        }
    }

    private static func differs(_ a: Double?, _ b: Double?, _ relative: Double) -> Bool {
        switch (a, b) {
        case let (x?, y?): return !Tolerance.within(y, x, relative: relative, absolute: 0.005)
        case (nil, nil): return false
        default: return true
        }
    }

    private static func text(_ value: Double?, _ unit: (Double) -> String) -> String { value.map(unit) ?? "absent" }
}
