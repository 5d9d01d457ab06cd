import ArchiveScan
import DoseModel
import Foundation

/// How CTDIvol and image noise follow patient size, per scanner, protocol and CTDI phantom: least-squares
/// fits of ln CTDIvol = a + b·Dw and noise = c + d·Dw over the diagnostic events whose series was
/// measured. Tube-current modulation that holds noise constant raises CTDIvol with size (b > 0) and
/// leaves d near 0; a fixed tube current gives b ≈ 0 and noise rising with size.
public struct ModulationResponse: Sendable, Equatable {
    /// Fits need this many events and a Dw range of `minimumDwSpreadCentimeters` (ctdose's choice).
    public static let minimumEvents = DwLineSums.minimumPoints
    public static let minimumDwSpreadCentimeters = DwLineSums.minimumSpreadCentimeters
    /// Events kept per group for its chart: a fixed sample (`DeterministicSample`).
    public static let chartPointLimit = 150

    /// One event for the chart: its series' Dw, its CTDIvol, and what the marker's tooltip names.
    public struct Point: Sendable, Equatable {
        public var dwCentimeters: Double
        public var ctdiVolMilligray: Double
        public var label: String
    }

    public var scanner: String
    public var acquisitionProtocol: String
    public var phantom: String
    public var eventCount: Int
    public var dwRangeCentimeters: ClosedRange<Double>
    /// e^b − 1: the relative change of CTDIvol per cm of Dw; nil without a fit.
    public var ctdiVolChangePerCentimeter: Double?
    /// R² of the ln CTDIvol fit.
    public var ctdiVolRSquared: Double?
    /// The fit's CTDIvol at the group's mean Dw (mGy).
    public var ctdiVolAtMeanDwMilligray: Double?
    public var meanDwCentimeters: Double
    /// Events with a global noise value, and d (HU per cm of Dw) when they allow a fit.
    public var noiseEventCount: Int
    public var noiseSlopeHounsfieldPerCentimeter: Double?
    /// The fit: ln CTDIvol = intercept + slope · Dw; nil without one.
    public var ctdiVolFit: (slope: Double, intercept: Double)? {
        guard let change = ctdiVolChangePerCentimeter, let atMean = ctdiVolAtMeanDwMilligray else { return nil }
        let slope = Foundation.log1p(change)
        return (slope, Foundation.log(atMean) - slope * meanDwCentimeters)
    }
    /// Up to `chartPointLimit` of its events, the same ones whatever the order of the folder.
    public var points: [Point] = []

    public struct Tally {
        private struct Key: Hashable { var scanner, acquisitionProtocol, phantom: String }
        private var dose: [Key: DwLineSums] = [:]
        private var noise: [Key: DwLineSums] = [:]
        private var samples: [Key: DeterministicSample<Point>] = [:]

        public init() {}

        /// The exam's diagnostic events (not localizers) with a CTDIvol and a measured series whose
        /// mid-scan slice is whole (a truncated one understates Dw).
        public mutating func add(_ exam: ExamRecord) {
            let scanner = ScannerName.of(exam)
            for event in exam.events where event.acquisitionType != CTAcquisitionType.constantAngle.rawValue {
                guard let ctdiVol = event.ctdiVol, ctdiVol > 0, let uid = event.diagnosticSeriesUID,
                      let dw = exam.measuredDwCentimeters(of: event) else { continue }
                let key = Key(scanner: scanner, acquisitionProtocol: event.protocolName, phantom: event.phantom)
                dose[key, default: DwLineSums()].add(x: dw, y: Foundation.log(ctdiVol))
                let id = event.irradiationEventUID ?? exam.studyInstanceUID + "/" + uid
                let label = "\(exam.studyInstanceUID): Dw \(HTML.number(dw)) cm, CTDIvol \(HTML.number(ctdiVol, places: 2)) mGy"
                samples[key, default: DeterministicSample(limit: ModulationResponse.chartPointLimit)]
                    .add(Point(dwCentimeters: dw, ctdiVolMilligray: ctdiVol, label: label), key: id)
                if let hu = exam.globalNoiseHounsfield(of: event) { noise[key, default: DwLineSums()].add(x: dw, y: hu) }
            }
        }

        /// One line per group, most events first, then by scanner and protocol.
        public var responses: [ModulationResponse] {
            dose.map { key, sums in
                let fit = sums.fit
                let noiseSums = noise[key]
                let mean = sums.meanX
                return ModulationResponse(
                    scanner: key.scanner, acquisitionProtocol: key.acquisitionProtocol, phantom: key.phantom, eventCount: Int(sums.n),
                    dwRangeCentimeters: sums.low...sums.high, ctdiVolChangePerCentimeter: fit.map { Foundation.exp($0.slope) - 1 },
                    ctdiVolRSquared: fit?.rSquared, ctdiVolAtMeanDwMilligray: fit.map { Foundation.exp($0.intercept + $0.slope * mean) },
                    meanDwCentimeters: mean, noiseEventCount: Int(noiseSums?.n ?? 0), noiseSlopeHounsfieldPerCentimeter: noiseSums?.fit?.slope,
                    points: samples[key]?.items ?? [])
            }
            .sorted { ($0.eventCount, $1.scanner, $1.acquisitionProtocol, $1.phantom) > ($1.eventCount, $0.scanner, $0.acquisitionProtocol, $0.phantom) }
        }
    }
}
