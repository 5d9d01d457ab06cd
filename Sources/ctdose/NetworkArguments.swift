import ArgumentParser
import DICOMBridge
import Foundation

/// `--ae-title` and `--port`: this machine's DICOM application entity, for `receive` and `retrieve`.
struct LocalAEArguments: ParsableArguments {
    @Option(name: .long, help: "TCP port to receive on (11112: the registered DICOM port).")
    var port: UInt16 = 11112

    @Option(name: .long, help: "This machine's AE title, up to 16 characters.")
    var aeTitle = "CTDOSE"

    func validate() throws {
        try Self.check(aeTitle, option: "--ae-title")
    }

    /// 1 to 16 characters of the default repertoire, no backslash, no control characters (PS3.5 §6.2, AE).
    static func check(_ title: String, option: String) throws {
        guard !title.isEmpty, title.count <= 16, title.allSatisfy({ $0.isASCII && $0 != "\\" && !$0.isNewline }) else {
            throw ValidationError("\(option) must be 1 to 16 ASCII characters without a backslash (PS3.5 §6.2, AE)")
        }
    }
}

/// `--tls-key`, `--tls-certificate`, `--tls-trust`: DICOM over TLS for `receive` and `retrieve`.
struct TLSArguments: ParsableArguments {
    @Option(name: .long, help: "TLS: this machine's private key (PEM). With --tls-certificate, every association is TLS 1.2 or newer.")
    var tlsKey: String?

    @Option(name: .long, help: "TLS: this machine's certificate (PEM).")
    var tlsCertificate: String?

    @Option(name: .long, help: "TLS: a certificate authority's or a peer's certificate (PEM) to trust; the peer must present one it signs. Repeat for several.")
    var tlsTrust: [String] = []

    func validate() throws {
        guard (tlsKey == nil) == (tlsCertificate == nil) else { throw ValidationError("--tls-key and --tls-certificate go together") }
        for file in [tlsKey, tlsCertificate].compactMap({ $0 }) + tlsTrust where !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("cannot read \(file)")
        }
    }

    /// nil when no TLS option is given.
    var settings: TLSSettings? {
        guard tlsKey != nil || tlsCertificate != nil || !tlsTrust.isEmpty else { return nil }
        return TLSSettings(privateKeyFile: tlsKey, certificateFile: tlsCertificate, trustedCertificateFiles: tlsTrust)
    }
}

/// A file holding an HTTP Authorization header value on its first line (a bearer token, basic
/// credentials): kept out of the command line, where other users' `ps` would see it.
enum AuthorizationFile {
    static func value(in path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(whereSeparator: \.isNewline).first.map({ $0.trimmingCharacters(in: .whitespaces) }), !line.isEmpty else {
            throw ValidationError("cannot read an Authorization value from the first line of \(path)")
        }
        return line
    }
}
