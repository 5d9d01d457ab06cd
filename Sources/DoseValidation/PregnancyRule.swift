import DoseModel

/// PATIENT_POSSIBLY_PREGNANT: the study's Pregnancy Status (0010,21C0) is 2 (possibly pregnant) or 3
/// (definitely pregnant). A CT of a pregnant patient calls for a conceptus dose assessment by a
/// physicist; the finding lists the events other than localizers with their CTDIvol and DLP, which
/// that assessment starts from. It estimates no dose itself.
enum PregnancyRule {
    static let statusText = [2: "possibly pregnant", 3: "definitely pregnant"]

    static func check(_ context: ExamValidationContext) -> [Finding] {
        guard let status = context.exam.patient.pregnancyStatus, let text = statusText[status] else { return [] }
        let events = context.exam.events.indices.filter { context.exam.events[$0].event.acquisitionType != .constantAngle }
        let listed = events.map { index in
            let event = context.exam.events[index].event
            let dose = [event.ctdiVolMilligray.map { "CTDIvol " + QuantityText.milligray($0) },
                        event.dlpMilligrayCentimeters.map { "DLP " + QuantityText.milligrayCentimeters($0) }].compactMap { $0 }
            return context.describeEvent(index) + (dose.isEmpty ? "" : ": " + dose.joined(separator: ", "))
        }
        let what = listed.isEmpty ? "no event other than localizers" : listed.joined(separator: "; ")
        return [context.finding(
            .patientPossiblyPregnant,
            message: "Pregnancy Status (0010,21C0) is \(status), \(text): a conceptus dose assessment is due where the uterus was in or near the beam (\(what))",
            expected: "not pregnant (1) or unknown (4)", actual: "\(status) (\(text))")]
    }
}
