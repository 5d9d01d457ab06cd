import Crypto
import DoseModel
import Foundation
import ResultStore

/// A series' pixel results as an earlier assembly stored them (series_measurement, its slices and
/// thumbnail), with the key of what they were derived from.
struct StoredSeriesPixels: Sendable {
    var key: String
    var measurement: SeriesMeasurement
    var slices: [SliceMeasurement]
    var thumbnail: Data?
}

/// What a study's series may take from the store instead of decoding their pixels again: the
/// fingerprints of the study's stored files and the pixel results its last assembly stored. A study
/// assembled again (another ctdose, other validation settings, a new dose report, a file of another
/// series changed) keeps a series' results when its key is the same.
struct StoredStudyPixels: Sendable {
    /// SHA-256 of each stored CT image file's size and modification time, by path.
    var fileFingerprints: [String: Data]
    /// The stored results, by Series Instance UID, of those stored with a key.
    var series: [String: StoredSeriesPixels]
    /// `PixelAnalysisSettings.settingsText` of this run.
    var settingsText: String

    /// Raise when ctdose would measure the same files, read the same way, with the same settings, to any
    /// other pixel result (a slice's or series' value, a problem's text, the thumbnail): stored results of
    /// another revision are then measured again. A change to how headers are read changes the stored
    /// records, and with them the key, by itself, where the pass reads the field (`pixelKeyText`).
    /// `PixelRevisionTests` fails whenever a source that makes pixel results changes, until its recorded
    /// digest is updated beside this revision. 2: the key holds the header fields the pass reads, not
    /// the whole stored header.
    static let revision = 2

    /// The key of a series' pixel results: this revision, the pixel settings, and, for each of its images
    /// (by path and frame) and each localizer image it is given (in the order given, which decides the
    /// views measured), its file's fingerprint and the header values the pixel pass reads
    /// (`pixelKeyText`). nil when an image has no stored file. Other header fields, read differently by
    /// another ctdose, leave the key as it was.
    func key(series images: [CTImageHeader], localizers: [CTImageHeader]) -> String? {
        var hash = SHA256()
        hash.update(data: Data("ctdose pixel results \(Self.revision)\n\(settingsText)\n".utf8))
        func add(_ headers: [CTImageHeader]) -> Bool {
            for header in headers {
                guard let path = header.filePath, let fingerprint = fileFingerprints[path] else { return false }
                hash.update(data: Data(path.utf8))
                hash.update(data: fingerprint)
                hash.update(data: Data(header.pixelKeyText.utf8))
            }
            hash.update(data: Data("\n".utf8))
            return true
        }
        let sortedImages = images.sorted { ($0.filePath ?? "", $0.frameNumber ?? 0) < ($1.filePath ?? "", $1.frameNumber ?? 0) }
        guard add(sortedImages), add(localizers) else { return nil }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The stored results of `uid` when they were derived from what `key` describes, relabelled for
    /// this assembly: the event and choice are this exam's, and the SSDE fields are left for the pixel
    /// pass to compute again from this exam's dose. Not when the thumbnail they had is gone (thumbnails
    /// are kept by Series Instance UID: another study holding the same series took it over).
    func reusable(_ uid: String, key: String, eventUID: String?, choice: String) -> StoredSeriesPixels? {
        guard var stored = series[uid], stored.key == key, stored.measurement.midScanThumbnail == nil || stored.thumbnail != nil
        else { return nil }
        stored.measurement.irradiationEventUID = eventUID
        stored.measurement.choice = choice
        stored.measurement.midScanThumbnail = nil
        stored.measurement.ssdeMilligray = nil
        stored.measurement.ssdeNote = nil
        stored.measurement.meanSSDEOfSlicesMilligray = nil
        for index in stored.slices.indices { stored.slices[index].ssdeMilligray = nil }
        return stored
    }

    /// The fingerprint of a stored file: its size and modification time.
    static func fingerprint(sizeBytes: Int64, modificationNanoseconds: Int64) -> Data {
        var hash = SHA256()
        withUnsafeBytes(of: sizeBytes.littleEndian) { hash.update(bufferPointer: $0) }
        withUnsafeBytes(of: modificationNanoseconds.littleEndian) { hash.update(bufferPointer: $0) }
        return Data(hash.finalize())
    }
}

extension ScanStore {
    /// The pixel results the last assembly of a study stored with a key (stores of schema version 7 on).
    func storedSeriesPixels(studyInstanceUID uid: String) throws -> [String: StoredSeriesPixels] {
        let (measurements, slices, thumbnails) = try database.read { session in
            let key: [SQLValue] = [.text(uid)]
            return (try session.rows("SELECT series_uid, pixel_key, measurement_record FROM series_measurement WHERE study_uid = ? AND pixel_key IS NOT NULL", key),
                    try session.rows("SELECT series_uid, slice_record FROM slice WHERE study_uid = ? ORDER BY position", key),
                    try session.rows("SELECT series_uid, png FROM thumbnail WHERE study_uid = ?", key))
        }
        var stored: [String: StoredSeriesPixels] = [:]
        for row in measurements {
            guard let series = row[0].string, let pixelKey = row[1].string, let record = row[2].data else { continue }
            stored[series] = StoredSeriesPixels(key: pixelKey, measurement: try Self.decodeObject(SeriesMeasurement.self, from: record), slices: [])
        }
        for row in slices {
            guard let series = row[0].string, stored[series] != nil, let record = row[1].data else { continue }
            stored[series]?.slices.append(try Self.decodeObject(SliceMeasurement.self, from: record))
        }
        for row in thumbnails {
            guard let series = row[0].string, stored[series] != nil else { continue }
            stored[series]?.thumbnail = row[1].data
        }
        return stored
    }
}
