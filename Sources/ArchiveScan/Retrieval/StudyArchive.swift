/// A PACS as a retrieval sees it: studies by date, their series, and a way to fetch a series into an
/// `IncomingFolder`. Over DIMSE (`DIMSEArchive`: C-FIND, C-MOVE or C-GET) or DICOMweb
/// (`DICOMwebArchive`: QIDO-RS, WADO-RS).
protocol StudyArchive: AnyObject {
    /// The archive in log lines and errors (its name and address; never a UID).
    var name: String { get }
    /// Connections opened again after one broke.
    var reconnections: Int { get }
    /// Listings that may miss matches because the archive did not page as asked (a DICOMweb service
    /// that ignores `offset`).
    var listingsCutShort: Int { get }

    /// The Study Instance UIDs with a Study Date in `range` (only those with CT where the archive
    /// matches Modalities in Study), counting its queries in `plan`.
    func studies(in range: StudyDateRange, splitAt: Int, plan: inout PACSRetrieval.Plan) throws -> [String]
    /// The study's series, with Number of Series Related Instances when the archive gives it (and
    /// `withCounts`: false behaves as an archive that does not).
    func series(ofStudy studyInstanceUID: String, withCounts: Bool) throws -> [ArchiveSeries]
    /// The number of objects of a series, listed one by one (for an archive that does not count them).
    func instanceCount(studyInstanceUID: String, seriesInstanceUID: String) throws -> Int
    /// Gets ready to fetch into `folder` (a C-MOVE destination starts its receiver); `finishFetching`
    /// undoes it.
    func startFetching(into folder: IncomingFolder, progress: @escaping @Sendable (PACSRetrieval.Progress) -> Void) throws
    func finishFetching()
    /// Fetches one series into `folder`.
    func fetch(_ series: PACSRetrieval.Series, into folder: IncomingFolder,
               progress: @escaping @Sendable (PACSRetrieval.Progress) -> Void) throws -> SeriesFetch
    func close()
}

/// A series as a query lists it.
struct ArchiveSeries: Equatable {
    var seriesInstanceUID: String
    /// Upper case.
    var modality: String
    var instances: Int?
}

/// How fetching a series went.
struct SeriesFetch: Equatable {
    /// The archive sent every object of the series (nothing failed, nothing left).
    var whole: Bool
    /// The objects the archive says it sent.
    var objects: Int
    /// Why not whole: statuses and counts, never identifiers.
    var problem: String?
}
