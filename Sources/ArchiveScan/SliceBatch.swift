import CSVFormat
import DICOMBridge
import DoseModel
import Foundation
import PixelAnalysis
import Synchronization

/// Measures individual CT image files in parallel (no exam grouping): `ctdose slices` and the pixel benchmark.
public struct SliceBatch: Sendable {
    public let jobs: Int
    public let settings: PixelAnalysisSettings

    public init(jobs: Int, settings: PixelAnalysisSettings) {
        self.jobs = max(1, jobs)
        self.settings = settings
    }

    /// One CSV line per file, in the order given.
    public func measure(files: [String], decodeOnly: Bool) -> [String] {
        AllocatorTuning.apply()
        let lines = LineList(count: files.count)
        let group = DispatchGroup()
        // One job per worker, each taking the next file until none is left: no hand-over per file.
        for _ in 0..<min(jobs, files.count) {
            group.enter()
            LargeStackWorkers.pool(count: jobs).submit { [settings] in
                defer { group.leave() }
                while let index = lines.claim() {
                    lines.set(index, Self.line(path: files[index], decodeOnly: decodeOnly, settings: settings))
                }
            }
        }
        group.wait()
        return lines.values
    }

    /// Decodes and measures one CT image file (frame 1), its header and pixels from one parse.
    public static func measurement(path: String, settings: PixelAnalysisSettings) throws -> SliceMeasurement {
        let (header, image) = try CrashJournal.reading(path) {
            try DICOMFile.read(path) { file in
                var header = try CTImageHeader(file: file)
                header.filePath = path
                CrashInjection.trapIfAsked("decode", path)
                return (header, try file.hounsfieldImage(frame: (header.frameNumber ?? 1) - 1))
            }
        }
        var slice = try SeriesPixelAnalyzer.analyse(image, header: header, settings: settings)
        // The slice alone decides whether a coordinate origin stands for the isocentre.
        let whole = slice.size.truncated ? [] : [slice.centringOffset].compactMap { $0 }
        if !IsocentreLocation(header).verdict(wholeSlices: whole, settings: settings.centring).accepted { slice.centringOffset = nil }
        return slice
    }

    static func line(path: String, decodeOnly: Bool, settings: PixelAnalysisSettings) -> String {
        do {
            if decodeOnly {
                _ = try DICOMFile.read(path) { file in try file.hounsfieldImage(frame: 0) }
                return CSVText.quote(path) + ",,,,,,,,,,,,"
            }
            let m = try measurement(path: path, settings: settings)
            let size = m.size
            return [CSVText.quote(path), CSVTable.number(size.zMillimeters), CSVTable.decimal(size.areaSquareCentimeters),
                    CSVTable.decimal(size.areaEquivalentDiameterCentimeters), CSVTable.decimal(size.waterEquivalentDiameterCentimeters),
                    CSVTable.decimal(size.apCentimeters), CSVTable.decimal(size.lateralCentimeters), size.truncated ? "true" : "false",
                    m.noise.tissueHounsfield.map(CSVTable.decimal) ?? "", m.noise.airHounsfield.map(CSVTable.decimal) ?? "",
                    m.centringOffset.map { CSVTable.decimal($0.verticalMillimeters) } ?? "",
                    m.centringOffset.map { CSVTable.decimal($0.lateralMillimeters) } ?? "", ""]
                .joined(separator: ",")
        } catch {
            return CSVText.quote(path) + ",,,,,,,,,,,," + CSVText.quote("\(error)")
        }
    }
}

private final class LineList: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [String]
    private let claimed = Atomic<Int>(0)
    init(count: Int) { values = Array(repeating: "", count: count) }

    /// The next line no worker has taken yet, or nil when all are.
    func claim() -> Int? {
        let index = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < values.count ? index : nil
    }

    func set(_ index: Int, _ line: String) {
        lock.lock()
        values[index] = line
        lock.unlock()
    }
}
