import DoseModel

/// EVENT_DLP_MISMATCH: each event's DLP against the DCM 113838 definition (cms1074.md §7.2):
/// spiral DLP = CTDIvol × scanning length; sequenced DLP = CTDIvol × nominal total collimation × cumulative
/// exposure time / exposure time per rotation; stationary and free DLP = CTDIvol × nominal total collimation.
/// Events of other types, or lacking a needed value, are not checked. Spiral events may also differ by the
/// overranging allowance; sequenced events also pass when they match the stationary definition (cine
/// acquisitions at one table position, as GE reports them: corpus CT-ESR-GE_VCT.dcm events 24–27).
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
                  let ctdi = event.ctdiVolMilligray else { return nil }
            let overranging = event.acquisitionType == .spiral ? ctdi * settings.spiralOverrangingAllowanceMillimeters / 10 : 0
            let allowed = max(settings.eventDLPRelativeTolerance * expected, settings.eventDLPAbsoluteToleranceMilligrayCentimeters,
                              overranging)
            guard abs(actual - expected) > allowed, !matchesCineDefinition(event, actual: actual, settings) else { return nil }
            var message = "\(context.describeEvent(index)) DLP \(QuantityText.milligrayCentimeters(actual)) differs from "
                + "\(formula) = \(QuantityText.milligrayCentimeters(expected))"
            var tolerance = Tolerance.text(relative: settings.eventDLPRelativeTolerance,
                                           absolute: settings.eventDLPAbsoluteToleranceMilligrayCentimeters,
                                           unit: QuantityText.milligrayCentimeters)
            if event.acquisitionType == .spiral {
                message += " by more than the overranging allowance"
                tolerance += " or CTDIvol × \(QuantityText.millimeters(settings.spiralOverrangingAllowanceMillimeters)) overranging"
                    + " = \(QuantityText.milligrayCentimeters(overranging))"
            }
            return context.finding(
                .eventDLPMismatch, event: index, message: message,
                expected: QuantityText.milligrayCentimeters(expected), actual: QuantityText.milligrayCentimeters(actual),
                tolerance: tolerance)
        }
    }

    /// A sequenced event whose DLP is CTDIvol × total collimation (one table position).
    private static func matchesCineDefinition(_ event: IrradiationEvent, actual: Double, _ settings: ValidationSettings) -> Bool {
        guard event.acquisitionType == .sequenced, let ctdi = event.ctdiVolMilligray,
              let collimation = event.nominalTotalCollimationMillimeters else { return false }
        return Tolerance.within(actual, ctdi * collimation / 10, relative: settings.eventDLPRelativeTolerance,
                                absolute: settings.eventDLPAbsoluteToleranceMilligrayCentimeters)
    }
}
