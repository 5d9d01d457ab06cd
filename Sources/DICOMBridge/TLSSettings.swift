import CDCMTK
import Foundation

/// DICOM over TLS (PS3.15 B.9, DCMTK's dcmtls with the Non-downgrading BCP 195 profile: TLS 1.2 or
/// newer). PEM files. The key and certificate are this end's identity (required to receive, optional
/// to request: a PACS may require them). With trusted certificates (certificate authorities or the
/// peers' own certificates), the peer must present a certificate they sign; with none, it is not asked
/// for one.
public struct TLSSettings: Sendable, Equatable {
    public var privateKeyFile: String?
    public var certificateFile: String?
    public var trustedCertificateFiles: [String]

    public init(privateKeyFile: String? = nil, certificateFile: String? = nil, trustedCertificateFiles: [String] = []) {
        self.privateKeyFile = privateKeyFile
        self.certificateFile = certificateFile
        self.trustedCertificateFiles = trustedCertificateFiles
    }
}

/// Calls `body` with the shim's description of `settings` (nil: plain TCP), valid for the call.
func withTLS<R>(_ settings: TLSSettings?, _ body: (UnsafePointer<cdcm_tls>?) -> R) -> R {
    guard let settings else { return body(nil) }
    let key = settings.privateKeyFile.flatMap { strdup($0) }, certificate = settings.certificateFile.flatMap { strdup($0) }
    defer {
        free(key)
        free(certificate)
    }
    return withCStrings(settings.trustedCertificateFiles) { trusted in
        var description = cdcm_tls(private_key_file: key.map { UnsafePointer($0) }, certificate_file: certificate.map { UnsafePointer($0) },
                                   trusted_certificate_files: trusted, trusted_certificate_count: settings.trustedCertificateFiles.count)
        return body(&description)
    }
}
