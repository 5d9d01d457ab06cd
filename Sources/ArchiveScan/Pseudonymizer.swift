import Crypto
import Foundation
import Synchronization

/// Replaces patient identifiers by a keyed HMAC-SHA256 pseudonym. The same key gives the same
/// pseudonym for the same identifier across runs and machines; the key is never written to outputs.
public struct Pseudonymizer: Sendable {
    private let keyBytes: Data
    /// When true, identifiers are written unchanged (explicit opt-in, `--keep-identifiers`).
    public let keepsIdentifiers: Bool
    private let recent = RecentPseudonyms()

    public init(key: SymmetricKey, keepsIdentifiers: Bool = false) {
        self.keyBytes = key.withUnsafeBytes { Data($0) }
        self.keepsIdentifiers = keepsIdentifiers
    }

    /// Keeps identifiers unchanged: for values that are already pseudonyms (a store's contents) or
    /// for in-memory results that a writer pseudonymises later.
    public static let identity = Pseudonymizer(key: SymmetricKey(data: Data(repeating: 0, count: 32)), keepsIdentifiers: true)

    /// Environment variable holding the key (hex or any text of ≥ 16 bytes).
    public static let keyEnvironmentVariable = "CTDOSE_PSEUDONYM_KEY"

    /// The key from `CTDOSE_PSEUDONYM_KEY`, else from `keyFile`, which is created with a random
    /// 256-bit key (mode 0600) on first use.
    public static func loadKey(keyFile: String) throws -> SymmetricKey {
        if let text = ProcessInfo.processInfo.environment[keyEnvironmentVariable], text.utf8.count >= 16 {
            return SymmetricKey(data: Data(text.utf8))
        }
        if let data = FileManager.default.contents(atPath: keyFile), data.count >= 16 {
            return SymmetricKey(data: data)
        }
        let key = SymmetricKey(size: .bits256)
        let folder = (keyFile as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let data = key.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: keyFile, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: keyFile])
        }
        return key
    }

    /// Default key location: `$XDG_CONFIG_HOME/ctdose/pseudonym.key` or `~/.config/ctdose/pseudonym.key`.
    public static var defaultKeyFile: String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"] ?? (NSHomeDirectory() + "/.config")
        return base + "/ctdose/pseudonym.key"
    }

    /// Identifies the key without revealing it: the first 8 hex digits of HMAC-SHA256(key, a fixed text).
    public var keyFingerprint: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("ctdose key fingerprint".utf8), using: SymmetricKey(data: keyBytes))
        return mac.prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// "P-" + the first 16 hex digits of HMAC-SHA256(key, kind + ":" + value); nil for nil/empty.
    public func pseudonym(_ value: String?, kind: String = "patient") -> String? {
        guard let value, !value.isEmpty else { return nil }
        if keepsIdentifiers { return value }
        let message = kind + ":" + value
        return recent.pseudonym(of: message) { computePseudonym(message) }
    }

    private func computePseudonym(_ message: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: keyBytes))
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = Array("P-".utf8)
        for byte in mac.prefix(8) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Pseudonyms of recently seen identifiers, shared by a scan's workers: the files of one study carry
/// one patient, so most calls repeat a recent one and skip the HMAC. Bounded: emptied when full.
private final class RecentPseudonyms: Sendable {
    private static let capacity = 4096
    private let entries = Mutex<[String: String]>([:])

    func pseudonym(of message: String, compute: () -> String) -> String {
        if let known = entries.withLock({ $0[message] }) { return known }
        let computed = compute()
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[message] = computed
        }
        return computed
    }
}
