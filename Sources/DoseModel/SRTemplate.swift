/// A template a structured report declares in its Content Template Sequence (0040,A504): Template
/// Identifier (0040,DB00) within Mapping Resource (0008,0105).
public struct SRTemplate: Hashable, Sendable {
    public let identifier: String
    public let mappingResource: String

    public init(_ identifier: String, _ mappingResource: String) {
        self.identifier = identifier
        self.mappingResource = mappingResource
    }

    // DICOM PS3.16 TID 10001 Projection X-Ray Radiation Dose (fluoroscopy, radiography, mammography).
    public static let projectionXRayRadiationDose = SRTemplate("10001", "DCMR")
}

extension RadiationDoseSRReader {
    /// Whether a report's document attributes alone (read before its content tree) show that it is
    /// not a CT dose report; the reason when they do, nil when only the content can tell.
    ///
    /// A radiopharmaceutical report is known by its title. An X-ray dose report that declares the
    /// projection X-ray template is set aside without its content being read: a fluoroscopy report can
    /// hold tens of thousands of content items, and parsing them cost more than a thousand CT headers.
    /// The content-based rules of `read(_:header:)` still decide every other report, including those
    /// that declare no template.
    public static func setAsideReason(documentTitle: CodedConcept?, template: SRTemplate?) -> String? {
        if documentTitle == DoseConcept.radiopharmaceuticalRadiationDoseReport {
            return "radiopharmaceutical dose report, not CT"
        }
        if documentTitle == DoseConcept.xRayRadiationDoseReport, template == .projectionXRayRadiationDose {
            return "X-ray dose report that is not CT (template TID 10001 Projection X-Ray Radiation Dose)"
        }
        return nil
    }
}
