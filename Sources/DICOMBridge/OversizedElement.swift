import Foundation

extension DICOMError {
    /// An open failure caused by an element whose declared length runs past the end of the file
    /// (DCMTK: "DcmElement: PixelData (7fe0,0010) larger (3221225472) than remaining bytes in file",
    /// or "... larger (50) than remaining bytes (29) in file") is a hostile or truncated header, not a
    /// non-DICOM file: it becomes `.hostileHeader` with the numbers.
    func reclassifyingOversizedElement(path: String) -> DICOMError {
        let message: String
        switch self {
        case .notDICOM(let m), .parse(let m), .decode(let m): message = m
        default: return self
        }
        guard let marker = message.range(of: ") than remaining bytes"),
              let open = message.range(of: "larger (", options: .backwards, range: message.startIndex..<marker.lowerBound)
        else { return self }
        let declared = message[open.upperBound..<marker.lowerBound]
        let elementStart = message.range(of: "DcmElement: ", options: .backwards, range: message.startIndex..<open.lowerBound)?.upperBound
            ?? message.startIndex
        let element = message[elementStart..<open.lowerBound].trimmingCharacters(in: .whitespaces)
        var remaining = ""
        let tail = message[marker.upperBound...]
        if tail.hasPrefix(" ("), let close = tail.firstIndex(of: ")") {
            remaining = " (\(tail[tail.index(tail.startIndex, offsetBy: 2)..<close]) left)"
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value
        let fileSize = size.map { "\($0)" } ?? "?"
        return .hostileHeader("\(element) declares \(declared) bytes, more than remain in the \(fileSize)-byte file\(remaining)")
    }
}
