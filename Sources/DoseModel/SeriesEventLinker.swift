/// Summarises image headers per series.
enum SeriesSummarizer {
    static func summarize(_ images: [CTImageHeader]) -> [SeriesSummary] {
        let bySeries = Dictionary(grouping: images, by: \.seriesInstanceUID)
        return bySeries.keys.sorted().map { uid in
            let members = bySeries[uid]!
            let first = members[0]
            var summary = SeriesSummary(
                seriesInstanceUID: uid, imageCount: members.count, isLocalizer: members.contains { $0.isLocalizer },
                isAxial: !first.isLocalizer && first.isAxial, isOriginal: first.isOriginal,
                irradiationEventUIDs: orderedUnique(members.compactMap(\.irradiationEventUID)))
            summary.seriesNumber = first.seriesNumber
            summary.seriesDescription = first.seriesDescription
            summary.convolutionKernel = first.convolutionKernel
            summary.sliceThicknessMillimeters = first.sliceThicknessMillimeters
            let zs = members.compactMap(\.zMillimeters)
            if let low = zs.min(), let high = zs.max() { summary.zRangeMillimeters = low...high }
            let ctdi = members.compactMap(\.ctdiVolMilligray)
            if !ctdi.isEmpty { summary.meanCTDIvolMilligray = ctdi.reduce(0, +) / Double(ctdi.count) }
            summary.ctdiPhantom = first.ctdiPhantom
            summary.firstAcquisitionDateTime = members.compactMap(\.acquisitionDateTime).min()
            summary.vendorWaterEquivalentDiameterMillimeters = members.compactMap(\.waterEquivalentDiameterMillimeters).first
            return summary
        }
    }
}

/// Links series to events: by Irradiation Event UID (0008,3010) = (113769), else by the series number
/// a dose screen states, else by acquisition time
/// (the last event that started at or before the series' first acquisition). Then names each event's
/// localizer and diagnostic axial series.
enum SeriesEventLinker {
    static func link(_ series: inout [SeriesSummary], to events: inout [ExamEvent],
                     policy: DiagnosticSeriesPolicy) {
        let indexByUID = Dictionary(
            events.enumerated().compactMap { pair in pair.element.event.irradiationEventUID.map { ($0, pair.offset) } },
            uniquingKeysWith: { a, _ in a })
        let timed = events.enumerated().compactMap { pair -> (start: String, index: Int)? in
            guard let start = pair.element.event.startDateTime, start.count >= 12 else { return nil }
            return (normalized(start), pair.offset)
        }.sorted { $0.start < $1.start }

        for s in series.indices {
            let matched = series[s].irradiationEventUIDs.compactMap { indexByUID[$0] }
            if let index = matched.first {
                series[s].linkedEventUID = events[index].event.irradiationEventUID
                series[s].linkMethod = "irradiationEventUID"
                for i in Set(matched) { events[i].seriesUIDs.append(series[s].seriesInstanceUID) }
            } else if let number = series[s].seriesNumber,
                      let index = events.firstIndex(where: { $0.event.imageSeriesNumber == number }) {
                series[s].linkedEventUID = events[index].event.irradiationEventUID
                series[s].linkMethod = "seriesNumber"
                events[index].seriesUIDs.append(series[s].seriesInstanceUID)
            } else if let acquired = series[s].firstAcquisitionDateTime.map(normalized),
                      let candidate = timed.last(where: { $0.start <= acquired }) {
                series[s].linkedEventUID = events[candidate.index].event.irradiationEventUID
                series[s].linkMethod = "acquisitionTime"
                events[candidate.index].seriesUIDs.append(series[s].seriesInstanceUID)
            }
        }
        for e in events.indices {
            let members = series.filter { events[e].seriesUIDs.contains($0.seriesInstanceUID) }
            events[e].localizerSeriesUID = members.first { $0.isLocalizer }?.seriesInstanceUID
            if let choice = policy.choose(members) {
                events[e].diagnosticSeriesUID = choice.series.seriesInstanceUID
                events[e].diagnosticSeriesChoice = choice.reason
            }
        }
    }

    /// DICOM DT / DA+TM to a comparable "YYYYMMDDHHMMSS" prefix.
    static func normalized(_ value: String) -> String {
        String(value.filter(\.isNumber).prefix(14)).padding(toLength: 14, withPad: "0", startingAt: 0)
    }
}
