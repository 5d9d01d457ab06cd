import DoseModel
import PixelAnalysis

/// Settings of the pixel pass (`ctdose scan --slices`, segmentation and noise parameters).
public struct PixelAnalysisSettings: Sendable {
    public var enabled = true
    public var slices: SliceSelection = .all
    public var segmentation = SegmentationSettings()
    public var noise = GlobalNoiseSettings()
    public var centring = CentringSettings()

    public init() {}

    /// Margin kept around the image content when a slice is cropped before measuring: room for the
    /// couch-removal opening (2·radius + 3) and for air-noise windows (a kernel plus 16 pixels).
    func cropMarginPixels(header: CTImageHeader) -> Int {
        let spacing = header.pixelSpacingMillimeters?.min() ?? 1
        let opening = Int(rounding: segmentation.couchRemovalRadiusMillimeters / spacing, clampedTo: 0...4_096)
        return max(2 * opening + 3, noise.kernelPixels(spacingMillimeters: spacing) + 16)
    }
}

/// One analysed slice (a row of slices.csv).
public struct SliceMeasurement: Sendable, Codable {
    public var seriesInstanceUID: String
    public var sopInstanceUID: String
    public var frameNumber: Int?
    public var size: SliceSize
    public var noise: SliceNoise
    /// CTDIvol (0018,9345) of this image, when the header has one.
    public var ctdiVolMilligray: Double?
    /// SSDE(z) = CTDIvol(z) × f(Dw(z)) (AAPM 204 / 220; head: AAPM 293, unverified).
    public var ssdeMilligray: Double?
    /// The patient's centre relative to the isocentre, when the isocentre is known.
    public var centringOffset: CentringOffset? = nil
}

/// The five mid-scan diameters of the size study (arXiv 2503.06644), in centimetres.
public struct MidScanDiameters: Sendable, Codable, Equatable {
    /// AAPM 220 water-equivalent diameter.
    public var waterEquivalent: Double
    /// HU-threshold area-equivalent diameter 2√(A/π).
    public var areaEquivalent: Double
    /// AAPM 204 LAT-only conversion of the lateral extent.
    public var lateralConversion: Double
    /// √(AP·LAT) (AAPM 204 effective diameter).
    public var geometricMeanAPLateral: Double
    /// (AP + LAT) / 2.
    public var arithmeticMeanAPLateral: Double
    public var apCentimeters: Double
    public var lateralCentimeters: Double

    init(_ s: SliceSize) {
        waterEquivalent = s.waterEquivalentDiameterCentimeters
        areaEquivalent = s.areaEquivalentDiameterCentimeters
        lateralConversion = s.effectiveDiameterFromLateralCentimeters
        geometricMeanAPLateral = s.geometricMeanDiameterCentimeters
        arithmeticMeanAPLateral = s.arithmeticMeanDiameterCentimeters
        apCentimeters = s.apCentimeters
        lateralCentimeters = s.lateralCentimeters
    }
}

/// Size and noise of one analysed series.
public struct SeriesMeasurement: Sendable, Codable {
    public var seriesInstanceUID: String
    public var irradiationEventUID: String?
    /// Why this series was chosen for its event.
    public var choice: String
    public var imageCount: Int
    public var analysedSliceCount: Int
    public var sliceSelection: String
    public var midScan: MidScanDiameters?
    public var midScanSOPInstanceUID: String?
    /// PNG of the mid-scan slice with the measured outline, relative to the output folder.
    public var midScanThumbnail: String?
    public var midScanZMillimeters: Double?
    public var midScanTruncated: Bool?
    public var midScanTruncatedOutlineFraction: Double?
    public var meanWaterEquivalentDiameterCentimeters: Double?
    public var truncatedSliceCount: Int
    /// The localizer measurement at the mid-scan z, when a localizer was available (the frontal view
    /// when there is one).
    public var localizer: LocalizerSize?
    /// The other view of a two-view localizer (lateral, when `localizer` is frontal).
    public var localizerSecondView: LocalizerSize?
    /// Which size the measure uses: "mid-scan axial", "localizer (…)" or "mid-scan axial, truncated".
    public var sizeMethod: String
    /// Mean over the analysed images of the per-image local-SD mode (HU).
    public var globalNoiseTissueHounsfield: Double?
    public var globalNoiseAirHounsfield: Double?
    public var noiseMethod: String
    /// SSDE (AAPM 204 / 220 from the mean Dw over the series; AAPM 293 for head, unverified) and its CTDIvol source.
    public var ssdeMilligray: Double?
    public var ssdeNote: String?
    /// IEC 62985: the mean of SSDE(z) over the analysed slices, where every slice header has CTDIvol.
    public var meanSSDEOfSlicesMilligray: Double?
    public var problems: [String]
    /// The patient's centring relative to the isocentre over the analysed slices.
    public var centring: SeriesCentring? = nil
    /// How the isocentre and the patient's posture were found, or why there is no centring.
    public var centringMethod: String? = nil
}
