import ArchiveScan
import ArgumentParser
import Foundation
import PixelAnalysis

struct SlicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slices",
        abstract: "Measure patient size and noise on individual CT images (no exam grouping).",
        discussion: """
            Prints one CSV row per image (columns as in slices.csv) and, on stderr, the images per second.
            --decode-only decodes and converts to HU without measuring (to see the cost of decoding).

            Examples:
              ctdose slices ../shared/corpus/ct-series/toshiba-wholebody-phantom
              ctdose slices scans/*.dcm --decode-only
            """
    )

    @Argument(help: "CT image files or folders.")
    var paths: [String]

    @Flag(name: .long, help: "Only decode and convert to HU.")
    var decodeOnly = false

    @Option(name: .long, help: "Parallel workers (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        var files: [String] = []
        _ = ArchiveWalker().walk(paths) { files.append($0) }
        let started = Date()
        let rows = SliceBatch(jobs: jobs, settings: PixelAnalysisSettings()).measure(files: files, decodeOnly: decodeOnly)
        let seconds = Date().timeIntervalSince(started)
        print("file,z_mm,area_cm2,areaEquivalentDiameter_cm,waterEquivalentDiameter_cm,ap_cm,lateral_cm,truncated,noise_hu,airNoise_hu,verticalOffset_mm,lateralOffset_mm,error")
        for row in rows { print(row) }
        let rate = Double(files.count) / max(seconds, 1e-9)
        FileHandle.standardError.write(Data(String(format: "%d images in %.3f s: %.1f images/s (%@)\n", files.count, seconds, rate,
                                                   decodeOnly ? "decode only" : "decode + size + noise").utf8))
    }
}
