import DoseModel

/// RDSR event vs the image series linked to it (SeriesEventLinker): CTDIvol, kVp, tube current, pitch,
/// collimation and scan range; plus series with no event and events with no images.
enum SeriesEventRules {
    static func check(_ context: ExamValidationContext) -> [Finding] {
        var findings: [Finding] = []
        for index in context.exam.events.indices {
            var seen = Set<String>()
            for uid in context.exam.events[index].seriesUIDs where seen.insert(uid).inserted {
                guard let series = context.seriesByUID[uid] else { continue }
                findings += compare(series, toEvent: index, context)
            }
            if let finding = scanLongerThanImages(index, context) { findings.append(finding) }
        }
        return findings + seriesWithoutEvent(context) + eventsWithoutImages(context)
    }

    private static func compare(_ series: SeriesSummary, toEvent index: Int, _ context: ExamValidationContext) -> [Finding] {
        let event = context.exam.events[index].event
        let settings = context.settings
        let uid = series.seriesInstanceUID
        let pair = "\(context.describeSeries(uid)) of \(context.describeEvent(index))"
            + (series.linkMethod == "acquisitionTime" ? " (linked by acquisition time only)" : "")
        var findings: [Finding] = []
        func add(_ code: FindingCode, _ what: String, expected: String, actual: String, tolerance: String) {
            findings.append(context.finding(code, event: index, series: uid, message: "\(pair): \(what)",
                                            expected: expected, actual: actual, tolerance: tolerance))
        }

        if series.isLocalizer == event.acquisitionType.isLocalizer, let seriesCTDI = series.meanCTDIvolMilligray, seriesCTDI > 0,
           let eventCTDI = event.ctdiVolMilligray, eventCTDI > 0,
           !Tolerance.within(seriesCTDI, eventCTDI, relative: settings.seriesCTDIvolRelativeTolerance) {
            add(.seriesCTDIvolMismatch, "mean header CTDIvol differs from the event's Mean CTDIvol",
                expected: QuantityText.milligray(eventCTDI), actual: QuantityText.milligray(seriesCTDI),
                tolerance: QuantityText.percent(settings.seriesCTDIvolRelativeTolerance))
        }

        if let facts = context.factsBySeriesUID[uid] {
            let kvps = event.xRaySources.compactMap(\.kvp)
            if let range = facts.kvpRangeKilovolts, !kvps.isEmpty,
               ![range.lowerBound, range.upperBound].allSatisfy({ value in
                   kvps.contains { abs($0 - value) <= settings.kvpToleranceKilovolts } }) {
                add(.seriesKVPMismatch, "header kVp matches no X-ray source of the event",
                    expected: kvps.map(QuantityText.kilovolts).joined(separator: " / "),
                    actual: QuantityText.range(range, QuantityText.kilovolts),
                    tolerance: "±" + QuantityText.kilovolts(settings.kvpToleranceKilovolts))
            }
            if let range = facts.tubeCurrentRangeMilliampere, let problem = tubeCurrentProblem(range, event.xRaySources, settings) {
                add(.seriesTubeCurrentMismatch, problem.what, expected: problem.expected,
                    actual: QuantityText.range(range, QuantityText.milliamperes),
                    tolerance: QuantityText.percent(settings.tubeCurrentRelativeTolerance))
            }
            if let seriesPitch = facts.spiralPitchFactor, let eventPitch = event.pitchFactor,
               abs(seriesPitch - eventPitch) > settings.pitchFactorTolerance {
                add(.seriesPitchMismatch, "header Spiral Pitch Factor differs from the event's Pitch Factor",
                    expected: QuantityText.ratio(eventPitch), actual: QuantityText.ratio(seriesPitch),
                    tolerance: "±" + QuantityText.ratio(settings.pitchFactorTolerance))
            }
            if let seriesCollimation = facts.totalCollimationMillimeters, let eventCollimation = event.nominalTotalCollimationMillimeters,
               abs(seriesCollimation - eventCollimation) > settings.totalCollimationToleranceMillimeters {
                add(.seriesCollimationMismatch, "header Total Collimation Width differs from the event's Nominal Total Collimation Width",
                    expected: QuantityText.millimeters(eventCollimation), actual: QuantityText.millimeters(seriesCollimation),
                    tolerance: "±" + QuantityText.millimeters(settings.totalCollimationToleranceMillimeters))
            }
        }

        if !series.isLocalizer, event.acquisitionType == .spiral || event.acquisitionType == .sequenced,
           let z = series.zRangeMillimeters, let length = event.scanningLengthMillimeters, length > 0 {
            let extent = z.upperBound - z.lowerBound + (series.sliceThicknessMillimeters ?? 0)
            if extent > length + settings.scanRangeToleranceMillimeters {
                add(.seriesLongerThanScan,
                    "images cover \(QuantityText.millimeters(extent)) (first to last image position plus one slice thickness), "
                        + "more than the event's Scanning Length",
                    expected: "≤ " + QuantityText.millimeters(length), actual: QuantityText.millimeters(extent),
                    tolerance: "+" + QuantityText.millimeters(settings.scanRangeToleranceMillimeters))
            }
        }
        return findings
    }

    /// A spiral event whose Scanning Length exceeds the union of its linked axial series' coverage (each
    /// series from its first to its last image position plus one slice thickness) by more than the
    /// over-ranging allowance (the larger of a length and a number of table feeds): table length
    /// irradiated without images.
    private static func scanLongerThanImages(_ index: Int, _ context: ExamValidationContext) -> Finding? {
        let event = context.exam.events[index].event
        guard event.acquisitionType == .spiral, let length = event.scanningLengthMillimeters, length > 0 else { return nil }
        let coverage = context.imageCoverage(ofEvent: index)
        guard coverage.seriesCount > 0 else { return nil }
        let union = coverage.ranges.reduce(0) { $0 + $1.upperBound - $1.lowerBound }
        let feed = (event.nominalTotalCollimationMillimeters ?? 0) * (event.pitchFactor ?? 0)
        let allowance = max(context.settings.spiralOverrangingAllowanceMillimeters, context.settings.overrangingTableFeeds * feed)
        guard length > union + allowance else { return nil }
        var message = "\(context.describeEvent(index)): Scanning Length \(QuantityText.millimeters(length)), but its \(coverage.seriesCount) linked "
            + "image series cover \(QuantityText.millimeters(union)) of table together; "
            + "\(QuantityText.millimeters(length - union)) was irradiated without an image in the archive"
        if let ctdiVol = event.ctdiVolMilligray, ctdiVol > 0 {
            message += " (about \(QuantityText.milligrayCentimeters(ctdiVol * (length - union - allowance) / 10)) of DLP beyond the over-ranging allowed)"
        }
        return context.finding(.scanLongerThanImages, event: index, message: message,
                               expected: "≤ " + QuantityText.millimeters(union + allowance), actual: QuantityText.millimeters(length),
                               tolerance: "images + " + QuantityText.millimeters(allowance) + " over-ranging")
    }

    /// The header mA range must not exceed the event's Maximum X-Ray Tube Current, and the event's mean
    /// X-Ray Tube Current must fall inside the header range (each with the relative tolerance). Any source counts.
    private static func tubeCurrentProblem(_ range: ClosedRange<Double>, _ sources: [XRaySourceParameters],
                                           _ settings: ValidationSettings) -> (what: String, expected: String)? {
        let tolerance = settings.tubeCurrentRelativeTolerance
        let maxima = sources.compactMap(\.maximumTubeCurrentMilliampere)
        if let maximum = maxima.max(), range.upperBound > maximum * (1 + tolerance) {
            return ("header tube current exceeds the event's Maximum X-Ray Tube Current", "≤ " + QuantityText.milliamperes(maximum))
        }
        let means = sources.compactMap(\.tubeCurrentMilliampere)
        if !means.isEmpty,
           !means.contains(where: { $0 >= range.lowerBound * (1 - tolerance) && $0 <= range.upperBound * (1 + tolerance) }) {
            return ("the event's mean X-Ray Tube Current lies outside the header tube current range",
                    means.map(QuantityText.milliamperes).joined(separator: " / "))
        }
        return nil
    }

    /// Original series (with images) linked to no event, in an exam that has events.
    static func seriesWithoutEvent(_ context: ExamValidationContext) -> [Finding] {
        guard !context.exam.events.isEmpty else { return [] }
        let linked = Set(context.exam.events.flatMap(\.seriesUIDs))
        return context.exam.series
            .filter { $0.isOriginal && $0.imageCount > 0 && !linked.contains($0.seriesInstanceUID) }
            .map { series in
                context.finding(.seriesWithoutEvent, series: series.seriesInstanceUID,
                                message: "\(context.describeSeries(series.seriesInstanceUID)) (\(series.imageCount) images) "
                                    + "is linked to no irradiation event of the dose report",
                                expected: "a linked event", actual: "none")
            }
    }

    /// Diagnostic events (not localizer, not monitoring) without any image series; one exam-level finding
    /// instead when the exam has no images at all.
    static func eventsWithoutImages(_ context: ExamValidationContext) -> [Finding] {
        let events = context.exam.events
        guard !events.isEmpty else { return [] }
        if context.exam.series.isEmpty {
            return [context.finding(.noImagesForDoseReport,
                                    message: "the dose report lists \(events.count) event(s) but no CT image of the study was found",
                                    expected: "image series", actual: "none")]
        }
        return events.indices.compactMap { index in
            let event = events[index]
            guard !event.event.acquisitionType.isLocalizer, !event.event.acquisitionType.isMonitoring,
                  event.seriesUIDs.isEmpty else { return nil }
            return context.finding(.eventWithoutImages, event: index,
                                   message: "\(context.describeEvent(index)) has no image series in the archive",
                                   expected: "image series", actual: "none")
        }
    }
}
