import CDCMTK
import DoseModel
import Foundation

/// One parsed DICOM file. Not shareable across threads: parallelism means one `DICOMFile` per task.
/// Obtain it through `DICOMFile.read(_:headersOnly:_:)`, which parses, uses and frees the file on a
/// large-stack worker so that hostile nesting cannot crash the process.
public final class DICOMFile {
    let handle: OpaquePointer
    public let path: String

    private init(handle: OpaquePointer, path: String) {
        self.handle = handle
        self.path = path
    }

    deinit { cdcm_close(handle) }

    /// How much of a file to parse.
    public enum Extent: Sendable {
        /// Everything, pixel data included.
        case everything
        /// Up to Pixel Data (7FE0,0010): all attributes, no pixels.
        case attributes
        /// Up to group 0033: the modules of a classic image (patient, study, series, equipment,
        /// acquisition, image plane and pixel description, requested procedure), without the later
        /// private groups, request attributes, dose sequences or SR content.
        case imageModules
        /// Up to Content Sequence (0040,A730): a structured report's document attributes (title,
        /// declared template, equipment, dates) without its content tree.
        case documentHeader
    }

    /// Parses `path` and runs `body` with it; the file is freed before this returns.
    /// - Parameter headersOnly: stop parsing at (7FE0,0010); pixels are then unavailable.
    public static func read<T>(
        _ path: String, headersOnly: Bool = false, _ body: @escaping (DICOMFile) throws -> T
    ) throws -> T {
        try read(path, extent: headersOnly ? .attributes : .everything, body)
    }

    /// Parses `extent` of `path` and runs `body` with it; the file is freed before this returns.
    public static func read<T>(_ path: String, extent: Extent, _ body: @escaping (DICOMFile) throws -> T) throws -> T {
        try LargeStackWorkers.shared.run {
            let file = try open(path, extent: extent)
            return try body(file)
        }
    }

    private static func open(_ path: String, extent: Extent) throws(DICOMError) -> DICOMFile {
        DCMTKRuntime.initialize()
        // One descriptor for the signature check and DCMTK's read.
        let descriptor = try DICOMSignature.open(path: path)
        defer { close(descriptor) }
        try DICOMSignature.check(descriptor: descriptor)
        var error = cdcm_error()
        var handle: OpaquePointer?
        let flags: UInt32
        switch extent {
        case .everything: flags = 0
        case .attributes: flags = UInt32(CDCM_OPEN_STOP_BEFORE_PIXELS)
        case .imageModules: flags = UInt32(CDCM_OPEN_STOP_BEFORE_PIXELS | CDCM_OPEN_STOP_AT_GROUP_0033)
        case .documentHeader: flags = UInt32(CDCM_OPEN_STOP_BEFORE_PIXELS | CDCM_OPEN_STOP_AT_CONTENT_SEQUENCE)
        }
        let status = cdcm_open_descriptor(descriptor, path, flags, &handle, &error)
        guard status == CDCM_OK, let handle else {
            throw DICOMError(status: status, error: error).reclassifyingOversizedElement(path: path)
        }
        return DICOMFile(handle: handle, path: path)
    }

    /// What DCMTK logged while parsing (one entry per line), e.g. repaired lengths.
    public var parseWarnings: [String] {
        var needed = 0
        _ = cdcm_open_warnings(handle, nil, 0, &needed)
        guard needed > 1 else { return [] }
        var buffer = [CChar](repeating: 0, count: needed)
        guard cdcm_open_warnings(handle, &buffer, needed, &needed) == CDCM_OK else { return [] }
        return String(cBuffer: buffer).split(separator: "\n").map(String.init)
    }

    public var transferSyntaxUID: String {
        var buffer = [CChar](repeating: 0, count: 80)
        var error = cdcm_error()
        guard cdcm_transfer_syntax(handle, &buffer, buffer.count, &error) == CDCM_OK else { return "" }
        return String(cBuffer: buffer)
    }

    // MARK: Element access

    /// The whole value as text, trimmed of padding; nil when absent or empty.
    public func string(_ path: TagPath) -> String? {
        try? stringOrThrow(path)
    }

    public func string(_ tag: DICOMTag) -> String? { string(TagPath(tag)) }

    /// The values of a multi-valued text element (split on '\'). Split on the byte, as DICOM delimits
    /// values (PS3.5 §6.4): a combining mark after the backslash does not join two values, and no
    /// Character boundaries are computed (5 % of extracting a CT header's attributes went into them).
    public func strings(_ tag: DICOMTag) -> [String] {
        guard let value = string(tag) else { return [] }
        return value.utf8.split(separator: UInt8(ascii: "\\"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self).trimmingWhitespace()
        }
    }

    public func stringOrThrow(_ path: TagPath) throws(DICOMError) -> String? {
        var needed = 0
        var error = cdcm_error()
        // Most values fit a small stack buffer; longer ones are fetched again into one of their size.
        let first: (cdcm_status, String?) = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
            let status = withPath(path) { tags, items, depth in
                cdcm_get_string(handle, tags, items, depth, buffer.baseAddress, buffer.count, &needed, &error)
            }
            return (status, status == CDCM_OK ? Self.trimmedText(UnsafeBufferPointer(buffer)) : nil)
        }
        var status = first.0
        if status == CDCM_OK { return first.1 }
        if status == CDCM_ERR_BUFFER {
            var large = [CChar](repeating: 0, count: needed)
            status = withPath(path) { tags, items, depth in
                cdcm_get_string(handle, tags, items, depth, &large, large.count, &needed, &error)
            }
            if status == CDCM_OK { return large.withUnsafeBufferPointer(Self.trimmedText) }
        }
        if status == CDCM_ERR_NOT_FOUND { return nil }
        throw DICOMError(status: status, error: error)
    }

    /// The NUL-terminated text in `buffer` without leading and trailing spaces and NULs (DICOM value
    /// padding), decoded as UTF-8 with invalid bytes repaired; nil when nothing is left. Trimming the
    /// bytes is the same as trimming the decoded characters: 0x20 is never part of a multi-byte sequence.
    static func trimmedText(_ buffer: UnsafeBufferPointer<CChar>) -> String? {
        buffer.withMemoryRebound(to: UInt8.self) { bytes in
            var end = bytes.firstIndex(of: 0) ?? bytes.count
            var start = 0
            while start < end, bytes[start] == 0x20 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 { end -= 1 }
            guard start < end else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    /// Numeric values (binary or DS/IS); empty when absent, not numeric, or when any value is not finite
    /// (NaN or infinity in FL/FD, a DS such as "1e999": a corrupt element, treated as absent).
    public func numbers(_ path: TagPath) -> [Double] {
        var count = 0
        var error = cdcm_error()
        let first: [Double]? = withUnsafeTemporaryAllocation(of: Double.self, capacity: 16) { buffer in
            let status = withPath(path) { tags, items, depth in
                cdcm_get_numbers(handle, tags, items, depth, buffer.baseAddress!, buffer.count, &count, &error)
            }
            guard status == CDCM_OK else { return [] }
            return count <= buffer.count ? Array(buffer.prefix(count)) : nil
        }
        if let first { return first.allSatisfy(\.isFinite) ? first : [] }
        var values = [Double](repeating: 0, count: count)
        let status = withPath(path) { tags, items, depth in
            cdcm_get_numbers(handle, tags, items, depth, &values, values.count, &count, &error)
        }
        guard status == CDCM_OK else { return [] }
        let read = values.prefix(count)
        return read.allSatisfy(\.isFinite) ? Array(read) : []
    }

    public func numbers(_ tag: DICOMTag) -> [Double] { numbers(TagPath(tag)) }
    public func number(_ path: TagPath) -> Double? { numbers(path).first }
    public func number(_ tag: DICOMTag) -> Double? { numbers(TagPath(tag)).first }
    /// The first value as an integer; nil when absent or not a whole number in the IS range.
    public func integer(_ path: TagPath) -> Int? { number(path).flatMap { Int(dicomInteger: $0) } }
    public func integer(_ tag: DICOMTag) -> Int? { integer(TagPath(tag)) }

    /// Items in the sequence at `path`; 0 when absent.
    public func itemCount(_ path: TagPath) -> Int {
        var count = 0
        var error = cdcm_error()
        let status = withPath(path) { tags, items, depth in
            cdcm_item_count(handle, tags, items, depth, &count, &error)
        }
        return status == CDCM_OK ? count : 0
    }

    public func itemCount(_ tag: DICOMTag) -> Int { itemCount(TagPath(tag)) }

    /// Declared value length in bytes; nil when absent.
    public func valueLength(_ path: TagPath) -> UInt64? {
        var length: UInt64 = 0
        var error = cdcm_error()
        let status = withPath(path) { tags, items, depth in
            cdcm_value_length(handle, tags, items, depth, &length, &error)
        }
        return status == CDCM_OK ? length : nil
    }

    func withPath<R>(_ path: TagPath, _ body: (UnsafePointer<UInt32>, UnsafePointer<UInt32>?, Int) -> R) -> R {
        if path.sequences.isEmpty {
            var tag = path.tag.packed
            return body(&tag, nil, 1)
        }
        let tags = path.sequences.map(\.packed) + [path.tag.packed]
        let items = path.items.map { UInt32(clamping: $0) }
        return tags.withUnsafeBufferPointer { tagBuffer in
            items.withUnsafeBufferPointer { itemBuffer in
                body(tagBuffer.baseAddress!, itemBuffer.baseAddress, tags.count)
            }
        }
    }
}

/// Process-wide DCMTK set-up, done once before the first file is opened.
enum DCMTKRuntime {
    static let initialized: Bool = {
        // Debian's DCMTK leaves Nagle's algorithm on for its associations, unless TCP_NODELAY is set in the
        // environment when one is made: with a sender that leaves it on too, every C-STORE then waits for a
        // delayed acknowledgement (about 40 ms on Linux), 22 objects a second (Scripts/bench-receive). Set
        // here, before any association, unless the environment says otherwise.
        setenv("TCP_NODELAY", "1", 0)
        cdcm_init()
        return true
    }()

    static func initialize() { _ = initialized }

    /// Where the shim's kept answers of DCMTK's per-element VR and transfer syntax look-ups differ from
    /// DCMTK's own, or nil when they agree for every input (see cdcm_check_parser_lookups).
    static func parserLookupDifference() -> String? {
        failure(of: cdcm_check_parser_lookups)
    }

    /// What is wrong with the shim's per-thread lock of DCMTK's data dictionary and its kept tag
    /// look-ups, or nil when they behave as DCMTK's own (see cdcm_check_dictionary).
    static func dictionaryFailure() -> String? {
        failure(of: cdcm_check_dictionary)
    }

    /// Runs one of the shim's self-checks: nil when it passes, else its message.
    private static func failure(of check: (UnsafeMutablePointer<CChar>?, Int) -> Int32) -> String? {
        initialize()
        var message = [CChar](repeating: 0, count: 256)
        guard check(&message, message.count) != 0 else { return nil }
        return String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension DICOMFile {
    /// Sets DCMTK up (codecs, logging, its data dictionary: about 30 ms) on a thread of its own, so
    /// that a program can do its other start-up work meanwhile; the first file read waits for it.
    public static func prepareInBackground() {
        Thread.detachNewThread { DCMTKRuntime.initialize() }
    }

    /// Waits for `prepareInBackground` to finish (or sets DCMTK up here when that thread has not begun):
    /// the process must not end while DCMTK is being set up, or exit's static destructors run under it.
    public static func finishPreparing() { DCMTKRuntime.initialize() }
}

extension DICOMError {
    /// The shim's message of a failed call (NUL-terminated in a fixed buffer).
    static func message(of error: cdcm_error) -> String {
        withUnsafeBytes(of: error.message) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }

    init(status: cdcm_status, error: cdcm_error) {
        let message = Self.message(of: error)
        switch status {
        case CDCM_ERR_IO: self = .io(message)
        case CDCM_ERR_NOT_DICOM: self = .parse(message)
        case CDCM_ERR_NOT_FOUND: self = .notFound(message)
        case CDCM_ERR_TYPE: self = .wrongType(message)
        case CDCM_ERR_UNSUPPORTED:
            if let range = message.range(of: "unsupported transfer syntax ") {
                self = .unsupportedTransferSyntax(uid: String(message[range.upperBound...]))
            } else {
                self = .unsupported(message)
            }
        case CDCM_ERR_DECODE: self = .decode(message)
        default: self = .internalError(message)
        }
    }
}

extension String {
    /// Decodes a NUL-terminated C buffer as UTF-8 (invalid bytes repaired).
    init(cBuffer buffer: [CChar]) {
        self = buffer.withUnsafeBytes { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

extension DICOMFile {
    /// Raw value bytes (for private elements stored as UN); nil when absent.
    public func bytes(_ path: TagPath) -> [UInt8]? {
        var needed = 0
        var error = cdcm_error()
        var buffer = [UInt8](repeating: 0, count: 64)
        var status = withPath(path) { tags, items, depth in
            cdcm_get_bytes(handle, tags, items, depth, &buffer, buffer.count, &needed, &error)
        }
        if status == CDCM_ERR_BUFFER, needed <= 1 << 20 {
            buffer = [UInt8](repeating: 0, count: needed)
            status = withPath(path) { tags, items, depth in
                cdcm_get_bytes(handle, tags, items, depth, &buffer, buffer.count, &needed, &error)
            }
        }
        guard status == CDCM_OK else { return nil }
        return Array(buffer.prefix(needed))
    }

    /// Text of a private element (any VR, including UN), addressed by its creator and element byte,
    /// e.g. creator "ELSCINT1", group 0x00E1, element 0x21 finds (00E1,xx21) where (00E1,00xx) = ELSCINT1.
    public func privateText(creator: String, group: UInt16, element: UInt8, in parent: TagPath? = nil) -> String? {
        for block in UInt16(0x10)...UInt16(0xFF) {
            let creatorTag = DICOMTag(group, block)
            let creatorPath = parent.map { $0.appendingSibling(creatorTag) } ?? TagPath(creatorTag)
            guard let name = string(creatorPath) else { continue }
            guard name == creator else { continue }
            let valueTag = DICOMTag(group, block << 8 | UInt16(element))
            let valuePath = parent.map { $0.appendingSibling(valueTag) } ?? TagPath(valueTag)
            guard let raw = bytes(valuePath) else { return nil }
            let text = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
            return text.isEmpty ? nil : text
        }
        return nil
    }
}
