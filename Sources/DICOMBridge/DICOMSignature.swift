import Foundation

/// A cheap check, before DCMTK sees a file, that it looks like DICOM at all: a Part 10 preamble
/// ("DICM" at byte 128) or a dataset that starts with a plausible group-0002/0008 element. DCMTK's
/// auto-detection would otherwise try to parse any file, text or binary, as a dataset.
enum DICOMSignature {
    static func check(path: String) throws(DICOMError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io("cannot open \(errnoDescription())") }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: 132)
        var filled = 0
        while filled < head.count {
            let count = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            filled += count
        }
        head.removeLast(head.count - filled)
        if head.count == 132, head[128] == 0x44, head[129] == 0x49, head[130] == 0x43, head[131] == 0x4D { return }
        guard head.count >= 8 else { throw .notDICOM("file is \(head.count) bytes long") }
        // Bare dataset: first tag group 0x0002 / 0x0008 (little or big endian), element small.
        let littleGroup = UInt16(head[0]) | UInt16(head[1]) << 8
        let bigGroup = UInt16(head[0]) << 8 | UInt16(head[1])
        if [0x0002, 0x0008].contains(littleGroup) || [0x0002, 0x0008].contains(bigGroup) { return }
        throw .notDICOM("no DICM prefix at byte 128 and no dataset start (first bytes \(hex(head.prefix(4))))")
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
    }

    private static func errnoDescription() -> String {
        String(cString: strerror(errno))
    }
}
