import DoseModel

/// EVENT_DLP_MISMATCH: each event's DLP against the DCM 113838 definition (cms1074.md §7.2):
/// spiral DLP = CTDIvol × scanning length; sequenced DLP = CTDIvol × nominal total collimation × cumulative
/// exposure time / exposure time per rotation; stationary and free DLP = CTDIvol × nominal total collimation.
/// Events of other types, or lacking a needed value, are not checked.
enum EventDLPRule {
    /// The DLP the definition gives for an event (mGy·cm) and the formula in words; nil when not computable.
    static func expectedDLP(of event: IrradiationEvent) -> (value: Double, formula: String)? {
        guard let ctdi = event.ctdiVolMilligray, ctdi > 0 else { return nil }
        let collimationCentimeters = event.nominalTotalCollimationMillimeters.map { $0 / 10 }
        switch event.acquisitionType {
        case .spiral:
            guard let length = event.scanningLengthMillimeters, length > 0 else { return nil }
            return (ctdi * length / 10,
                    "CTDIvol \(QuantityText.milligray(ctdi)) × scanning length \(QuantityText.millimeters(length))")
        case .sequenced:
            guard let collimation = collimationCentimeters, let time = event.exposureTimeSeconds,
                  let perRotation = event.xRaySources.lazy.compactMap(\.exposureTimePerRotationSeconds).first,
                  perRotation > 0 else { return nil }
            return (ctdi * collimation * time / perRotation,
                    "CTDIvol \(QuantityText.milligray(ctdi)) × total collimation \(QuantityText.number(collimation * 10)) mm"
                        + " × exposure time \(QuantityText.number(time)) s / \(QuantityText.number(perRotation)) s per rotation")
        case .stationary, .free:
            guard let collimation = collimationCentimeters else { return nil }
            return (ctdi * collimation,
                    "CTDIvol \(QuantityText.milligray(ctdi)) × total collimation \(QuantityText.number(collimation * 10)) mm")
        case .constantAngle, .coneBeam, .unknown:
            return nil
        }
    }

    static func check(_ context: ExamValidationContext) -> [Finding] {
        let settings = context.settings
        return context.exam.events.indices.compactMap { index in
            let event = context.exam.events[index].event
            guard let actual = event.dlpMilligrayCentimeters, let (expected, formula) = expectedDLP(of: event),
                  !Tolerance.within(actual, expected, relative: settings.eventDLPRelativeTolerance,
                                    absolute: settings.eventDLPAbsoluteToleranceMilligrayCentimeters)
            else { return nil }
            var message = "\(context.describeEvent(index)) DLP \(QuantityText.milligrayCentimeters(actual)) differs from "
                + "\(formula) = \(QuantityText.milligrayCentimeters(expected))"
            if event.acquisitionType == .spiral {
                message += " (vendor spiral DLP includes overranging; a few % above is normal)"
            }
            return context.finding(
                .eventDLPMismatch, event: index, message: message,
                expected: QuantityText.milligrayCentimeters(expected), actual: QuantityText.milligrayCentimeters(actual),
                tolerance: Tolerance.text(relative: settings.eventDLPRelativeTolerance,
                                          absolute: settings.eventDLPAbsoluteToleranceMilligrayCentimeters,
                                          unit: QuantityText.milligrayCentimeters))
        }
    }
}
