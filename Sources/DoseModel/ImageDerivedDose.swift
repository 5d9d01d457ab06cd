import Foundation

/// Irradiation events computed from CT image attributes (DICOM CID 10021 code 113867 "Computed From
/// Image Attributes") for studies without a dose report: older scanners, or archives that dropped it.
///
/// One event per acquisition: series with the same Irradiation Event UID are one acquisition; without
/// UIDs, axial series with the same acquisition start and the same CTDIvol are reconstructions of one
/// acquisition. The event's DLP is Σ CTDIvol(z)·Δz over the longest reconstruction, using per-slice
/// CTDIvol (0018,9345) where present. This is the *reconstructed* length: overranging and any
/// unreconstructed scan length are not in the images, so the DLP is a lower bound and says so.
public enum ImageDerivedDose {
    public static func events(from images: [CTImageHeader]) -> [IrradiationEvent] {
        let candidates = images.filter { !$0.isLocalizer && $0.isAxial && $0.ctdiVolMilligray != nil }
        let bySeries = Dictionary(grouping: candidates, by: \.seriesInstanceUID)
        var acquisitions: [String: [[CTImageHeader]]] = [:]
        for (_, slices) in bySeries {
            let first = slices[0]
            let key = first.irradiationEventUID
                ?? "\(slices.compactMap(\.acquisitionDateTime).min() ?? "")|\(rounded(slices.compactMap(\.ctdiVolMilligray).max()))"
            acquisitions[key, default: []].append(slices)
        }
        return acquisitions.keys.sorted().compactMap { key in
            let series = acquisitions[key]!
            // The longest reconstruction covers the most of the irradiated range.
            guard let slices = series.max(by: { length(of: $0) < length(of: $1) }) else { return nil }
            return event(from: slices, eventUID: slices[0].irradiationEventUID)
        }
    }

    static func event(from slices: [CTImageHeader], eventUID: String?) -> IrradiationEvent {
        let sorted = slices.sorted { ($0.zMillimeters ?? 0) < ($1.zMillimeters ?? 0) }
        let z = sorted.map { $0.zMillimeters ?? 0 }
        var dlp = 0.0
        for (i, slice) in sorted.enumerated() {
            dlp += (slice.ctdiVolMilligray ?? 0) * coverageMillimeters(of: i, z: z, thickness: sorted[0].sliceThicknessMillimeters) / 10
        }
        let first = sorted[0]
        var event = IrradiationEvent()
        event.source = .computedFromImageAttributes
        event.irradiationEventUID = eventUID
        event.acquisitionType = first.acquisitionType == .unknown ? (first.spiralPitchFactor != nil ? .spiral : .unknown) : first.acquisitionType
        event.acquisitionProtocol = first.protocolName ?? first.seriesDescription
        // Each value divided first: a sum of values near the largest Double would overflow.
        event.ctdiVolMilligray = sorted.compactMap(\.ctdiVolMilligray).reduce(0) { $0 + $1 / Double(sorted.count) }
        event.dlpMilligrayCentimeters = dlp
        event.phantom = first.ctdiPhantom ?? .unknown
        event.scanningLengthMillimeters = length(of: sorted)
        event.pitchFactor = first.spiralPitchFactor
        event.nominalTotalCollimationMillimeters = first.totalCollimationWidthMillimeters
        event.nominalSingleCollimationMillimeters = first.singleCollimationWidthMillimeters
        event.xRaySources = [XRaySourceParameters(kvp: first.kvp, tubeCurrentMilliampere: first.tubeCurrentMilliampere)]
        event.startDateTime = sorted.compactMap(\.acquisitionDateTime).min()
        event.comment = "computed from \(sorted.count) image headers (reconstructed length; lower bound of the irradiated DLP)"
        return event
    }

    /// Reconstructed length: z-extent plus one slice spacing (or the slice thickness for one slice).
    static func length(of slices: [CTImageHeader]) -> Double {
        let zs = slices.compactMap(\.zMillimeters).sorted()
        guard let low = zs.first, let high = zs.last else { return 0 }
        let spacing = zs.count > 1 ? (high - low) / Double(zs.count - 1) : (slices[0].sliceThicknessMillimeters ?? 0)
        return high - low + spacing
    }

    /// The z-interval a slice stands for: half the distance to each neighbour (edge slices mirror).
    private static func coverageMillimeters(of index: Int, z: [Double], thickness: Double?) -> Double {
        guard z.count > 1 else { return thickness ?? 0 }
        let before = index > 0 ? z[index] - z[index - 1] : z[1] - z[0]
        let after = index < z.count - 1 ? z[index + 1] - z[index] : z[index] - z[index - 1]
        return (before + after) / 2
    }

    /// CTDIvol in hundredths of a mGy, as text (formatted, not converted to Int: a corrupt header's
    /// 1e300 must group, not trap).
    private static func rounded(_ value: Double?) -> String {
        value.map { String(format: "%.0f", ($0 * 100).rounded() + 0) } ?? "-"  // + 0: −0 prints as 0
    }
}
