/// One image series of an exam, summarised from its image headers.
public struct SeriesSummary: Sendable, Codable, Equatable {
    public var seriesInstanceUID: String
    public var seriesNumber: Int?
    public var seriesDescription: String?
    public var imageCount: Int
    public var isLocalizer: Bool
    public var isAxial: Bool
    public var isOriginal: Bool
    public var convolutionKernel: String?
    public var sliceThicknessMillimeters: Double?
    public var zRangeMillimeters: ClosedRange<Double>?
    public var meanCTDIvolMilligray: Double?
    public var ctdiPhantom: CTDIPhantom?
    public var irradiationEventUIDs: [String]
    public var firstAcquisitionDateTime: String?
    /// The event this series was linked to and how ("irradiationEventUID", "seriesNumber" or "acquisitionTime").
    public var linkedEventUID: String?
    public var linkMethod: String?
    public var vendorWaterEquivalentDiameterMillimeters: Double?

    public init(seriesInstanceUID: String, imageCount: Int = 0, isLocalizer: Bool = false, isAxial: Bool = false,
                isOriginal: Bool = false, irradiationEventUIDs: [String] = []) {
        self.seriesInstanceUID = seriesInstanceUID
        self.imageCount = imageCount
        self.isLocalizer = isLocalizer
        self.isAxial = isAxial
        self.isOriginal = isOriginal
        self.irradiationEventUIDs = irradiationEventUIDs
    }
}

/// A dose report that contributed to an exam.
public struct DoseReportSummary: Sendable, Codable, Equatable {
    public var sopInstanceUID: String
    public var kind: DoseReportKind
    public var eventCount: Int
    public var reportedDLPTotals: [Double]
    public var readingNotes: [String]

    public init(sopInstanceUID: String, kind: DoseReportKind, eventCount: Int, reportedDLPTotals: [Double], readingNotes: [String]) {
        self.sopInstanceUID = sopInstanceUID
        self.kind = kind
        self.eventCount = eventCount
        self.reportedDLPTotals = reportedDLPTotals
        self.readingNotes = readingNotes
    }
}

/// An event of an exam together with the series that image it.
public struct ExamEvent: Sendable, Codable, Equatable {
    public var event: IrradiationEvent
    /// SOP Instance UIDs of the reports that listed this event.
    public var reportedBy: [String]
    public var localizerSeriesUID: String?
    public var diagnosticSeriesUID: String?
    /// Why that series was chosen (original, kernel class, thickness, images).
    public var diagnosticSeriesChoice: String?
    public var seriesUIDs: [String]

    public init(event: IrradiationEvent, reportedBy: [String], localizerSeriesUID: String? = nil,
                diagnosticSeriesUID: String? = nil, diagnosticSeriesChoice: String? = nil, seriesUIDs: [String]) {
        self.event = event
        self.reportedBy = reportedBy
        self.localizerSeriesUID = localizerSeriesUID
        self.diagnosticSeriesUID = diagnosticSeriesUID
        self.diagnosticSeriesChoice = diagnosticSeriesChoice
        self.seriesUIDs = seriesUIDs
    }
}

/// Everything ctdose knows about one CT study (grouped by Study Instance UID).
public struct Exam: Sendable, Codable, Equatable {
    public var studyInstanceUID: String
    public var patient: PatientAttributes
    public var studyDate: String?
    public var studyTime: String?
    public var studyDescription: String?
    public var requestedProcedureDescription: String?
    public var bodyPartExamined: String?
    public var protocolNames: [String]
    public var equipment: Equipment?
    public var events: [ExamEvent]
    public var doseReports: [DoseReportSummary]
    public var series: [SeriesSummary]
    /// Where the events came from: a dose report, a dose screen, or computed from image attributes.
    public var doseSource: DoseSource?
    public var problems: [String]

    /// Sum of the distinct events' DLP (mGy·cm); nil when no event has a DLP.
    public var dlpTotalMilligrayCentimeters: Double? {
        let values = events.compactMap(\.event.dlpMilligrayCentimeters)
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    /// The 113813 totals as the contributing reports gave them.
    public var reportedDLPTotals: [Double] { doseReports.flatMap(\.reportedDLPTotals) }
}

extension Exam {
    /// An exam with nothing but its study: the other properties are filled in one by one (stored records
    /// are read this way).
    public init(studyInstanceUID: String) {
        self.init(studyInstanceUID: studyInstanceUID, patient: PatientAttributes(), protocolNames: [], events: [], doseReports: [],
                  series: [], problems: [])
    }
}
