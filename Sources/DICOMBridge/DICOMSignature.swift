import Foundation

/// A cheap check, before DCMTK sees a file, that it looks like DICOM at all: a Part 10 preamble
/// ("DICM" at byte 128) or a dataset that starts with a plausible group-0002/0008 element. DCMTK's
/// auto-detection would otherwise try to parse any file, text or binary, as a dataset.
enum DICOMSignature {
    /// Opens `path` for reading, or throws the reason it cannot be opened.
    static func open(path: String) throws(DICOMError) -> Int32 {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io("cannot open \(errnoDescription())") }
        return descriptor
    }

    /// Checks the first bytes of the open file (read from offset 0, so the descriptor's position is
    /// left alone for DCMTK).
    static func check(descriptor: Int32) throws(DICOMError) {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 132) { buffer throws(DICOMError) in
            var filled = 0
            while filled < 132 {
                let count = pread(descriptor, buffer.baseAddress! + filled, 132 - filled, off_t(filled))
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                filled += count
            }
            try check(prefix: UnsafeBufferPointer(rebasing: buffer[..<filled]))
        }
    }

    static func check(prefix head: UnsafeBufferPointer<UInt8>) throws(DICOMError) {
        if head.count == 132, head[128] == 0x44, head[129] == 0x49, head[130] == 0x43, head[131] == 0x4D { return }
        guard head.count >= 8 else { throw .notDICOM("file is \(head.count) bytes long") }
        // Bare dataset: first tag group 0x0002 / 0x0008 (little or big endian), element small.
        let littleGroup = UInt16(head[0]) | UInt16(head[1]) << 8
        let bigGroup = UInt16(head[0]) << 8 | UInt16(head[1])
        if [0x0002, 0x0008].contains(littleGroup) || [0x0002, 0x0008].contains(bigGroup) { return }
        throw .notDICOM("no DICM prefix at byte 128 and no dataset start (first bytes \(hex(head.prefix(4))))")
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
    }

    private static func errnoDescription() -> String {
        String(cString: strerror(errno))
    }
}
