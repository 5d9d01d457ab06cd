import Foundation

/// Document-level attributes of an SR file, read from its header by the DICOM bridge.
public struct SRDocumentHeader: Sendable {
    public var sopClassUID: String
    public var sopInstanceUID: String
    public var studyInstanceUID: String
    public var seriesInstanceUID: String?
    public var equipment: Equipment
    public var contentDateTime: String?
    public var reportedStudy: ReportedStudy?

    public init(sopClassUID: String, sopInstanceUID: String, studyInstanceUID: String, seriesInstanceUID: String? = nil,
                equipment: Equipment = Equipment(), contentDateTime: String? = nil, reportedStudy: ReportedStudy? = nil) {
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.equipment = equipment
        self.contentDateTime = contentDateTime
        self.reportedStudy = reportedStudy
    }
}

/// What a structured report turned out to be.
public enum StructuredReportReading: Sendable {
    case ctDoseReport(DoseReport)
    /// Not a CT dose report (projection X-ray, mammography, radiopharmaceutical, or not a dose report);
    /// the reason says which.
    case setAside(reason: String)
}

/// Interprets a TID 10011 CT Radiation Dose content tree (in an X-Ray Radiation Dose SR, or in an
/// Enhanced / Comprehensive SR as older GE scanners send it). Tolerant: every value it cannot use
/// is skipped or repaired and the report's `readingNotes` say so.
public enum RadiationDoseSRReader {
    public static func read(_ items: [SRContentItem], header: SRDocumentHeader) -> StructuredReportReading {
        let tree = SRContentTree(items)
        guard let root = tree.root else { return .setAside(reason: "structured report has no content") }
        let rootName = root.conceptName.map { "\($0.value) \($0.meaning)" } ?? "none"
        if root.conceptName == DoseConcept.radiopharmaceuticalRadiationDoseReport {
            return .setAside(reason: "radiopharmaceutical dose report, not CT")
        }
        let ctAcquisitions = tree.descendants(of: 0, DoseConcept.ctAcquisition)
        let ctAccumulated = tree.descendants(of: 0, DoseConcept.ctAccumulatedDoseData)
        guard root.conceptName == DoseConcept.xRayRadiationDoseReport else {
            if ctAcquisitions.isEmpty {
                return .setAside(reason: "structured report is not a radiation dose report (root concept \(rootName))")
            }
            return .setAside(reason: "CT acquisitions found under an unexpected root concept \(rootName)")
        }
        let procedure = tree.child(of: 0, DoseConcept.procedureReported)?.codeValue
        let isCTProcedure = procedure == DoseConcept.computedTomographyXRaySRT || procedure == DoseConcept.computedTomographyXRaySCT
        if ctAcquisitions.isEmpty && ctAccumulated.isEmpty {
            let what = procedure.map { "procedure reported: \($0.meaning.isEmpty ? $0.value : $0.meaning)" } ?? "no CT acquisition data"
            return .setAside(reason: "X-ray dose report that is not CT (\(what))")
        }
        var notes: [String] = []
        if !isCTProcedure {
            notes.append("Procedure reported is \(procedure?.description ?? "absent"), read as CT because CT acquisition data is present")
        }
        let kind: DoseReportKind
        switch header.sopClassUID {
        case SOPClass.xRayRadiationDoseSR, SOPClass.enhancedXRayRadiationDoseSR: kind = .xRayRadiationDoseSR
        case SOPClass.enhancedSR: kind = .enhancedSR
        case SOPClass.comprehensiveSR, SOPClass.comprehensive3DSR: kind = .comprehensiveSR
        default: kind = .otherSR
        }
        var values = NumericReader(notes: notes)
        var report = DoseReport(
            sopInstanceUID: header.sopInstanceUID, studyInstanceUID: header.studyInstanceUID,
            seriesInstanceUID: header.seriesInstanceUID, kind: kind, equipment: header.equipment,
            contentDateTime: header.contentDateTime, reportedStudy: header.reportedStudy)
        report.startOfIrradiation = tree.child(of: 0, DoseConcept.startOfXRayIrradiation)?.dateTime
        report.endOfIrradiation = tree.child(of: 0, DoseConcept.endOfXRayIrradiation)?.dateTime
        report.sourceOfDoseInformation = tree.child(of: 0, DoseConcept.sourceOfDoseInformation)?.codeValue
        for accumulated in ctAccumulated {
            for item in tree.children(of: accumulated.index) {
                switch item.conceptName {
                case DoseConcept.totalNumberOfIrradiationEvents?:
                    if let count = values.number(item, .count, "Total Number of Irradiation Events") {
                        report.reportedNumberOfEvents = Int(dicomInteger: count)
                    }
                case DoseConcept.ctDoseLengthProductTotal?:
                    if let total = values.number(item, .milligrayCentimeters, "CT Dose Length Product Total") {
                        report.reportedTotals.append(ReportedDLPTotal(valueMilligrayCentimeters: total))
                    }
                case DoseConcept.ctDoseLengthProductSubTotal?:
                    if let total = values.number(item, .milligrayCentimeters, "CT Dose Length Product Sub-Total") {
                        let phantom = tree.child(of: item.index, DoseConcept.ctdiwPhantomType)?.codeValue
                        report.reportedTotals.append(ReportedDLPTotal(
                            valueMilligrayCentimeters: total, isSubTotal: true, phantom: phantom.map { CTDIPhantom(code: $0) }))
                    }
                default: break
                }
            }
        }
        for (number, acquisition) in ctAcquisitions.enumerated() {
            values.context = "event \(number + 1)"
            report.events.append(IrradiationEventReader.read(acquisition, in: tree, values: &values))
        }
        report.readingNotes = values.notes
        return .ctDoseReport(report)
    }
}

/// Reads numeric content items tolerantly: multi-valued, malformed or unit-less values are repaired
/// or skipped, each with a note.
struct NumericReader {
    var notes: [String]
    var context = "report"

    mutating func number(_ item: SRContentItem, _ unit: CanonicalUnit, _ name: String) -> Double? {
        var raw: Double?
        if let text = item.numericText {
            let parts = text.split(separator: "\\").map { $0.trimmingWhitespace() }
            if parts.count > 1 { notes.append("\(context): \(name) has \(parts.count) values ('\(text)'); the first is used") }
            raw = parts.first.flatMap { Double($0) }
            if raw == nil {
                if let floating = item.floatingValue {
                    raw = floating
                    notes.append("\(context): \(name) numeric text '\(text)' is not a number; Floating Point Value used")
                } else {
                    notes.append("\(context): \(name) value '\(text)' is not a number; skipped")
                    return nil
                }
            }
        } else if let floating = item.floatingValue {
            raw = floating
        } else {
            notes.append("\(context): \(name) has no numeric value; skipped")
            return nil
        }
        guard let value = raw, value.isFinite else { return nil }
        guard let unitCode = item.unit?.value, !unitCode.isEmpty else {
            notes.append("\(context): \(name) has no unit; read as \(unit.rawValue)")
            return value
        }
        guard let factor = unit.factor(fromUCUM: unitCode) else {
            notes.append("\(context): \(name) unit '\(unitCode)' is not a \(unit.rawValue) unit; skipped")
            return nil
        }
        return value * factor
    }
}
