import DoseModel

/// CTDIVOL_ABOVE_NOTIFICATION_VALUE, DLP_ABOVE_NOTIFICATION_VALUE, CTDIVOL_ABOVE_ALERT_VALUE,
/// ACCUMULATED_CTDIVOL_ABOVE_ALERT_VALUE (ctdose's own comparison with configurable values),
/// SCANNER_DOSE_NOTIFICATION, SCANNER_DOSE_ALERT (what the scanner's NEMA XR 25 Dose Check recorded,
/// DICOM TID 10015).
enum DoseAlertRules {
    static func check(_ context: ExamValidationContext) -> [Finding] {
        context.exam.events.indices.flatMap { configuredValues($0, context) + scannerDoseCheck($0, context) } + accumulatedCTDIvol(context)
    }

    /// The CTDIvol accumulated at a table position, which NEMA XR 25's alert value is about, estimated
    /// from the images: each diagnostic event adds its CTDIvol wherever its linked axial series cover
    /// (`imageCoverage`), per CTDI phantom. Where the highest sum, reached by two events or more (one
    /// alone is CTDIVOL_ABOVE_ALERT_VALUE's), exceeds the alert value: one finding naming the events
    /// and the z range. Events without images cannot be placed and are counted in the message, but for
    /// stationary ones (perfusion: the table does not move), which are taken to share one position
    /// when they have one target region and phantom, and said to be so taken.
    static func accumulatedCTDIvol(_ context: ExamValidationContext) -> [Finding] {
        guard let alert = context.settings.ctdiVolAlertValueMilligray else { return [] }
        var placed: [CTDIPhantom: [(index: Int, ranges: [ClosedRange<Double>], ctdiVol: Double)]] = [:]
        var stationary: [StationaryGroup: [(index: Int, ctdiVol: Double)]] = [:]
        var unplaced = 0
        for index in context.exam.events.indices {
            let event = context.exam.events[index].event
            guard !event.acquisitionType.isLocalizer, let ctdiVol = event.ctdiVolMilligray, ctdiVol > 0 else { continue }
            let ranges = context.imageCoverage(ofEvent: index).ranges
            if !ranges.isEmpty {
                placed[event.phantom, default: []].append((index, ranges, ctdiVol))
                continue
            }
            unplaced += 1
            if event.acquisitionType == .stationary {
                let group = StationaryGroup(phantom: event.phantom, region: event.targetRegion?.meaning ?? event.targetRegion?.value ?? "")
                stationary[group, default: []].append((index, ctdiVol))
            }
        }
        var findings: [Finding] = []
        for group in stationary.keys.sorted(by: { ($0.phantom.rawValue, $0.region) < ($1.phantom.rawValue, $1.region) }) {
            guard let events = stationary[group], events.count >= 2 else { continue }
            let sum = events.reduce(0) { $0 + $1.ctdiVol }
            guard sum > alert else { continue }
            let names = events.map { context.describeEvent($0.index) }.joined(separator: ", ")
            findings.append(context.finding(
                .accumulatedCTDIvolAboveAlertValue,
                message: "\(names): stationary acquisitions without images, of one target region (\(group.region.isEmpty ? "none recorded" : group.region)) "
                    + "on the \(group.phantom.rawValue) phantom, taken to be at one table position: their CTDIvol adds up to "
                    + "\(QuantityText.milligray(sum)), above the CTDIvol alert value",
                expected: "≤ " + QuantityText.milligray(alert), actual: QuantityText.milligray(sum), tolerance: "0",
                reference: "accumulated CTDIvol as in NEMA XR 25, position assumed (stationary, no images); AAPM 2011 CT dose-check alert value (unverified) unless configured"))
        }
        for phantom in placed.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let events = placed[phantom], events.count >= 2 else { continue }
            // A sweep along z: +CTDIvol where an event's range begins, − where it ends (ends first at a
            // shared position: ranges that only touch do not overlap).
            let edges = events.flatMap { event in event.ranges.flatMap { [($0.lowerBound, 1, event.index, event.ctdiVol), ($0.upperBound, -1, event.index, event.ctdiVol)] } }
                .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            var sum = 0.0, active: [Int: Int] = [:]
            var highest: (sum: Double, from: Double, to: Double, events: [Int])?
            for (position, step, index, ctdiVol) in edges {
                if let best = highest, best.to.isNaN { highest?.to = position }  // the highest stretch ends here
                sum += Double(step) * ctdiVol
                active[index, default: 0] += step
                if active[index] == 0 { active[index] = nil }
                if sum > (highest?.sum ?? 0) + 1e-9, active.count >= 2 {
                    highest = (sum, position, .nan, active.keys.sorted())
                }
            }
            guard let best = highest, best.sum > alert else { continue }
            let names = best.events.map(context.describeEvent).joined(separator: ", ")
            findings.append(context.finding(
                .accumulatedCTDIvolAboveAlertValue,
                message: "\(names) are imaged at the same table positions, z \(QuantityText.millimeters(best.from)) to "
                    + "\(QuantityText.millimeters(best.to)) (\(phantom.rawValue) phantom): their CTDIvol adds up to \(QuantityText.milligray(best.sum)) there, "
                    + "above the CTDIvol alert value" + (unplaced > 0 ? "; \(unplaced) other event(s) without images could not be placed" : ""),
                expected: "≤ " + QuantityText.milligray(alert), actual: QuantityText.milligray(best.sum), tolerance: "0",
                reference: "accumulated CTDIvol as in NEMA XR 25, from the events' images; AAPM 2011 CT dose-check alert value (unverified) unless configured"))
        }
        return findings
    }

    /// Localizers are not compared: the notification table is for diagnostic acquisitions.
    static func configuredValues(_ index: Int, _ context: ExamValidationContext) -> [Finding] {
        let event = context.exam.events[index].event
        guard !event.acquisitionType.isLocalizer else { return [] }
        let settings = context.settings
        var findings: [Finding] = []
        if let ctdi = event.ctdiVolMilligray, let alert = settings.ctdiVolAlertValueMilligray, ctdi > alert {
            findings.append(context.finding(
                .ctdiVolAboveAlertValue, event: index,
                message: "\(context.describeEvent(index)) CTDIvol \(QuantityText.milligray(ctdi)) exceeds the CTDIvol alert value",
                expected: "≤ " + QuantityText.milligray(alert), actual: QuantityText.milligray(ctdi), tolerance: "0",
                reference: "AAPM 2011 CT dose-check alert value (unverified) unless configured"))
        }
        guard let category = context.anatomy.category(of: event, in: context.exam),
              let value = settings.notificationValues[category] else { return findings }
        if let ctdi = event.ctdiVolMilligray, let (limit, converted) = value.ctdiVolMilligray(on: event.phantom), ctdi > limit {
            let phantomNote = converted ? " (value converted to the \(event.phantom.rawValue) phantom with the ACR factor 2.3)" : ""
            findings.append(context.finding(
                .ctdiVolAboveNotificationValue, event: index,
                message: "\(context.describeEvent(index)) CTDIvol \(QuantityText.milligray(ctdi)) exceeds the \(category.rawValue) "
                    + "notification value\(phantomNote)",
                expected: "≤ " + QuantityText.milligray(limit), actual: QuantityText.milligray(ctdi), tolerance: "0",
                reference: value.reference))
        }
        if let dlp = event.dlpMilligrayCentimeters, let limit = value.dlpMilligrayCentimeters, dlp > limit {
            findings.append(context.finding(
                .dlpAboveNotificationValue, event: index,
                message: "\(context.describeEvent(index)) DLP \(QuantityText.milligrayCentimeters(dlp)) exceeds the \(category.rawValue) "
                    + "DLP notification value",
                expected: "≤ " + QuantityText.milligrayCentimeters(limit), actual: QuantityText.milligrayCentimeters(dlp),
                tolerance: "0", reference: value.reference))
        }
        return findings
    }

    /// Stationary events without images that are taken to share a table position.
    private struct StationaryGroup: Hashable {
        var phantom: CTDIPhantom
        var region: String
    }

    /// An alert is recorded when an accumulated forward estimate exceeds its alert value; a notification when a
    /// forward estimate exceeds its notification value, or when a reason for proceeding is given without either.
    static func scannerDoseCheck(_ index: Int, _ context: ExamValidationContext) -> [Finding] {
        guard let check = context.exam.events[index].event.doseCheck else { return [] }
        let reasons = check.reasonsForProceeding.isEmpty ? "" : "; reason for proceeding: " + check.reasonsForProceeding.joined(separator: "; ")
        var findings: [Finding] = []
        let alerts = exceeded([
            ("accumulated DLP", check.accumulatedDLPForwardEstimateMilligrayCentimeters, check.dlpAlertValueMilligrayCentimeters,
             QuantityText.milligrayCentimeters),
            ("accumulated CTDIvol", check.accumulatedCTDIvolForwardEstimateMilligray, check.ctdiVolAlertValueMilligray,
             QuantityText.milligray),
        ])
        let notifications = exceeded([
            ("DLP", check.dlpForwardEstimateMilligrayCentimeters, check.dlpNotificationValueMilligrayCentimeters,
             QuantityText.milligrayCentimeters),
            ("CTDIvol", check.ctdiVolForwardEstimateMilligray, check.ctdiVolNotificationValueMilligray, QuantityText.milligray),
        ])
        for (name, estimate, limit) in alerts {
            findings.append(context.finding(
                .scannerDoseAlert, event: index,
                message: "\(context.describeEvent(index)): the scanner's Dose Check raised an alert: \(name) forward estimate above the alert value\(reasons)",
                expected: "≤ " + limit, actual: estimate, tolerance: "0", reference: "scanner Dose Check (NEMA XR 25, DICOM TID 10015)"))
        }
        for (name, estimate, limit) in notifications {
            findings.append(context.finding(
                .scannerDoseNotification, event: index,
                message: "\(context.describeEvent(index)): the scanner's Dose Check raised a notification: \(name) forward estimate above the notification value\(reasons)",
                expected: "≤ " + limit, actual: estimate, tolerance: "0", reference: "scanner Dose Check (NEMA XR 25, DICOM TID 10015)"))
        }
        if alerts.isEmpty && notifications.isEmpty && !check.reasonsForProceeding.isEmpty {
            findings.append(context.finding(
                .scannerDoseNotification, event: index,
                message: "\(context.describeEvent(index)): the scanner's Dose Check recorded a reason for proceeding: "
                    + check.reasonsForProceeding.joined(separator: "; "),
                reference: "scanner Dose Check (NEMA XR 25, DICOM TID 10015)"))
        }
        return findings
    }

    private static func exceeded(_ items: [(String, Double?, Double?, (Double) -> String)]) -> [(String, String, String)] {
        items.compactMap { name, estimate, limit, unit in
            guard let estimate, let limit, estimate > limit else { return nil }
            return (name, unit(estimate), unit(limit))
        }
    }
}
