import DoseModel

/// HEAD_SCAN_ON_BODY_PHANTOM, BODY_SCAN_ON_HEAD_PHANTOM, MIXED_PHANTOMS_SUMMED / _MINOR. Head exams are
/// normally referred to the 16 cm phantom and body exams to the 32 cm phantom (ACR DIR, cms1074.md §6.4).
enum PhantomRules {
    static func check(_ context: ExamValidationContext) -> [Finding] {
        anatomyVsPhantom(context) + mixedPhantoms(context)
    }

    static func anatomyVsPhantom(_ context: ExamValidationContext) -> [Finding] {
        context.exam.events.indices.compactMap { index in
            let event = context.exam.events[index].event
            guard context.settings.phantomCheckIncludesLocalizers || !event.acquisitionType.isLocalizer,
                  event.ctdiVolMilligray != nil, let anatomy = context.anatomy.anatomy(of: event, in: context.exam)
            else { return nil }
            switch (anatomy, event.phantom) {
            case (.head, .body32cm):
                return context.finding(
                    .headScanOnBodyPhantom, event: index,
                    message: "\(context.describeEvent(index)) is a head scan but its CTDIvol refers to the 32 cm body phantom "
                        + "(about 2.3 times lower than the 16 cm value)",
                    expected: CTDIPhantom.head16cm.rawValue, actual: CTDIPhantom.body32cm.rawValue,
                    reference: "ACR DIR phantom normalisation (cms1074.md §6.4)")
            case (.body, .head16cm):
                return context.finding(
                    .bodyScanOnHeadPhantom, event: index,
                    message: "\(context.describeEvent(index)) is a body scan but its CTDIvol refers to the 16 cm head phantom "
                        + "(deliberate in some paediatric protocols)",
                    expected: CTDIPhantom.body32cm.rawValue, actual: CTDIPhantom.head16cm.rawValue,
                    reference: "ACR DIR phantom normalisation (cms1074.md §6.4)")
            default:
                return nil
            }
        }
    }

    /// Events with a DLP on both phantoms: their DLPs are summed in the exam (and 113813) without conversion.
    static func mixedPhantoms(_ context: ExamValidationContext) -> [Finding] {
        var dlpByPhantom: [CTDIPhantom: (count: Int, dlp: Double)] = [:]
        for examEvent in context.exam.events {
            guard let dlp = examEvent.event.dlpMilligrayCentimeters, examEvent.event.phantom != .unknown else { continue }
            let current = dlpByPhantom[examEvent.event.phantom] ?? (0, 0)
            dlpByPhantom[examEvent.event.phantom] = (current.count + 1, current.dlp + dlp)
        }
        guard let head = dlpByPhantom[.head16cm], let body = dlpByPhantom[.body32cm] else { return [] }
        let total = head.dlp + body.dlp
        let minorityShare = total > 0 ? min(head.dlp, body.dlp) / total : 0
        let code: FindingCode = minorityShare < context.settings.mixedPhantomMinorDLPFraction ? .mixedPhantomsMinor : .mixedPhantomsSummed
        let actual = "16 cm: \(head.count) event(s), \(QuantityText.milligrayCentimeters(head.dlp)); "
            + "32 cm: \(body.count) event(s), \(QuantityText.milligrayCentimeters(body.dlp))"
        return [context.finding(
            code,
            message: "events refer to both the 16 cm and the 32 cm CTDI phantom and their DLPs are summed without conversion; "
                + "the minority phantom carries \(QuantityText.number(minorityShare * 100, decimals: 1)) % of the DLP",
            expected: "one phantom", actual: actual,
            tolerance: "minority share < \(QuantityText.number(context.settings.mixedPhantomMinorDLPFraction * 100, decimals: 1)) % is info",
            reference: "DICOM TID 10012: per-phantom sub-totals 130745 (cms1074.md §7.2)")]
    }
}
