import Foundation

/// measure-fhir.json: a FHIR R4 Bundle (type "collection") of Observations shaped as the CMS CQL reads them
/// (cms1074.md §2.1): code LOINC 96914-7, valueCodeableConcept = the LA answer, components 96912-1 ([hnsf'U])
/// and 96913-9 (mGy.cm), status final, effectiveDateTime = scan time, subject Patient/<pseudonym>.
///
/// Emitted: every exam in the initial population (adult, in period) that has a catalog category, including
/// Full Body (so that the exclusion is visible) and exams missing noise or SAD (the missing component is
/// omitted, which the CQL treats as missing). Not emitted: uncategorized exams (no valid answer code exists),
/// and exams outside the initial population (children, unknown age, outside the period, QA phantoms and test
/// patients).
public enum FHIRBundleWriter {
    public static let loincSystem = "http://loinc.org"
    public static let ucumSystem = "http://unitsofmeasure.org"
    public static let categoryCode = "96914-7"  // LOINC: CT dose and image quality category
    public static let globalNoiseCode = "96912-1"  // LOINC: Calculated CT global noise
    public static let sizeAdjustedDoseCode = "96913-9"  // LOINC: Calculated CT size-adjusted dose
    public static let hounsfieldUnit = "[hnsf'U]"  // UCUM Hounsfield unit, exact string required by the CQL
    public static let milligrayCentimeterUnit = "mGy.cm"  // UCUM, exact string required by the CQL

    struct Coding: Codable, Equatable {
        var system: String
        var code: String
        var display: String?
    }

    struct CodeableConcept: Codable, Equatable {
        var coding: [Coding]
    }

    struct Quantity: Codable, Equatable {
        var value: Double
        var unit: String
        var system: String
        var code: String
    }

    struct Component: Codable, Equatable {
        var code: CodeableConcept
        var valueQuantity: Quantity
    }

    struct Reference: Codable, Equatable {
        var reference: String
    }

    struct Identifier: Codable, Equatable {
        var system: String
        var value: String
    }

    struct Annotation: Codable, Equatable {
        var text: String
    }

    struct Observation: Codable, Equatable {
        var resourceType = "Observation"
        var id: String
        var identifier: [Identifier]
        var status: String
        var code: CodeableConcept
        var subject: Reference
        var effectiveDateTime: String
        var valueCodeableConcept: CodeableConcept
        var component: [Component]?
        var note: [Annotation]?
    }

    struct Entry: Codable, Equatable {
        var resource: Observation
    }

    struct Bundle: Codable, Equatable {
        var resourceType = "Bundle"
        var type = "collection"
        var entry: [Entry]
    }

    /// Whether an exam is emitted (see the type documentation).
    public static func isEmitted(_ exam: ExamMeasureResult) -> Bool {
        exam.reason.inInitialPopulation && exam.category != nil
    }

    /// To 0.01; values too large for that to matter (or to multiply by 100) as they are.
    static func rounded(_ value: Double) -> Double { abs(value) < 1e15 ? (value * 100).rounded() / 100 : value }

    static func observation(_ exam: ExamMeasureResult, index: Int) -> Observation? {
        guard isEmitted(exam), let category = exam.category else { return nil }
        var components: [Component] = []
        // A value that overflowed (from absurd header numbers) is left out: FHIR has no infinite quantity.
        if let noise = exam.noise, noise.valueHounsfield.isFinite {
            components.append(
                Component(
                    code: CodeableConcept(coding: [Coding(system: loincSystem, code: globalNoiseCode, display: "Calculated CT global noise")]),
                    valueQuantity: Quantity(value: rounded(noise.valueHounsfield), unit: hounsfieldUnit, system: ucumSystem, code: hounsfieldUnit)))
        }
        if let sad = exam.sizeAdjustedDose, sad.sizeAdjustedDoseMilligrayCentimeters.isFinite {
            components.append(
                Component(
                    code: CodeableConcept(coding: [Coding(system: loincSystem, code: sizeAdjustedDoseCode, display: "Calculated CT size-adjusted dose")]),
                    valueQuantity: Quantity(
                        value: rounded(sad.sizeAdjustedDoseMilligrayCentimeters), unit: milligrayCentimeterUnit, system: ucumSystem,
                        code: milligrayCentimeterUnit)))
        }
        var notes: [Annotation] = []
        if let sad = exam.sizeAdjustedDose {
            notes.append(Annotation(text: "SAD\(sad.provisional ? " (PROVISIONAL)" : ""): \(sad.methodText); coefficients: \(sad.coefficients.source)"))
        }
        if let noise = exam.noise { notes.append(Annotation(text: "global noise method: \(noise.method)")) }
        return Observation(
            id: "ctdose-exam-\(index)",
            identifier: [Identifier(system: "urn:dicom:uid", value: "urn:oid:\(exam.studyInstanceUID)")],
            status: "final",
            code: CodeableConcept(coding: [Coding(system: loincSystem, code: categoryCode, display: "CT dose and image quality category")]),
            subject: Reference(reference: "Patient/\(exam.patientPseudonym)"),
            effectiveDateTime: exam.scanDateTime.fhirDateTime,
            valueCodeableConcept: CodeableConcept(coding: [Coding(system: loincSystem, code: category.loincAnswerCode, display: category.displayName)]),
            component: components.isEmpty ? nil : components,
            note: notes.isEmpty ? nil : notes)
    }

    /// The encoder of the Bundle and of each entry: pretty-printed, sorted keys.
    public static func encoder() -> JSONEncoder { PrettyJSON.encoder() }

    /// The Bundle's text before its first entry and after its last. With the entries between, joined by
    /// ",\n", it is byte for byte what `encoder()` makes of the whole Bundle, so the file can be written
    /// one exam at a time.
    public static let bundleHead = Data("{\n  \"entry\" : [\n".utf8)
    public static let bundleTail = Data("\n  ],\n  \"resourceType\" : \"Bundle\",\n  \"type\" : \"collection\"\n}".utf8)
    public static let entrySeparator = Data(",\n".utf8)

    /// One exam's entry as it stands inside the Bundle (indented by two levels), nil when the exam is
    /// not emitted. `position` is the exam's 1-based position among the exams written (exams.jsonl's
    /// line): its Observation id is "ctdose-exam-POSITION".
    public static func entryJSON(_ exam: ExamMeasureResult, position: Int, encoder: JSONEncoder) throws -> Data? {
        guard let observation = observation(exam, index: position) else { return nil }
        return PrettyJSON.indented(try encoder.encode(Entry(resource: observation)), levels: 2)
    }

    /// The Bundle of `exams` (the i-th exam at position i + 1).
    public static func bundleJSON(_ exams: [ExamMeasureResult]) throws -> Data {
        let encoder = encoder()
        var bundle = bundleHead
        var first = true
        for (offset, exam) in exams.enumerated() {
            guard let entry = try entryJSON(exam, position: offset + 1, encoder: encoder) else { continue }
            if !first { bundle.append(entrySeparator) }
            bundle.append(entry)
            first = false
        }
        bundle.append(bundleTail)
        return bundle
    }
}
