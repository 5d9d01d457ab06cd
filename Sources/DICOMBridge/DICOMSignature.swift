import Foundation

/// A cheap check, before DCMTK sees a file, that it looks like DICOM at all: a Part 10 preamble
/// ("DICM" at byte 128) or a dataset that starts with a plausible group-0002/0008 element. DCMTK's
/// auto-detection would otherwise try to parse any file, text or binary, as a dataset.
enum DICOMSignature {
    static func check(path: String) throws(DICOMError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io("cannot open \(errnoDescription())")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 132)) ?? Data()
        if head.count == 132, head[128] == 0x44, head[129] == 0x49, head[130] == 0x43, head[131] == 0x4D { return }
        guard head.count >= 8 else { throw .notDICOM("file is \(head.count) bytes long") }
        // Bare dataset: first tag group 0x0002 / 0x0008 (little or big endian), element small.
        let littleGroup = UInt16(head[0]) | UInt16(head[1]) << 8
        let bigGroup = UInt16(head[0]) << 8 | UInt16(head[1])
        if [0x0002, 0x0008].contains(littleGroup) || [0x0002, 0x0008].contains(bigGroup) { return }
        throw .notDICOM("no DICM prefix at byte 128 and no dataset start (first bytes \(hex(head.prefix(4))))")
    }

    private static func hex(_ bytes: Data) -> String {
        bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
    }

    private static func errnoDescription() -> String {
        String(cString: strerror(errno))
    }
}
