/// How alike two protocol names are, for pairing the protocols a scanner stopped using with those it
/// started using at the same time (a software upgrade, a protocol tree renamed): the Dice coefficient
/// of their letter pairs, 2 |A ∩ B| / (|A| + |B|) over multisets, with letters in one case, every
/// other character a word break and each word padded by a space ("CHEST" → " C", "CH", "HE", "ES",
/// "ST", "T "). 1 for names that differ only in case and punctuation, 0 for names with no pair in common.
enum ProtocolNameSimilarity {
    static func of(_ a: String, _ b: String) -> Double {
        let first = letterPairs(a), second = letterPairs(b)
        let total = first.values.reduce(0, +) + second.values.reduce(0, +)
        guard total > 0 else { return 0 }
        let shared = first.reduce(0) { $0 + min($1.value, second[$1.key] ?? 0) }
        return 2 * Double(shared) / Double(total)
    }

    /// Each word's letter pairs, counted; a word is a run of letters and digits.
    static func letterPairs(_ name: String) -> [String: Int] {
        var pairs: [String: Int] = [:]
        let words = name.uppercased().split { !($0.isLetter || $0.isNumber) }
        for word in words {
            let padded = Array(" " + word + " ")
            for index in 0..<(padded.count - 1) { pairs[String(padded[index...index + 1]), default: 0] += 1 }
        }
        return pairs
    }
}
