import DICOMBridge
import DoseModel
import Foundation
import PixelAnalysis

/// The localizer views of a series: a two-view localizer (AP and lateral topograms, in one series or
/// two) gives the patient's LAT on the frontal view and AP on the lateral one. The first frontal and
/// the first lateral image that cover the z are measured (frontal first), each checked against and
/// calibrated on the series' axial slices; images of a view already measured are not decoded.
enum LocalizerViews {
    /// Candidates decoded at most (a localizer series rarely holds more than two images).
    static let maximumImagesDecoded = 8

    static func measure(_ candidates: [CTImageHeader], atZ z: Double, calibratingOn slices: [SliceSize])
        -> (views: [LocalizerSize], problems: [String])
    {
        var views: [LocalizerProjection: LocalizerSize] = [:]
        var problems: [String] = []
        var decoded = 0
        for header in candidates where decoded < maximumImagesDecoded && views.count < 2 {
            guard let o = header.imageOrientation, o.count == 6 else { continue }
            let projection = LocalizerProjection(rowDirection: (o[0], o[1], o[2]), columnDirection: (o[3], o[4], o[5]))
            guard projection != .unknown, views[projection] == nil else { continue }
            decoded += 1
            do {
                if let size = try measure(header, atZ: z, calibratingOn: slices) { views[size.projection] = size }
            } catch {
                problems.append("localizer \(header.sopInstanceUID): \(error)")
            }
        }
        return ([views[.frontal], views[.lateral]].compactMap { $0 }, problems)
    }

    static func measure(_ header: CTImageHeader, atZ z: Double, calibratingOn slices: [SliceSize]) throws -> LocalizerSize? {
        guard let path = header.filePath else { return nil }
        let image = try CrashJournal.reading(path) { try DICOMFile.read(path) { file in try file.hounsfieldImage(frame: 0) } }
        guard let spacing = header.pixelSpacingMillimeters, spacing.count == 2, let o = header.imageOrientation, o.count == 6,
              let p = header.imagePositionMillimeters, p.count == 3 else { return nil }
        if let problem = GeometryLimits.spacingProblem(spacing) { throw DICOMError.unsupported(problem) }
        let localizer = LocalizerImage(
            rows: image.rows, columns: image.columns, values: image.hounsfieldUnits, rowSpacingMillimeters: spacing[0],
            columnSpacingMillimeters: spacing[1], rowDirection: (o[0], o[1], o[2]), columnDirection: (o[3], o[4], o[5]),
            originMillimeters: (p[0], p[1], p[2]), sourceToDetectorMillimeters: header.distanceSourceToDetectorMillimeters,
            sourceToPatientMillimeters: header.distanceSourceToPatientMillimeters)
        return LocalizerMeasurement.measure(localizer, atZ: z, calibratingOn: slices)
    }
}
