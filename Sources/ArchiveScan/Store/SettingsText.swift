/// A text of a settings value that is the same in every process: Swift prints dictionaries and sets
/// in a per-process hash order, so their entries are sorted here.
enum SettingsText {
    static func of(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .dictionary:
            let entries = mirror.children.map { entry -> String in
                let pair = Mirror(reflecting: entry.value).children.map { of($0.value) }
                return pair.joined(separator: ": ")
            }
            return "[" + entries.sorted().joined(separator: ", ") + "]"
        case .set:
            return "[" + mirror.children.map { of($0.value) }.sorted().joined(separator: ", ") + "]"
        case .struct, .class:
            let fields = mirror.children.map { "\($0.label ?? "_"): \(of($0.value))" }
            return "\(mirror.subjectType)(" + fields.joined(separator: ", ") + ")"
        case .collection, .tuple:
            return "[" + mirror.children.map { of($0.value) }.joined(separator: ", ") + "]"
        case .optional:
            return mirror.children.first.map { of($0.value) } ?? "nil"
        default:
            return String(describing: value)
        }
    }
}

extension PixelAnalysisSettings {
    /// The settings that decide pixel results, as one text the same in every process.
    var settingsText: String {
        "\(SettingsText.of(slices)) \(SettingsText.of(segmentation)) \(SettingsText.of(noise)) \(SettingsText.of(centring))"
    }
}
