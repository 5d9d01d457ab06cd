import Foundation
import CDCMTK
import DoseModel

extension DICOMFile {
    /// Deepest content-tree nesting read; deeper items are counted as skipped. TID 10011 needs 5.
    public static let maximumContentDepth = 32

    /// The structured-report content tree as read from the file (root container first, pre-order),
    /// plus the number of items skipped for nesting deeper than `maximumContentDepth`.
    public func contentItems() throws(DICOMError) -> (items: [SRContentItem], skippedTooDeep: Int) {
        let collector = SRCollector()
        var visited: UInt32 = 0
        var skipped: UInt32 = 0
        var error = cdcm_error()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        let status = cdcm_sr_walk(handle, UInt32(Self.maximumContentDepth), { raw, context in
            guard let raw, let context else { return }
            Unmanaged<SRCollector>.fromOpaque(context).takeUnretainedValue().items.append(SRContentItem(raw.pointee))
        }, context, &visited, &skipped, &error)
        guard status == CDCM_OK else { throw DICOMError(status: status, error: error) }
        return (collector.items, Int(skipped))
    }
}

private final class SRCollector {
    var items: [SRContentItem] = []
}

/// Copies a borrowed C string, trimming DICOM padding spaces without Foundation (this runs for every
/// field of every content item).
private func borrowedText(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer, pointer.pointee != 0 else { return nil }
    let length = strlen(pointer)
    return pointer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes -> String? in
        var start = 0, end = length
        while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        guard end > start else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes + start, count: end - start), as: UTF8.self)
    }
}

private func concept(_ value: UnsafePointer<CChar>?, _ scheme: UnsafePointer<CChar>?, _ meaning: UnsafePointer<CChar>?)
    -> CodedConcept?
{
    let codeValue = borrowedText(value)
    let codeMeaning = borrowedText(meaning)
    guard codeValue != nil || codeMeaning != nil else { return nil }
    return CodedConcept(codeValue ?? "", borrowedText(scheme) ?? "", codeMeaning ?? "")
}

extension SRContentItem {
    init(_ raw: cdcm_sr_item) {
        self.init(
            index: Int(raw.index),
            parent: raw.parent < 0 ? nil : Int(raw.parent),
            depth: Int(raw.depth),
            relationship: borrowedText(raw.relationship) ?? "",
            valueType: borrowedText(raw.value_type) ?? "",
            conceptName: concept(raw.concept_value, raw.concept_scheme, raw.concept_meaning),
            codeValue: concept(raw.code_value, raw.code_scheme, raw.code_meaning),
            numericText: borrowedText(raw.numeric_value),
            floatingValue: raw.has_floating_value != 0 ? raw.floating_value : nil,
            unit: concept(raw.unit_value, raw.unit_scheme, raw.unit_meaning),
            text: borrowedText(raw.text_value),
            uid: borrowedText(raw.uid_value),
            dateTime: borrowedText(raw.datetime_value),
            personName: borrowedText(raw.person_name),
            referencedItem: borrowedText(raw.referenced_item)
        )
    }
}
