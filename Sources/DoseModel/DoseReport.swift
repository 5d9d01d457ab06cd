/// The kind of object a dose report was read from.
public enum DoseReportKind: String, Sendable, Codable {
    case xRayRadiationDoseSR, enhancedSR, comprehensiveSR, otherSR, philipsDoseInfo
}

/// A reported DLP total (113813) or sub-total (130745), as the report gave it.
public struct ReportedDLPTotal: Sendable, Codable, Equatable {
    public var valueMilligrayCentimeters: Double
    public var isSubTotal: Bool
    public var phantom: CTDIPhantom?

    public init(valueMilligrayCentimeters: Double, isSubTotal: Bool = false, phantom: CTDIPhantom? = nil) {
        self.valueMilligrayCentimeters = valueMilligrayCentimeters
        self.isSubTotal = isSubTotal
        self.phantom = phantom
    }
}

/// Equipment identity as written in a report or image header.
public struct Equipment: Sendable, Codable, Equatable, Hashable {
    public var manufacturer: String?
    public var model: String?
    public var stationName: String?
    public var softwareVersions: String?
    public var deviceSerialNumber: String?

    public init(manufacturer: String? = nil, model: String? = nil, stationName: String? = nil,
                softwareVersions: String? = nil, deviceSerialNumber: String? = nil) {
        self.manufacturer = manufacturer
        self.model = model
        self.stationName = stationName
        self.softwareVersions = softwareVersions
        self.deviceSerialNumber = deviceSerialNumber
    }
}

/// The patient and study as a dose report's own Patient, Patient Study and General Study modules give
/// them. An exam seen only through its dose reports (a dose registry, an archive that keeps the reports
/// without the images) takes its patient and study from here.
public struct ReportedStudy: Sendable, Codable, Equatable {
    public var patient: PatientAttributes
    public var studyDate: String?
    public var studyTime: String?
    public var studyDescription: String?

    public init(patient: PatientAttributes = PatientAttributes(), studyDate: String? = nil, studyTime: String? = nil,
                studyDescription: String? = nil) {
        self.patient = patient
        self.studyDate = studyDate
        self.studyTime = studyTime
        self.studyDescription = studyDescription
    }
}

/// A CT dose report: its events and totals, plus what was repaired or skipped while reading it.
public struct DoseReport: Sendable, Codable, Equatable {
    public var sopInstanceUID: String
    public var studyInstanceUID: String
    public var seriesInstanceUID: String?
    public var kind: DoseReportKind
    public var equipment: Equipment
    public var contentDateTime: String?
    public var startOfIrradiation: String?
    public var endOfIrradiation: String?
    public var events: [IrradiationEvent]
    public var reportedTotals: [ReportedDLPTotal]
    public var reportedNumberOfEvents: Int?
    public var sourceOfDoseInformation: CodedConcept?
    /// Free-text dose summary some vendors add (Philips Comments on Radiation Dose).
    public var doseSummaryText: String?
    /// Human-readable notes of every item skipped or repaired while interpreting the report.
    public var readingNotes: [String]
    /// The report's patient and study modules (nil in records stored by a ctdose before 0.8).
    public var reportedStudy: ReportedStudy?

    public init(sopInstanceUID: String, studyInstanceUID: String, seriesInstanceUID: String? = nil,
                kind: DoseReportKind, equipment: Equipment = Equipment(), contentDateTime: String? = nil,
                events: [IrradiationEvent] = [], reportedTotals: [ReportedDLPTotal] = [],
                readingNotes: [String] = [], reportedStudy: ReportedStudy? = nil) {
        self.sopInstanceUID = sopInstanceUID
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.kind = kind
        self.equipment = equipment
        self.contentDateTime = contentDateTime
        self.events = events
        self.reportedTotals = reportedTotals
        self.readingNotes = readingNotes
        self.reportedStudy = reportedStudy
    }

    /// 113813 values (not sub-totals).
    public var reportedDLPTotals: [Double] {
        reportedTotals.filter { !$0.isSubTotal }.map(\.valueMilligrayCentimeters)
    }
}
