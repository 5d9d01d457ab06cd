import Foundation
import DICOMBridge
import DosePhysics
import DoseModel
import PixelAnalysis

/// What the pixel pass found for one exam.
struct ExamPixels {
    var series: [SeriesMeasurement] = []
    var slices: [SliceMeasurement] = []
    var thumbnails: [String: Data] = [:]
    /// `StoredStudyPixels.key` of each series, when the pass was given the stored files' fingerprints.
    var keys: [String: String] = [:]
    /// Series measured from their pixels, and series whose stored results were taken instead.
    var measured = 0
    var reused = 0
}

/// The pixel pass of a scan: for every exam, the diagnostic axial series of each event (and, for the
/// exam's size, the one of the event with the largest DLP) is measured, or its results are taken from
/// the store when they were derived from the same files with the same settings.
struct ExamPixelPass {
    let analyzer: SeriesPixelAnalyzer
    var stored: StoredStudyPixels? = nil

    /// Measures the exam's diagnostic series; call from a thread that is not a large-stack worker.
    func measure(_ exam: Exam, images: [String: [CTImageHeader]]) -> ExamPixels {
        precondition(!LargeStackWorkers.currentThreadHasLargeStack, "the pixel pass waits on the workers; run it elsewhere")
        var done = Set<String>()
        var pixels = ExamPixels()
        let localizersInExam = exam.series.filter(\.isLocalizer).map(\.seriesInstanceUID)
        /// The images of `first` (an event's localizer series), then those of the exam's other localizer series.
        func localizerImages(first: String?) -> [CTImageHeader] {
            ([first].compactMap { $0 } + localizersInExam.filter { $0 != first }).flatMap { uid in
                (images[uid] ?? []).sorted { ($0.instanceNumber ?? 0) < ($1.instanceNumber ?? 0) }
            }
        }
        /// The series measured (or its stored results), with its thumbnail recorded.
        func measure(_ uid: String, _ members: [CTImageHeader], eventUID: String?, choice: String, localizers: [CTImageHeader])
            -> (SeriesMeasurement, [SliceMeasurement])
        {
            let key = stored?.key(series: members, localizers: localizers)
            pixels.keys[uid] = key
            var (measurement, slices, thumbnail): (SeriesMeasurement, [SliceMeasurement], Data?)
            if let key, let reused = stored?.reusable(uid, key: key, eventUID: eventUID, choice: choice) {
                (measurement, slices, thumbnail) = (reused.measurement, reused.slices, reused.thumbnail)
                pixels.reused += 1
            } else {
                (measurement, slices, thumbnail) = analyzer.measure(series: members, eventUID: eventUID, choice: choice, localizers: localizers)
                pixels.measured += 1
            }
            if let thumbnail {
                pixels.thumbnails[uid] = thumbnail
                measurement.midScanThumbnail = ScanOutputWriter.thumbnailPath(seriesInstanceUID: uid)
            }
            return (measurement, slices)
        }
        for item in exam.events {
            guard let uid = item.diagnosticSeriesUID, done.insert(uid).inserted, let members = images[uid] else { continue }
            let summary = exam.series.first { $0.seriesInstanceUID == uid }
            let choice = "diagnostic axial series of event \(item.event.irradiationEventUID ?? "(no UID)") (linked by "
                + "\(summary?.linkMethod ?? "?")): \(item.diagnosticSeriesChoice ?? "")"
            var (measurement, measured) = measure(uid, members, eventUID: item.event.irradiationEventUID, choice: choice,
                                                  localizers: localizerImages(first: item.localizerSeriesUID))
            Self.addSSDE(to: &measurement, event: item.event, summary: summary)
            measured = Self.addSSDEProfile(to: &measurement, slices: measured, event: item.event, summary: summary)
            pixels.series.append(measurement)
            pixels.slices.append(contentsOf: measured)
        }
        if pixels.series.isEmpty, let fallback = exam.series.filter({ $0.isAxial && !$0.isLocalizer }).max(by: { $0.imageCount < $1.imageCount }),
           let members = images[fallback.seriesInstanceUID] {
            // No event names a diagnostic series (no dose report and no CTDIvol): measure the largest axial series.
            let (measurement, measured) = measure(fallback.seriesInstanceUID, members, eventUID: nil,
                                                  choice: "largest axial series (no event links a series)", localizers: localizerImages(first: nil))
            pixels.series.append(measurement)
            pixels.slices.append(contentsOf: measured)
        }
        return pixels
    }

    /// SSDE of the series: mean header CTDIvol (else the event's) × f(mean Dw), with the event's phantom.
    static func addSSDE(to measurement: inout SeriesMeasurement, event: IrradiationEvent, summary: SeriesSummary?) {
        guard let diameter = measurement.meanWaterEquivalentDiameterCentimeters ?? measurement.midScan?.waterEquivalent,
              let ctdi = summary?.meanCTDIvolMilligray ?? event.ctdiVolMilligray else { return }
        let phantom = MeasureInputBuilder.phantom(event.phantom == .unknown ? (summary?.ctdiPhantom ?? .unknown) : event.phantom)
        let anatomy: ScannedAnatomy = phantom == .head16Centimeter ? .head : .body
        let result = SizeSpecificDoseEstimate.compute(ctdiVolMilligray: ctdi, diameterCentimeters: diameter, phantom: phantom, anatomy: anatomy)
        measurement.ssdeMilligray = result.ssdeMilligray
        let source = summary?.meanCTDIvolMilligray != nil ? "image-header CTDIvol" : "event CTDIvol"
        measurement.ssdeNote = ([source, "mean Dw", anatomy.rawValue] + result.warnings
            + (result.usesUnverifiedCoefficients ? ["AAPM 293 head coefficients unverified"] : [])).joined(separator: "; ")
    }

    /// SSDE(z) per slice from each slice's own CTDIvol and Dw, and its mean over the scan (IEC 62985),
    /// when every analysed slice header carries CTDIvol.
    static func addSSDEProfile(to measurement: inout SeriesMeasurement, slices: [SliceMeasurement], event: IrradiationEvent,
                               summary: SeriesSummary?) -> [SliceMeasurement] {
        let samples = slices.compactMap { slice -> SliceDoseSample? in
            guard let ctdi = slice.ctdiVolMilligray, slice.size.areaSquareCentimeters > 0 else { return nil }
            return SliceDoseSample(zMillimeters: slice.size.zMillimeters, ctdiVolMilligray: ctdi,
                                   waterEquivalentDiameterCentimeters: slice.size.waterEquivalentDiameterCentimeters)
        }
        let phantom = MeasureInputBuilder.phantom(event.phantom == .unknown ? (summary?.ctdiPhantom ?? .unknown) : event.phantom)
        guard !samples.isEmpty, samples.count == slices.filter({ $0.size.areaSquareCentimeters > 0 }).count, let phantom else { return slices }
        let fits = SSDEFitTable.standard
        let fit = phantom == .head16Centimeter ? fits.head16CentimeterPhantom : fits.body32CentimeterPhantom
        guard let profile = SSDEProfile.compute(samples: samples, fit: fit) else { return slices }
        measurement.meanSSDEOfSlicesMilligray = profile.meanSSDEMilligray
        var byZ: [Double: Double] = [:]
        for point in profile.points { byZ[point.zMillimeters] = point.ssdeMilligray }
        return slices.map { slice in
            var withDose = slice
            withDose.ssdeMilligray = byZ[slice.size.zMillimeters]
            return withDose
        }
    }

    /// The measurement the exam-level measures use: the series of the event with the largest DLP,
    /// else the first measured.
    static func primary(_ exam: Exam, _ measurements: [SeriesMeasurement]) -> SeriesMeasurement? {
        let ranked = exam.events.sorted { ($0.event.dlpMilligrayCentimeters ?? 0) > ($1.event.dlpMilligrayCentimeters ?? 0) }
        for item in ranked {
            if let uid = item.diagnosticSeriesUID, let m = measurements.first(where: { $0.seriesInstanceUID == uid }) { return m }
        }
        return measurements.first
    }
}
