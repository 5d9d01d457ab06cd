import CSVFormat
import PixelAnalysis
import QualityMeasures

/// A QA phantom recognised by its images, whatever it is called: a cylinder (CTDI, water, ACR or
/// Catphan phantoms are round and the same along their length) where a patient is neither round nor
/// the same from slice to slice. An exam is taken for a phantom when it has a series with at least
/// `minimumSlices` whole (not truncated) measured slices over `minimumLengthMillimeters`, and every
/// such series shows, on every whole slice, AP and lateral extents within `tolerance` of their mean,
/// an area that of the ellipse of those extents within `tolerance` (π·AP·LAT/4: no concave outline),
/// and area and water-equivalent diameters whose spread along the series is within `tolerance` of
/// their median. ctdose's choice [U]; `--phantom-shape`.
public struct PhantomShape: Sendable, Equatable {
    public var tolerance = 0.03
    public var minimumSlices = 3
    public var minimumLengthMillimeters = 30.0

    public init() {}

    /// `--phantom-shape`: "off", or TOLERANCE:MM ("0.03:30").
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
        guard parts.count == 2, let tolerance = parts[0], let length = parts[1], tolerance > 0, tolerance < 0.5,
              length.isFinite, length >= 0 else { return nil }
        self.tolerance = tolerance
        minimumLengthMillimeters = length
    }

    /// Why the slices of an exam show a phantom ("its images show a cylinder …"), or nil.
    public func reason(_ slices: [SliceMeasurement]) -> String? {
        var bySeries: [String: [SliceSize]] = [:]
        for slice in slices where !slice.size.truncated { bySeries[slice.seriesInstanceUID, default: []].append(slice.size) }
        let assessed = bySeries.keys.sorted().compactMap { uid -> (cylinder: Bool, sizes: [SliceSize])? in
            let sizes = bySeries[uid]!
            let z = sizes.map(\.zMillimeters)
            guard sizes.count >= minimumSlices, let low = z.min(), let high = z.max(), high - low >= minimumLengthMillimeters else { return nil }
            return (isCylinder(sizes), sizes)
        }
        guard let first = assessed.first, assessed.allSatisfy(\.cylinder) else { return nil }
        let sizes = first.sizes
        let median = { (values: [Double]) in DistributionSummary.quantile(values.sorted(), 0.5) }
        let z = sizes.map(\.zMillimeters)
        let dw = sizes.map(\.waterEquivalentDiameterCentimeters)
        let spread = (dw.max()! - dw.min()!) / median(dw)
        return "its images show a cylinder: " + FixedDecimal.text(median(sizes.map(\.areaEquivalentDiameterCentimeters)), places: 1)
            + " cm across (AP " + FixedDecimal.text(median(sizes.map(\.apCentimeters)), places: 1) + ", lateral "
            + FixedDecimal.text(median(sizes.map(\.lateralCentimeters)), places: 1) + " cm), water-equivalent "
            + FixedDecimal.text(median(dw), places: 1) + " cm within " + FixedDecimal.text(spread * 100, places: 1) + " % over "
            + FixedDecimal.text(z.max()! - z.min()!, places: 0) + " mm (a phantom's shape)"
    }

    private func isCylinder(_ sizes: [SliceSize]) -> Bool {
        let round = sizes.allSatisfy { size in
            let mean = (size.apCentimeters + size.lateralCentimeters) / 2
            let ellipseArea = Double.pi * size.apCentimeters * size.lateralCentimeters / 4
            return mean > 0 && abs(size.apCentimeters - size.lateralCentimeters) <= tolerance * mean
                && abs(size.areaSquareCentimeters - ellipseArea) <= tolerance * ellipseArea
        }
        func constant(_ values: [Double]) -> Bool {
            let median = DistributionSummary.quantile(values.sorted(), 0.5)
            return median > 0 && values.max()! - values.min()! <= tolerance * median
        }
        return round && constant(sizes.map(\.areaEquivalentDiameterCentimeters)) && constant(sizes.map(\.waterEquivalentDiameterCentimeters))
    }
}
