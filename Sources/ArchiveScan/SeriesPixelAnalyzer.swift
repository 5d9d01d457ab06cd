import DICOMBridge
import DoseModel
import Foundation
import PixelAnalysis

/// Decodes the chosen slices of a series on the large-stack workers and measures each: patient
/// outline, size, noise. Only per-slice results are kept, so memory does not grow with the series.
public struct SeriesPixelAnalyzer: Sendable {
    public let settings: PixelAnalysisSettings
    let workers: LargeStackWorkers

    public init(settings: PixelAnalysisSettings, workers: LargeStackWorkers = .shared) {
        self.settings = settings
        self.workers = workers
    }

    /// Measures `images` (one series), choosing slices per `settings.slices`.
    /// `localizers`: the images of the event's localizer series, then those of the exam's other
    /// localizer series; the first frontal and the first lateral view that cover the mid-scan z are measured.
    public func measure(series images: [CTImageHeader], eventUID: String?, choice: String,
                        localizers: [CTImageHeader]) -> (SeriesMeasurement, [SliceMeasurement], thumbnail: Data?) {
        let sorted = images.filter { $0.zMillimeters != nil }.sorted { $0.zMillimeters! < $1.zMillimeters! }
        let chosen = settings.slices.indices(sortedZ: sorted.map { $0.zMillimeters! }).map { sorted[$0] }
        var problems: [String] = []
        var slices: [SliceMeasurement] = []
        for (header, result) in zip(chosen, measureSlices(chosen)) {
            switch result {
            case .success(let slice): slices.append(slice)
            case .failure(let error): problems.append("slice \(header.sopInstanceUID): \(error)")
            case nil: break
            }
        }
        if sorted.count < images.count { problems.append("\(images.count - sorted.count) image(s) without position skipped") }
        let profile = SeriesSizeProfile(slices: slices.map(\.size))
        let mid = profile.midScan.flatMap { m in slices.first { $0.size.zMillimeters == m.zMillimeters } }
        var measurement = SeriesMeasurement(
            seriesInstanceUID: images.first?.seriesInstanceUID ?? "", irradiationEventUID: eventUID, choice: choice,
            imageCount: images.count, analysedSliceCount: slices.count, sliceSelection: "\(settings.slices)",
            midScan: profile.midScan.map(MidScanDiameters.init), midScanSOPInstanceUID: mid?.sopInstanceUID,
            midScanZMillimeters: profile.midScan?.zMillimeters, midScanTruncated: profile.midScan?.truncated,
            midScanTruncatedOutlineFraction: profile.midScan?.truncatedOutlineFraction,
            meanWaterEquivalentDiameterCentimeters: profile.meanWaterEquivalentDiameterCentimeters,
            truncatedSliceCount: profile.truncatedSliceCount, localizer: nil, sizeMethod: "mid-scan axial",
            globalNoiseTissueHounsfield: Self.mean(slices.compactMap(\.noise.tissueHounsfield)),
            globalNoiseAirHounsfield: Self.mean(slices.compactMap(\.noise.airHounsfield)),
            noiseMethod: settings.noise.description(
                kernelPixels: slices.first?.noise.kernelPixels ?? 0,
                spacingMillimeters: chosen.first?.pixelSpacingMillimeters?.min() ?? 0),
            ssdeMilligray: nil, ssdeNote: nil, meanSSDEOfSlicesMilligray: nil, problems: problems)
        if let first = chosen.first {
            let verdict = IsocentreLocation(first).verdict(
                wholeSlices: slices.filter { !$0.size.truncated }.compactMap(\.centringOffset), settings: settings.centring)
            measurement.centringMethod = verdict.method
            if verdict.accepted {
                measurement.centring = SeriesCentring(
                    slices: slices.map { ($0.centringOffset, $0.size.truncated, $0.size.zMillimeters) },
                    midScanZMillimeters: profile.midScan?.zMillimeters)
                if measurement.centring == nil { measurement.centringMethod = "none: no analysed slice has a whole outline (\(verdict.method))" }
            } else {
                for index in slices.indices { slices[index].centringOffset = nil }
            }
        }
        if let z = profile.midScan?.zMillimeters ?? sorted.map({ $0.zMillimeters! }).middle, !localizers.isEmpty {
            let calibration = slices.map(\.size) + calibrationSlices(sorted: sorted, analysed: slices, midScan: profile.midScan)
            let (views, problems) = LocalizerViews.measure(localizers, atZ: z, calibratingOn: calibration)
            measurement.localizer = views.first
            measurement.localizerSecondView = views.dropFirst().first
            measurement.problems += problems
        }
        if profile.midScan == nil || profile.midScan?.truncated == true {
            if let fallback = measurement.localizer {
                let second = measurement.localizerSecondView.map { "; \($0.method)" } ?? ""
                measurement.sizeMethod = "localizer (\(fallback.method)\(second))"
            } else {
                measurement.sizeMethod = profile.midScan == nil ? "none" : "mid-scan axial, truncated"
            }
        }
        var thumbnail: Data?
        if let midUID = measurement.midScanSOPInstanceUID, let header = chosen.first(where: { $0.sopInstanceUID == midUID }) {
            thumbnail = workers.runAndWait { [settings] in Self.midScanThumbnail(header, settings: settings) }
        }
        return (measurement, slices, thumbnail)
    }

    /// Measures `headers` on the workers, in order (nil where a slice was not measured).
    func measureSlices(_ headers: [CTImageHeader]) -> [Result<SliceMeasurement, any Error>?] {
        let results = ResultList(count: headers.count)
        let group = DispatchGroup()
        for (index, header) in headers.enumerated() {
            group.enter()
            workers.submit { [settings] in
                results.set(index, Result { try Self.measureSlice(header, settings: settings) })
                group.leave()
            }
        }
        group.wait()
        return results.values
    }

    /// Slices measured only to calibrate the localizer fallback: when the measure needs it (the
    /// mid-scan slice truncated or missing) and the slice selection (`--slices mid`, `every:N`) left
    /// fewer than `LocalizerWaterEquivalent.minimumSlices` non-truncated slices, up to
    /// `extraCalibrationSlices` more, evenly spaced over the series. Not part of the series' results.
    func calibrationSlices(sorted: [CTImageHeader], analysed: [SliceMeasurement], midScan: SliceSize?) -> [SliceSize] {
        guard midScan == nil || midScan?.truncated == true,
              analysed.filter({ !$0.size.truncated }).count < LocalizerWaterEquivalent.minimumSlices else { return [] }
        let done = Set(analysed.map(\.sopInstanceUID))
        let candidates = sorted.filter { !done.contains($0.sopInstanceUID) }
        guard !candidates.isEmpty else { return [] }
        let count = min(Self.extraCalibrationSlices, candidates.count)
        let picked = (0..<count).map { candidates[($0 * 2 + 1) * candidates.count / (2 * count)] }
        return measureSlices(picked).compactMap { try? $0?.get().size }
    }

    /// At most this many slices are added for the localizer calibration.
    static let extraCalibrationSlices = 9

    static func measureSlice(_ header: CTImageHeader, settings: PixelAnalysisSettings) throws -> SliceMeasurement {
        try analyse(decodedImage(header), header: header, settings: settings)
    }

    /// The image of `header`'s file and frame in Hounsfield units.
    static func decodedImage(_ header: CTImageHeader) throws -> HounsfieldImage {
        guard let path = header.filePath else { throw DICOMError.notFound("no file path for the image") }
        let frame = (header.frameNumber ?? 1) - 1
        return try CrashJournal.reading(path) {
            try DICOMFile.read(path) { file in
                CrashInjection.trapIfAsked("decode", path)
                return try file.hounsfieldImage(frame: frame)
            }
        }
    }

    /// Measures a decoded image whose header has been read (`ctdose slices` reads both from one parse).
    static func analyse(_ image: HounsfieldImage, header: CTImageHeader, settings: PixelAnalysisSettings) throws -> SliceMeasurement {
        let (slice, outline) = try outlined(image, header: header, settings: settings)
        let size = SliceSizeMeasurement.measure(slice, outline: outline)
        return SliceMeasurement(
            seriesInstanceUID: header.seriesInstanceUID, sopInstanceUID: header.sopInstanceUID, frameNumber: header.frameNumber,
            size: size, noise: GlobalNoise.measure(slice, outline: outline, settings: settings.noise),
            ctdiVolMilligray: header.ctdiVolMilligray, ssdeMilligray: nil,
            centringOffset: IsocentreLocation(header).offset(of: size))
    }

    /// The slice cropped to its content and the patient's outline on it.
    static func outlined(_ image: HounsfieldImage, header: CTImageHeader, settings: PixelAnalysisSettings) throws
        -> (slice: AxialSlice, outline: PatientOutline)
    {
        let slice = try axialSlice(image, header: header).croppedToContent(
            thresholdHounsfield: settings.segmentation.thresholdHounsfield, marginPixels: settings.cropMarginPixels(header: header))
        return (slice, PatientSegmentation.segment(slice, settings: settings.segmentation))
    }

    /// A PNG of the mid-scan slice with the measured outline (decoded and outlined again: only per-slice
    /// numbers are kept; the outline is the one the slice's size was measured on).
    static func midScanThumbnail(_ header: CTImageHeader, settings: PixelAnalysisSettings) -> Data? {
        guard let (slice, outline) = try? outlined(decodedImage(header), header: header, settings: settings) else { return nil }
        let thumbnail = OutlineThumbnail(slice: slice, body: outline.body)
        return PNGEncoder.encode(width: thumbnail.width, height: thumbnail.height, rgb: thumbnail.rgb)
    }

    static func axialSlice(_ image: HounsfieldImage, header: CTImageHeader) throws -> AxialSlice {
        guard let spacing = header.pixelSpacingMillimeters, spacing.allSatisfy({ $0 > 0 }) else {
            throw DICOMError.notFound("Pixel Spacing (0028,0030) missing, zero or not a number")
        }
        if let problem = GeometryLimits.spacingProblem(spacing) { throw DICOMError.unsupported(problem) }
        let o = header.imageOrientation ?? [1, 0, 0, 0, 1, 0]
        let position = header.imagePositionMillimeters.flatMap { $0.count == 3 ? (x: $0[0], y: $0[1], z: $0[2]) : nil }
        // Padding becomes NaN; without padding the values are used as they are (no copy).
        let values = !image.hasPadding ? image.hounsfieldUnits : image.hounsfieldUnits.withUnsafeBufferPointer { units in
            image.isPadding.withUnsafeBufferPointer { padding in
                precondition(padding.count == units.count, "padding mask does not match the image")
                // Branch-free on the bits (Bool is a 0/1 byte), so the loop vectorizes.
                return padding.withMemoryRebound(to: UInt8.self) { padding in
                    [Float](unsafeUninitializedCapacity: units.count) { out, count in
                        let nan = Float.nan.bitPattern
                        for i in 0..<units.count {
                            let isPadding = 0 &- UInt32(padding[i])
                            out[i] = Float(bitPattern: units[i].bitPattern & ~isPadding | nan & isPadding)
                        }
                        count = units.count
                    }
                }
            }
        }
        var circle: (centerColumn: Double, centerRow: Double, radiusPixels: Double)?
        if let diameter = header.reconstructionDiameterMillimeters, diameter > 0 {
            let width = Double(image.columns) * spacing[1]
            circle = AxialSlice.centredFieldOfView(
                reconstructionDiameterMillimeters: min(diameter, width), rows: image.rows, columns: image.columns,
                columnSpacingMillimeters: spacing[1])
        }
        return AxialSlice(
            rows: image.rows, columns: image.columns, hounsfieldUnits: values, rowSpacingMillimeters: spacing[0],
            columnSpacingMillimeters: spacing[1], rowDirection: (o[0], o[1], o[2]), columnDirection: (o[3], o[4], o[5]),
            zMillimeters: header.zMillimeters ?? 0, fieldOfViewCircle: circle, imagePositionMillimeters: position)
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}

private final class ResultList: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Result<SliceMeasurement, any Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<SliceMeasurement, any Error>) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }
}

extension Array where Element == Double {
    var middle: Double? { isEmpty ? nil : (first! + last!) / 2 }
}

extension CTImageHeader {
    /// The header values the pixel pass reads (`SeriesPixelAnalyzer`, `LocalizerViews`,
    /// `IsocentreLocation`, `ExamPixelPass`'s order of localizer images), as text: with the file's size
    /// and modification time they key a stored pixel result (`StoredStudyPixels.key`). A field the pass
    /// comes to read must be added here, or results measured before would be reused without it.
    var pixelKeyText: String {
        let values: [Any?] = [
            sopInstanceUID, seriesInstanceUID, instanceNumber, frameNumber, imagePositionMillimeters, imageOrientation,
            pixelSpacingMillimeters, reconstructionDiameterMillimeters, gantryTiltDegrees, tableHeightMillimeters,
            distanceSourceToDetectorMillimeters, distanceSourceToPatientMillimeters, patientPosition, dataCollectionCenterMillimeters,
            ctdiVolMilligray,
        ]
        return values.map { $0.map { "\($0)" } ?? "-" }.joined(separator: "|") + "\n"
    }
}
