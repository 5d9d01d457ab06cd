import Foundation
import PixelAnalysis
import Testing
@testable import ArchiveScan

/// Per-slice Dw on the Toshiba whole-body phantom against an independent implementation,
/// dicom-image-tools (values in Fixtures/toshiba-wholebody-dw.json, made by Scripts/make-dw-fixtures.py).
@Suite(.enabled(if: Corpus.isAvailable, Corpus.absentMessage))
struct CorpusSizeTests {
    struct Reference: Decodable {
        struct Slice: Decodable {
            let file: String
            let z_mm: Double
            let perSlice_cm: Double?
            let volume_cm: Double?
        }
        let slices: [Slice]
    }

    static let reference: Reference = {
        let url = Bundle.module.url(forResource: "Fixtures/toshiba-wholebody-dw", withExtension: "json")!
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    @Test func waterEquivalentDiameterAgreesWithDicomImageTools() throws {
        let folder = Corpus.path("ct-series/toshiba-wholebody-phantom/")
        let settings = PixelAnalysisSettings()
        #expect(Self.reference.slices.count == 88)
        for slice in Self.reference.slices {
            let measured = try SliceBatch.measurement(path: folder + slice.file, settings: settings).size
            let dw = measured.waterEquivalentDiameterCentimeters
            switch (slice.perSlice_cm, slice.volume_cm) {
            case (nil, nil):
                // Beyond the phantom: only the couch is in the image; neither tool finds a patient.
                #expect(measured.areaSquareCentimeters == 0, "z \(slice.z_mm): couch taken for patient (Dw \(dw))")
            case (let perSlice?, let volume):
                // The tool's per-slice (2-D) mode: ctdose also segments slice by slice.
                #expect(abs(dw - perSlice) / perSlice < 0.01, "z \(slice.z_mm): Dw \(dw) vs \(perSlice) cm")
                // Its default volume (3-D) mode differs where 3-D connectivity decides (arms, a seam in the phantom).
                if let volume { #expect(abs(dw - volume) / volume < 0.02, "z \(slice.z_mm): Dw \(dw) vs volume \(volume) cm") }
            case (nil, let volume?):
                // At z −110 mm the per-slice mode keeps the blob at the image centre, which is background
                // there: its mask is empty. Compare with the volume mode instead.
                #expect(abs(dw - volume) / volume < 0.01, "z \(slice.z_mm): Dw \(dw) vs volume \(volume) cm")
            }
        }
    }
    /// The Philips head phantoms' localizers are lateral (Image Orientation 0\1\0\0\0\-1: rows
    /// along y, dcmdump) and show a skull shell in display-processed values (−1024 air, the inside
    /// barely above it), so their row width is a fraction of the slices' AP and their values do not
    /// follow the slices' Dw: both are measured and named but not used.
    @Test(arguments: ["ct-series/philips-head-phantom", "ct-series/philips-head-phantom-tilted"])
    func philipsLocalizersAreCheckedAgainstTheAxialSlices(folder: String) throws {
        let result = ArchiveScanner(jobs: 2).scan([Corpus.path(folder)])
        let exam = try #require(result.exams.first)
        let series = try #require(result.seriesMeasurements[exam.studyInstanceUID]?.first)
        let localizer = try #require(series.localizer)
        #expect(localizer.projection == .lateral)
        #expect(localizer.widthAgreesWithAxialSlices == false)
        #expect(localizer.method.contains("; not used: the width is"))
        #expect(localizer.waterEquivalentDiameterCentimeters == nil)
        #expect(localizer.waterEquivalentMethod?.hasPrefix("no localizer Dw: the") == true)
        #expect(MeasureInputBuilder.size(from: series).localizer?.apCentimeters == nil)
        #expect(series.sizeMethod == "mid-scan axial")
    }
}
