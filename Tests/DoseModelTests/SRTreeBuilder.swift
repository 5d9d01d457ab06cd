@testable import DoseModel

/// Builds flat pre-order SR item lists the way the DICOM bridge delivers them, from a nested description.
indirect enum Node {
    case container(CodedConcept, [Node])
    case num(CodedConcept, String, unit: String)
    case code(CodedConcept, CodedConcept?)
    case text(CodedConcept, String)
    case uid(CodedConcept, String)
    case datetime(CodedConcept, String)

    static func flatten(_ root: Node) -> [SRContentItem] {
        var items: [SRContentItem] = []
        func visit(_ node: Node, parent: Int?, depth: Int) {
            let index = items.count
            var item = SRContentItem(index: index, parent: parent, depth: depth, relationship: parent == nil ? "" : "CONTAINS",
                                     valueType: "", conceptName: nil)
            var children: [Node] = []
            switch node {
            case .container(let name, let nested):
                item.valueType = "CONTAINER"; item.conceptName = name; children = nested
            case .num(let name, let value, let unit):
                item.valueType = "NUM"; item.conceptName = name; item.numericText = value
                item.unit = CodedConcept(unit, "UCUM", unit)
            case .code(let name, let value):
                item.valueType = "CODE"; item.conceptName = name; item.codeValue = value
            case .text(let name, let value):
                item.valueType = "TEXT"; item.conceptName = name; item.text = value
            case .uid(let name, let value):
                item.valueType = "UIDREF"; item.conceptName = name; item.uid = value
            case .datetime(let name, let value):
                item.valueType = "DATETIME"; item.conceptName = name; item.dateTime = value
            }
            items.append(item)
            for child in children { visit(child, parent: index, depth: depth + 1) }
        }
        visit(root, parent: nil, depth: 0)
        return items
    }
}

/// A TID 10011 report with the given events, as a CT scanner would write it.
func ctDoseReport(total: String, totalUnit: String = "mGy.cm", events: [Node]) -> [SRContentItem] {
    Node.flatten(.container(DoseConcept.xRayRadiationDoseReport, [
        .code(DoseConcept.procedureReported, DoseConcept.computedTomographyXRaySRT),
        .container(DoseConcept.ctAccumulatedDoseData, [
            .num(DoseConcept.totalNumberOfIrradiationEvents, "\(events.count)", unit: "{events}"),
            .num(DoseConcept.ctDoseLengthProductTotal, total, unit: totalUnit),
        ]),
    ] + events))
}

func ctEvent(uid: String, type: CodedConcept, ctdi: String, dlp: String, dlpUnit: String = "mGy.cm",
             phantom: CodedConcept = DoseConcept.iecBodyDosimetryPhantom, extra: [Node] = []) -> Node {
    .container(DoseConcept.ctAcquisition, [
        .text(DoseConcept.acquisitionProtocol, "Abdomen"),
        .code(DoseConcept.ctAcquisitionType, type),
        .uid(DoseConcept.irradiationEventUID, uid),
        .container(DoseConcept.ctDose, [
            .num(DoseConcept.meanCTDIvol, ctdi, unit: "mGy"),
            .code(DoseConcept.ctdiwPhantomType, phantom),
            .num(DoseConcept.dlp, dlp, unit: dlpUnit),
        ]),
    ] + extra)
}

let header = SRDocumentHeader(sopClassUID: SOPClass.xRayRadiationDoseSR, sopInstanceUID: "1.2.3.4", studyInstanceUID: "1.2.3")
