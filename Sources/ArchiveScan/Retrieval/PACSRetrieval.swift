import DICOMBridge
import Foundation

/// Why a retrieval stopped before it was through.
public enum RetrievalError: Error, Equatable, CustomStringConvertible {
    /// The list of retrieved series cannot be read or written.
    case ledger(String)
    /// The PACS refused or broke the exchange in a way no later series can escape.
    case pacs(String)

    public var description: String {
        switch self {
        case .ledger(let message), .pacs(let message): return message
        }
    }
}

/// Pulls a period's CT studies from a PACS into an `IncomingFolder`: the studies whose Study Date is in
/// the range (only those with CT where the PACS matches Modalities in Study), each study's series, then
/// each wanted series of a study with a CT series, over DIMSE (`DIMSEArchive`: C-FIND, then C-MOVE to
/// this process's own receiver or C-GET) or DICOMweb (`DICOMwebArchive`: QIDO-RS, WADO-RS). Series
/// already fetched whole (`RetrievedSeries`) are skipped, so the same command can run every night.
public struct PACSRetrieval: Sendable {
    /// Which series of a CT study are fetched.
    public enum Content: String, Sendable, CaseIterable {
        /// CT series (images, localizers, dose screens) and SR series (dose reports).
        case all
        /// SR series only: what the dose audit needs without pixels (no size from images, no noise).
        case doseReports = "dose-reports"

        /// The Modality (0008,0060) values of the series fetched (PS3.3 C.7.3.1.1.1).
        var modalities: Set<String> { self == .all ? ["CT", "SR"] : ["SR"] }
    }

    /// How the objects come.
    public enum Method: String, Sendable, CaseIterable {
        /// C-MOVE to this process's own receiver: every PACS supports it, each must know this AE as a
        /// move destination (address and `receivePort`).
        case move
        /// C-GET on the query's association: no PACS configuration and no port to open, where the PACS
        /// supports it.
        case get
    }

    /// A series the PACS holds that this retrieval wants.
    public struct Series: Sendable, Equatable {
        public var studyInstanceUID: String
        public var seriesInstanceUID: String
        public var modality: String
        /// Number of Series Related Instances, when the PACS returns it (an optional key).
        public var instancesOnPACS: Int?
    }

    /// What the queries found.
    public struct Plan: Sendable, Equatable {
        /// Studies in the date range (those with CT, where the PACS matches Modalities in Study).
        public var studiesFound = 0
        /// Studies with at least one wanted series.
        public var studiesWanted = 0
        /// Wanted series not fetched whole before: what a run retrieves.
        public var series: [Series] = []
        /// Wanted series fetched whole by an earlier run, skipped.
        public var seriesAlreadyFetched = 0
        /// Study queries sent: C-FINDs (more than one when the range was asked in parts) or QIDO-RS pages.
        public var studyQueries = 0
        /// Single days with `splitAt` matches or more: the PACS may have returned only some of them.
        public var crowdedDays = 0
        /// Instance-level queries (C-FIND at IMAGE level, or QIDO-RS) sent to count the objects of a series
        /// fetched before, where the PACS did not return Number of Series Related Instances.
        public var imageCountQueries = 0
        /// Listings (QIDO-RS queries) whose service answered a further page with matches it had already
        /// given: it ignores `offset`, so matches past its first page may not have been seen.
        public var listingsCutShort = 0
    }

    /// What a run did.
    public struct Summary: Sendable, Equatable {
        public var plan = Plan()
        public var seriesFetched = 0
        /// Series the PACS did not send whole (fetched again by the next run).
        public var seriesIncomplete = 0
        /// Objects that arrived (from the PACS, or any other sender while the receiver listened).
        public var objectsReceived = 0
        /// Objects whose transfer broke or that could not be put in place.
        public var objectsFailed = 0
        /// Why series were incomplete: statuses and counts, never identifiers.
        public var problems: [String] = []
        /// Associations opened again after one broke.
        public var reconnections = 0
    }

    /// Something the log may say (counts and statuses, never identifiers).
    public enum Progress: Sendable {
        case planned(Plan)
        case series(index: Int, of: Int, objects: Int, complete: Bool)
        case receiver(IncomingFolder.Event)
        /// The association broke during a retrieval (a PACS may end long or idle ones): a new one is
        /// opened and the series asked for once more.
        case reconnecting(reason: String)
    }

    /// Where the studies are.
    public enum Archive: Sendable {
        /// A DICOM node: C-FIND, then C-MOVE to this process's receiver on `receivePort` (the PACS must
        /// know the calling AE title there) or C-GET.
        case dimse(DICOMPeer, method: Method, receivePort: UInt16)
        /// A DICOMweb service: QIDO-RS, then WADO-RS.
        case dicomweb(DICOMwebService)
    }

    public var archive: Archive
    public var studyDates: StudyDateRange
    public var content: Content
    /// A study query with this many matches is asked again in halves of its date range (DIMSE), or the
    /// page size of a study query (DICOMweb).
    public var splitAt: Int
    /// Whether the series queries ask for Number of Series Related Instances (an optional key; false
    /// behaves as a PACS that does not return it).
    var asksSeriesInstanceCount = true

    /// From a DICOM node (`peer`) by `method`.
    public init(peer: DICOMPeer, studyDates: StudyDateRange, content: Content = .all, method: Method = .move, receivePort: UInt16 = 11112,
                splitAt: Int = 500) {
        self.init(archive: .dimse(peer, method: method, receivePort: receivePort), studyDates: studyDates, content: content, splitAt: splitAt)
    }

    public init(archive: Archive, studyDates: StudyDateRange, content: Content = .all, splitAt: Int = 500) {
        self.archive = archive
        self.studyDates = studyDates
        self.content = content
        self.splitAt = max(1, splitAt)
    }

    /// The archive in log lines (its name and address).
    public var archiveName: String {
        switch archive {
        case .dimse(let peer, _, _): return peer.name
        case .dicomweb(let service): return service.name
        }
    }

    private func openArchive() throws -> any StudyArchive {
        switch archive {
        case .dimse(let peer, let method, let receivePort): return try DIMSEArchive(peer: peer, method: method, receivePort: receivePort)
        case .dicomweb(let service): return try DICOMwebArchive(service: service)
        }
    }

    /// Queries the archive: the studies of the range, their wanted series, less those already fetched
    /// (a series fetched before whose objects the archive does not count is counted one by one, so that
    /// objects added since are fetched too).
    func plan(using archive: any StudyArchive, fetched: RetrievedSeries) throws -> Plan {
        var plan = Plan()
        let studyUIDs = try archive.studies(in: studyDates, splitAt: splitAt, plan: &plan)
        plan.studiesFound = studyUIDs.count
        for studyUID in studyUIDs {
            let listed = try archive.series(ofStudy: studyUID, withCounts: asksSeriesInstanceCount)
            let wanted = listed.filter { content.modalities.contains($0.modality) && !$0.seriesInstanceUID.isEmpty }
            guard listed.contains(where: { $0.modality == "CT" }), !wanted.isEmpty else { continue }  // a CT study only
            plan.studiesWanted += 1
            for found in wanted {
                var series = Series(studyInstanceUID: studyUID, seriesInstanceUID: found.seriesInstanceUID, modality: found.modality,
                                    instancesOnPACS: found.instances)
                if series.instancesOnPACS == nil, fetched.hasRecord(seriesInstanceUID: series.seriesInstanceUID) {
                    series.instancesOnPACS = try archive.instanceCount(studyInstanceUID: studyUID, seriesInstanceUID: series.seriesInstanceUID)
                    plan.imageCountQueries += 1
                }
                if fetched.needs(seriesInstanceUID: series.seriesInstanceUID, instancesOnPACS: series.instancesOnPACS) {
                    plan.series.append(series)
                } else {
                    plan.seriesAlreadyFetched += 1
                }
            }
        }
        plan.listingsCutShort = archive.listingsCutShort
        return plan
    }

    /// Queries, then (unless `dryRun`) fetches each planned series into `folder`, recording each one
    /// fetched whole. Throws when the archive cannot be reached, when the receiver cannot listen, or when
    /// the PACS does not know this AE as a move destination; series already recorded stay recorded.
    public func run(into folder: IncomingFolder, dryRun: Bool = false, progress: @escaping @Sendable (Progress) -> Void = { _ in }) throws -> Summary {
        let fetched = try RetrievedSeries(folder: folder.root)
        let archive = try openArchive()
        defer { archive.close() }
        var summary = Summary()
        summary.plan = try plan(using: archive, fetched: fetched)
        progress(.planned(summary.plan))
        guard !dryRun, !summary.plan.series.isEmpty else { return summary }

        try archive.startFetching(into: folder, progress: progress)
        let fetchedAll = Result { try fetch(summary.plan.series, from: archive, into: folder, recordingIn: fetched, progress: progress) }
        archive.finishFetching()
        (summary.seriesFetched, summary.seriesIncomplete, summary.problems) = try fetchedAll.get()
        summary.reconnections = archive.reconnections
        (summary.objectsReceived, summary.objectsFailed) = (folder.counts.stored, folder.counts.failed)
        return summary
    }

    /// Fetches each series into `folder`, recording those fetched whole; returns (whole, not whole, why not).
    private func fetch(_ planned: [Series], from archive: any StudyArchive, into folder: IncomingFolder,
                       recordingIn fetched: RetrievedSeries, progress: @escaping @Sendable (Progress) -> Void) throws -> (Int, Int, [String]) {
        var (whole, incomplete, problems) = (0, 0, [String]())
        for (index, series) in planned.enumerated() {
            let before = folder.counts.stored
            let outcome = try archive.fetch(series, into: folder, progress: progress)
            let arrived = folder.counts.stored - before
            if outcome.whole {
                try fetched.record(seriesInstanceUID: series.seriesInstanceUID, count: max(outcome.objects, arrived))
                whole += 1
            } else {
                incomplete += 1
                problems.append(outcome.problem ?? "a \(series.modality) series: not sent whole")
            }
            progress(.series(index: index + 1, of: planned.count, objects: arrived, complete: outcome.whole))
        }
        return (whole, incomplete, problems)
    }
}
