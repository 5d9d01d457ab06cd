import Foundation

/// The Study Instance UID of a file read straight from its first bytes, without DCMTK, for a reader
/// that takes only some studies (`--shard`): every worker must learn the study of every new file, and
/// DCMTK's parse up to group 0033 for that (every element made and freed) was the work each shard
/// repeated, about a third of a header scan's CPU on the bench archive; this walk only steps over them.
///
/// Only the plain case is decided: a Part 10 file (preamble and "DICM"), explicit or implicit VR little
/// endian (an encapsulated transfer syntax's dataset is explicit VR little endian, PS3.5 §A.4), tags in
/// ascending order up to (0020,000D) at the top level within the first 256 KiB (4 KiB are read first:
/// 497 of the 500 files of the corpus and of a bench archive copy that have one hold it there), and a
/// UI value of digits and dots (spaces and NULs around it trimmed, as `DICOMFile.string` trims them).
/// Sequences are walked item by item and must fit their lengths, as DCMTK reads them; a meta header
/// must end where its group length says. Anything else (big endian, deflated, a bare dataset, an
/// unknown VR, an overrunning item, an element past the bytes read) gives nil, and the caller asks
/// DCMTK as before. An answer is the value DCMTK reads wherever DCMTK reads the file that far (tests
/// compare the two over the corpus and damaged files); where DCMTK fails earlier, the file fails on
/// the shard of the study read here, the same for every shard.
public enum StudyInstanceUIDPeek {
    /// Bytes read first; a file whose (0020,000D) lies beyond them is read again up to `largestRead`.
    static let firstRead = 4_096
    static let largestRead = 262_144

    /// The Study Instance UID of the file at `path`, when its first bytes decide it.
    public static func studyInstanceUID(path: String) -> String? {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var size = firstRead
        while true {
            let outcome: Outcome? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size) { buffer in
                var filled = 0
                while filled < size {
                    let count = pread(descriptor, buffer.baseAddress! + filled, size - filled, off_t(filled))
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else { break }
                    filled += count
                }
                let outcome = walk(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<filled]))
                // Bytes ran out before the end of the file: read more, once.
                if case .needsMoreBytes = outcome, filled == size, size < largestRead { return nil }
                return outcome
            }
            guard let outcome else { size = largestRead; continue }
            if case .found(let uid) = outcome { return uid }
            return nil
        }
    }

    enum Outcome: Equatable {
        case found(String)
        /// Not decided here: let DCMTK read the file.
        case undecided
        /// The bytes end before the walk does.
        case needsMoreBytes
    }

    /// Walks the meta header and the dataset in `bytes`, the start of a file.
    static func walk(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        guard bytes.count >= 132 else { return .needsMoreBytes }
        guard bytes[128] == 0x44, bytes[129] == 0x49, bytes[130] == 0x43, bytes[131] == 0x4D else { return .undecided }  // "DICM"
        var cursor = Cursor(bytes: bytes, offset: 132)
        // File meta information (PS3.10 §7.1): group 0002, always explicit VR little endian.
        // DCMTK takes the meta header's extent from its group length when there is one: it must end
        // where group 0002 does.
        var transferSyntax: String?
        var metaEnd: Int?
        while true {
            guard let group = cursor.uint16(at: cursor.offset) else { return .needsMoreBytes }
            guard group == 0x0002 else { break }
            guard let element = cursor.element(explicit: true) else { return cursor.failure }
            if element.tag == 0x0002_0000 {
                guard element.length == 4, let length = cursor.uint32(at: cursor.offset) else { return .undecided }
                metaEnd = cursor.offset + 4 + Int(length)
            }
            if element.tag == transferSyntaxUID {
                guard let value = cursor.text(element) else { return cursor.failure }
                transferSyntax = value
            }
            guard cursor.skip(element, explicit: true, depth: 0) else { return cursor.failure }
        }
        guard metaEnd == nil || metaEnd == cursor.offset else { return .undecided }
        guard let syntax = transferSyntax, let explicit = Self.explicitVR(transferSyntax: syntax) else { return .undecided }
        var previous: UInt32 = 0
        while true {
            guard let element = cursor.element(explicit: explicit) else { return cursor.failure }
            // Out of order, or past the place of (0020,000D): DCMTK decides.
            guard element.tag > previous, element.tag <= DICOMTag.studyInstanceUID.packed else { return .undecided }
            previous = element.tag
            if element.tag == DICOMTag.studyInstanceUID.packed {
                guard !explicit || element.vr == VR.ui else { return .undecided }
                guard let value = cursor.text(element) else { return cursor.failure }
                return .found(value)
            }
            guard cursor.skip(element, explicit: explicit, depth: 0) else { return cursor.failure }
        }
    }

    /// Whether a transfer syntax's dataset is explicit (true) or implicit (false) VR little endian; nil
    /// for any other encoding (PS3.5 §10 and Annex A; PS3.6 Table A-1).
    static func explicitVR(transferSyntax uid: String) -> Bool? {
        switch uid {
        case "1.2.840.10008.1.2": return false  // Implicit VR Little Endian
        case "1.2.840.10008.1.2.1": return true  // Explicit VR Little Endian
        case "1.2.840.10008.1.2.5": return true  // RLE Lossless
        default:
            // JPEG, JPEG-LS, JPEG 2000, MPEG and HTJ2K: 1.2.840.10008.1.2.4.x, explicit VR little endian.
            return uid.hasPrefix("1.2.840.10008.1.2.4.") ? true : nil
        }
    }

    /// The value without spaces and NULs around it, when it is digits and dots only.
    static func uid<Bytes: BidirectionalCollection<UInt8>>(_ value: Bytes) -> String? {
        let padding: Set<UInt8> = [0x00, 0x20]
        guard let first = value.firstIndex(where: { !padding.contains($0) }),
              let last = value.lastIndex(where: { !padding.contains($0) }) else { return nil }
        let core = value[first...last]
        guard core.allSatisfy({ $0 == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return String(decoding: core, as: UTF8.self)
    }

    static let undefinedLength: UInt32 = 0xFFFF_FFFF
    /// (0002,0010) Transfer Syntax UID (PS3.10 §7.1).
    static let transferSyntaxUID: UInt32 = 0x0002_0010
    /// Nested sequences followed before giving up.
    static let deepestSequence = 16

    /// Two-letter VRs as little-endian 16-bit values.
    enum VR {
        static let ui = code("UI")
        static let sq = code("SQ")

        /// How an explicit VR element's length is written (PS3.5 §7.1.2, Table 7.1-1 and 7.1-2).
        enum LengthField: UInt8 {
            case unknownVR = 0
            /// 2 bytes after the VR.
            case short
            /// 4 bytes after the VR and two reserved bytes.
            case long
        }

        /// The length field of a VR, from a table indexed by its two letters (a set look-up hashed
        /// every element).
        static func lengthField(_ vr: UInt16) -> LengthField {
            let first = Int(vr & 0xFF) &- 65, second = Int(vr >> 8) &- 65
            guard first >= 0, first < 26, second >= 0, second < 26 else { return .unknownVR }
            return LengthField(rawValue: table[first * 26 + second]) ?? .unknownVR
        }

        private static let table: [UInt8] = {
            var table = [UInt8](repeating: LengthField.unknownVR.rawValue, count: 26 * 26)
            let long = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]
            let short = ["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM",
                         "UI", "UL", "US"]
            for (names, field) in [(long, LengthField.long), (short, .short)] {
                for name in names {
                    let letters = Array(name.utf8)
                    table[Int(letters[0] - 65) * 26 + Int(letters[1] - 65)] = field.rawValue
                }
            }
            return table
        }()

        static func code(_ name: String) -> UInt16 {
            let b = Array(name.utf8)
            return UInt16(b[0]) | UInt16(b[1]) << 8
        }
    }
}

extension StudyInstanceUIDPeek {
    /// An element's header as read: tag (group in the high half), VR (0 for implicit VR), value length.
    struct Element {
        var tag: UInt32
        var vr: UInt16
        var length: UInt32
    }

    /// A position in the bytes read. A step that fails returns nil or false and leaves in `failure`
    /// whether the bytes ran out or the encoding is not the plain one.
    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var offset: Int
        var failure = Outcome.undecided

        func uint16(at position: Int) -> UInt16? {
            position + 2 <= bytes.count ? UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self)) : nil
        }

        func uint32(at position: Int) -> UInt32? {
            position + 4 <= bytes.count ? UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)) : nil
        }

        private mutating func ranOut<T>() -> T? { failure = .needsMoreBytes; return nil }
        private mutating func notPlain<T>() -> T? { failure = .undecided; return nil }

        /// Reads the element header at the cursor and moves past it, to its value.
        mutating func element(explicit: Bool) -> Element? {
            guard let group = uint16(at: offset), let number = uint16(at: offset + 2) else { return ranOut() }
            guard group != 0xFFFE else { return notPlain() }  // an item or delimiter where an element belongs
            let tag = UInt32(group) << 16 | UInt32(number)
            guard explicit else {
                guard let length = uint32(at: offset + 4) else { return ranOut() }
                offset += 8
                return Element(tag: tag, vr: 0, length: length)
            }
            guard let vr = uint16(at: offset + 4) else { return ranOut() }
            switch VR.lengthField(vr) {
            case .short:
                guard let length = uint16(at: offset + 6) else { return ranOut() }
                offset += 8
                return Element(tag: tag, vr: vr, length: UInt32(length))
            case .long:
                guard let length = uint32(at: offset + 8) else { return ranOut() }
                offset += 12
                return Element(tag: tag, vr: vr, length: length)
            case .unknownVR:
                return notPlain()
            }
        }

        /// The value of `element` (the cursor at its start) as a UID, or nil when it is not all read
        /// or not a UID.
        mutating func text(_ element: Element) -> String? {
            guard element.length != StudyInstanceUIDPeek.undefinedLength else { return notPlain() }
            guard offset + Int(element.length) <= bytes.count else { return ranOut() }
            guard let uid = StudyInstanceUIDPeek.uid(bytes[offset..<(offset + Int(element.length))]) else { return notPlain() }
            return uid
        }

        /// Moves past the value of `element` (the cursor at its start). A sequence's items are walked, as
        /// DCMTK parses them, and must fill its length exactly (an item that overran its sequence made
        /// DCMTK lose the elements after it); any other value is skipped by its length.
        mutating func skip(_ element: Element, explicit: Bool, depth: Int) -> Bool {
            let undefined = element.length == StudyInstanceUIDPeek.undefinedLength
            // In implicit VR a sequence is known by its dictionary entry: here by an undefined length
            // (PS3.5 §7.5) or a value that opens with an item.
            let sequence = explicit ? element.vr == VR.sq : undefined || (element.length > 0 && uint32(at: offset) == Self.item)
            guard sequence else {
                guard !undefined else { failure = .undecided; return false }
                offset += Int(element.length)
                return true
            }
            guard depth < StudyInstanceUIDPeek.deepestSequence else { failure = .undecided; return false }
            let end = undefined ? nil : offset + Int(element.length)
            while true {
                if let end {
                    if offset == end { return true }
                    guard offset < end else { failure = .undecided; return false }
                }
                guard let tag = uint32(at: offset), let length = uint32(at: offset + 4) else { failure = .needsMoreBytes; return false }
                offset += 8
                if end == nil, tag == Self.sequenceDelimitation { return true }
                guard tag == Self.item else { failure = .undecided; return false }
                let itemEnd = length == StudyInstanceUIDPeek.undefinedLength ? nil : offset + Int(length)
                if let itemEnd, let end, itemEnd > end { failure = .undecided; return false }
                // The item's elements, up to its length or its delimitation item.
                while true {
                    if let itemEnd {
                        if offset == itemEnd { break }
                        guard offset < itemEnd else { failure = .undecided; return false }
                    } else {
                        guard let tag = uint32(at: offset) else { failure = .needsMoreBytes; return false }
                        if tag == Self.itemDelimitation {
                            offset += 8
                            break
                        }
                    }
                    guard let inner = self.element(explicit: explicit), skip(inner, explicit: explicit, depth: depth + 1) else { return false }
                }
            }
        }

        /// (FFFE,E000), (FFFE,E00D) and (FFFE,E0DD) as read little endian, group first (PS3.5 §7.5).
        static let item: UInt32 = 0xE000_FFFE
        static let itemDelimitation: UInt32 = 0xE00D_FFFE
        static let sequenceDelimitation: UInt32 = 0xE0DD_FFFE
    }
}
