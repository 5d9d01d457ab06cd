import DoseModel
import Foundation
import Testing

struct WhitespaceTrimmingTests {
    /// The same result as Foundation's `trimmingCharacters(in: .whitespaces)`, which it replaces: spaces,
    /// tabs and the other Unicode space separators go, line breaks and inner spaces stay.
    @Test(arguments: [
        "", " ", "  ORIGINAL ", "\tAXIAL\t", "A B", " 12.5 ", "\u{00A0}NBSP\u{00A0}", "\u{3000}ideographic\u{2003}",
        "line\n", "\nline", " \r\n ", "Ünïcode ☢ ", "\u{200B}zero width\u{200B}", "e\u{0301} ", " \u{0301}x",
    ])
    func matchesFoundation(_ text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
        let slice = ("[" + text + "]").dropFirst().dropLast()
        #expect(slice.trimmingWhitespace() == slice.trimmingCharacters(in: .whitespaces))
    }

    /// Every character of the Basic Multilingual Plane, alone around a letter.
    @Test func everyBasicPlaneCharacterAgreesWithFoundation() {
        var disagreeing: [UInt32] = []
        for value in UInt32(0)..<0x10000 {
            guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
            let text = String(Character(scalar)) + "x" + String(Character(scalar))
            if text.trimmingWhitespace() != text.trimmingCharacters(in: .whitespaces) { disagreeing.append(value) }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(20).map { String($0, radix: 16) })")
    }
}
