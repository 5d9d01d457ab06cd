@testable import ArchiveScan
import DoseModel
import Foundation
import Testing

/// The key of a series' stored pixel results names everything they were derived from: another file
/// content or stamp, other settings, other localizers or another order of them give another key.
struct StoredSeriesPixelsTests {
    static func image(_ path: String?, series: String = "1.2") -> CTImageHeader {
        var header = CTImageHeader(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", sopInstanceUID: path ?? "none", studyInstanceUID: "1",
                                   seriesInstanceUID: series)
        header.filePath = path
        return header
    }

    static func fingerprint(size: Int64 = 100, mtime: Int64 = 5) -> Data {
        StoredStudyPixels.fingerprint(sizeBytes: size, modificationNanoseconds: mtime)
    }

    static let files = ["/a/1.dcm": fingerprint(mtime: 1), "/a/2.dcm": fingerprint(mtime: 2), "/l/1.dcm": fingerprint(mtime: 3),
                        "/l/2.dcm": fingerprint(mtime: 4)]

    static func stored(_ files: [String: Data] = files, settings: String = "all") -> StoredStudyPixels {
        StoredStudyPixels(fileFingerprints: files, series: [:], settingsText: settings)
    }

    let series = [Self.image("/a/2.dcm"), Self.image("/a/1.dcm")]
    let localizers = [Self.image("/l/1.dcm", series: "9"), Self.image("/l/2.dcm", series: "9")]

    @Test func keyIsTheSameForTheSameInputsInAnyOrderOfTheSeriesImages() throws {
        let key = try #require(Self.stored().key(series: series, localizers: localizers))
        #expect(key.count == 64 && key.allSatisfy(\.isHexDigit))
        #expect(Self.stored().key(series: series.reversed(), localizers: localizers) == key)
    }

    @Test func keyChangesWithAnyInput() throws {
        let key = try #require(Self.stored().key(series: series, localizers: localizers))
        var changed = Self.files
        changed["/a/1.dcm"] = Self.fingerprint(mtime: 6)
        let others = [
            Self.stored(settings: "mid").key(series: series, localizers: localizers),
            Self.stored(changed).key(series: series, localizers: localizers),
            Self.stored().key(series: series, localizers: localizers.reversed()),  // the first frontal view measured may differ
            Self.stored().key(series: series, localizers: []),
            Self.stored().key(series: [series[0]], localizers: localizers),
        ]
        for other in others { #expect(other != nil && other != key) }
        #expect(Self.fingerprint(size: 101) != Self.fingerprint())
        #expect(Self.fingerprint(mtime: 6) != Self.fingerprint())
    }

    /// The key holds the header values the pixel pass reads, and only those: a field it reads, read
    /// differently, gives another key; one it does not read (another ctdose may add or read such fields)
    /// leaves the key, so the stored results are reused.
    @Test func keyFollowsTheHeaderValuesThePixelPassReads() throws {
        let key = try #require(Self.stored().key(series: series, localizers: localizers))
        let read: [(inout CTImageHeader) -> Void] = [
            { $0.pixelSpacingMillimeters = [0.7, 0.7] }, { $0.imagePositionMillimeters = [0, 0, 5] }, { $0.imageOrientation = [1, 0, 0, 0, 1, 0] },
            { $0.reconstructionDiameterMillimeters = 350 }, { $0.tableHeightMillimeters = 120 }, { $0.gantryTiltDegrees = 10 },
            { $0.patientPosition = "FFS" }, { $0.dataCollectionCenterMillimeters = [0, 0, 1] }, { $0.distanceSourceToPatientMillimeters = 570 },
            { $0.distanceSourceToDetectorMillimeters = 1040 }, { $0.instanceNumber = 3 }, { $0.frameNumber = 2 }, { $0.ctdiVolMilligray = 9 },
        ]
        for change in read {
            var changed = series
            change(&changed[0])
            #expect(Self.stored().key(series: changed, localizers: localizers) != key)
            var changedLocalizers = localizers
            change(&changedLocalizers[1])
            #expect(Self.stored().key(series: series, localizers: changedLocalizers) != key)
        }
        var unread = series
        unread[0].studyDescription = "CT ABDOMEN"
        unread[0].kvp = 100
        unread[1].seriesDescription = "edited"
        unread[1].imageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        #expect(Self.stored().key(series: unread, localizers: localizers) == key)
    }

    @Test func noKeyForAnImageWithoutAStoredFile() {
        #expect(Self.stored().key(series: series + [Self.image(nil)], localizers: localizers) == nil)
        #expect(Self.stored().key(series: series + [Self.image("/a/3.dcm")], localizers: localizers) == nil)
    }

    @Test func reusedResultsCarryThisExamsLabelsAndNoDose() throws {
        var measurement = SeriesMeasurement(
            seriesInstanceUID: "1.2", irradiationEventUID: "old-event", choice: "old", imageCount: 2, analysedSliceCount: 2,
            sliceSelection: "all", truncatedSliceCount: 0, sizeMethod: "mid-scan axial", noiseMethod: "n", problems: [])
        measurement.ssdeMilligray = 12
        measurement.ssdeNote = "event CTDIvol"
        measurement.meanSSDEOfSlicesMilligray = 11
        measurement.midScanThumbnail = "thumbnails/1.2.png"
        let slice = try JSONDecoder().decode(SliceMeasurement.self, from: Data("""
            {"seriesInstanceUID": "1.2", "sopInstanceUID": "3", "ctdiVolMilligray": 10, "ssdeMilligray": 13,
             "size": {"zMillimeters": 0, "areaSquareCentimeters": 1, "areaEquivalentDiameterCentimeters": 1,
                      "waterEquivalentDiameterCentimeters": 1, "apCentimeters": 1, "lateralCentimeters": 1, "truncated": false,
                      "truncatedOutlineFraction": 0},
             "noise": {"tissueHounsfield": 10, "tissuePixels": 100, "airPixels": 0, "kernelPixels": 9}}
            """.utf8))
        var stored = Self.stored()
        stored.series["1.2"] = StoredSeriesPixels(key: "k", measurement: measurement, slices: [slice], thumbnail: Data([1]))
        #expect(stored.reusable("1.2", key: "other", eventUID: "new-event", choice: "new") == nil)
        #expect(stored.reusable("1.3", key: "k", eventUID: "new-event", choice: "new") == nil)
        let reused = try #require(stored.reusable("1.2", key: "k", eventUID: "new-event", choice: "new"))
        #expect(reused.measurement.irradiationEventUID == "new-event" && reused.measurement.choice == "new")
        #expect(reused.measurement.ssdeMilligray == nil && reused.measurement.ssdeNote == nil)
        #expect(reused.measurement.meanSSDEOfSlicesMilligray == nil && reused.measurement.midScanThumbnail == nil)
        #expect(reused.slices.map(\.ssdeMilligray) == [nil] && reused.slices.map(\.ctdiVolMilligray) == [10])
        #expect(reused.thumbnail == Data([1]))
        // A thumbnail that another study's series of the same UID took over: measured again instead.
        stored.series["1.2"]?.thumbnail = nil
        #expect(stored.reusable("1.2", key: "k", eventUID: "new-event", choice: "new") == nil)
    }
}
