import DoseModel

/// VENDOR_DW_MISMATCH, VENDOR_SSDE_MISMATCH: size values the scanner wrote against ctdose's pixel-based ones.
/// Event values (RDSR 113980 Dw, 113930 SSDE) are compared with the measurement of the event's diagnostic
/// series (else of its first measured series); header Dw (0018,1271) with the measurement of the same series.
enum VendorSizeRules {
    static func check(_ context: ExamValidationContext) -> [Finding] {
        eventSizes(context) + seriesSizes(context)
    }

    private static func measurement(forEvent index: Int, _ context: ExamValidationContext) -> MeasuredSize? {
        let examEvent = context.exam.events[index]
        let candidates = [examEvent.diagnosticSeriesUID].compactMap { $0 } + examEvent.seriesUIDs
        return candidates.lazy.compactMap { context.sizeBySeriesUID[$0] }.first
    }

    static func eventSizes(_ context: ExamValidationContext) -> [Finding] {
        let tolerance = context.settings.vendorSizeRelativeTolerance
        var findings: [Finding] = []
        for index in context.exam.events.indices {
            guard let vendor = context.exam.events[index].event.vendorSize,
                  let measured = measurement(forEvent: index, context) else { continue }
            let series = measured.seriesInstanceUID
            if let vendorDw = vendor.waterEquivalentDiameterMillimeters, let dw = measured.waterEquivalentDiameterCentimeters,
               !Tolerance.within(vendorDw / 10, dw, relative: tolerance) {
                findings.append(context.finding(
                    .vendorDwMismatch, event: index, series: series,
                    message: "\(context.describeEvent(index)): the report's Water Equivalent Diameter differs from ctdose's Dw of \(context.describeSeries(series))",
                    expected: QuantityText.centimeters(dw), actual: QuantityText.centimeters(vendorDw / 10),
                    tolerance: QuantityText.percent(tolerance)))
            }
            if let vendorSSDE = vendor.ssdeMilligray, let ssde = measured.ssdeMilligray,
               !Tolerance.within(vendorSSDE, ssde, relative: tolerance) {
                findings.append(context.finding(
                    .vendorSSDEMismatch, event: index, series: series,
                    message: "\(context.describeEvent(index)): the report's SSDE differs from ctdose's SSDE of \(context.describeSeries(series))",
                    expected: QuantityText.milligray(ssde), actual: QuantityText.milligray(vendorSSDE),
                    tolerance: QuantityText.percent(tolerance)))
            }
        }
        return findings
    }

    static func seriesSizes(_ context: ExamValidationContext) -> [Finding] {
        let tolerance = context.settings.vendorSizeRelativeTolerance
        return context.exam.series.compactMap { series in
            guard let vendorDw = series.vendorWaterEquivalentDiameterMillimeters,
                  let dw = context.sizeBySeriesUID[series.seriesInstanceUID]?.waterEquivalentDiameterCentimeters,
                  !Tolerance.within(vendorDw / 10, dw, relative: tolerance) else { return nil }
            let index = context.exam.events.firstIndex { $0.seriesUIDs.contains(series.seriesInstanceUID) }
            return context.finding(
                .vendorDwMismatch, event: index, series: series.seriesInstanceUID,
                message: "\(context.describeSeries(series.seriesInstanceUID)): header Water Equivalent Diameter (0018,1271) differs from ctdose's Dw",
                expected: QuantityText.centimeters(dw), actual: QuantityText.centimeters(vendorDw / 10),
                tolerance: QuantityText.percent(tolerance))
        }
    }
}
