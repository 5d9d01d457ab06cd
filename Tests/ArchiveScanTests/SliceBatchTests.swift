import Foundation
import PixelAnalysis
import Testing
@testable import ArchiveScan

/// `ctdose slices`' batch: every file measured once, the lines in the order given, whatever the
/// number of workers, and a file that cannot be read gives its error line without stopping the rest.
@Suite struct SliceBatchTests {
    @Test(arguments: [2, 3, 8]) func linesInOrderForAnyNumberOfWorkers(jobs: Int) throws {
        let axial = StoreFixture.sampleExam + "/axial"
        let images = try FileManager.default.contentsOfDirectory(atPath: axial).sorted().map { axial + "/" + $0 }
        #expect(images.count == 20)
        let missing = axial + "/no-such-image.dcm"
        let files = Array(images[..<7]) + [missing] + Array(images[7...]) + images  // the slices twice over
        let one = SliceBatch(jobs: 1, settings: PixelAnalysisSettings()).measure(files: files, decodeOnly: false)
        let many = SliceBatch(jobs: jobs, settings: PixelAnalysisSettings()).measure(files: files, decodeOnly: false)
        #expect(many == one)
        #expect(one.count == files.count)
        for (line, path) in zip(one, files) { #expect(line.hasPrefix(path + ",")) }
        // The missing file names its error; the images around it have measured a size.
        #expect(one[7].count > (missing + ",,,,,,,,,,,,").count)
        #expect(one[6].split(separator: ",", omittingEmptySubsequences: false)[4] != "")
        #expect(one[8].split(separator: ",", omittingEmptySubsequences: false)[4] != "")
        // The second pass over the images gives their lines again.
        #expect(Array(one[21...]) == Array(one[0..<7] + one[8...20]))
    }
}
