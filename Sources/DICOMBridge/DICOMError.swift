/// Why a DICOM file, element or frame could not be read. Every case carries a specific message
/// suitable for problems.csv (never patient data).
public enum DICOMError: Error, Equatable, Sendable, CustomStringConvertible {
    case io(String)
    /// The file does not look like DICOM at all (no preamble, no plausible dataset start).
    case notDICOM(String)
    /// The file looks like DICOM but its structure cannot be parsed (truncated, corrupt).
    case parse(String)
    case notFound(String)
    case wrongType(String)
    case unsupportedTransferSyntax(uid: String)
    case unsupported(String)
    case decode(String)
    case hostileHeader(String)
    case internalError(String)
    /// A DICOM network exchange failed (cannot listen, association or transfer broken).
    case network(String)

    public var description: String {
        switch self {
        case .io(let m): return "cannot read file: \(m)"
        case .notDICOM(let m): return "not a DICOM file: \(m)"
        case .parse(let m): return "cannot parse DICOM: \(m)"
        case .notFound(let m): return m
        case .wrongType(let m): return m
        case .unsupportedTransferSyntax(let uid): return "unsupported transfer syntax \(uid)"
        case .unsupported(let m): return m
        case .decode(let m): return "decode failed: \(m)"
        case .hostileHeader(let m): return "inconsistent image header: \(m)"
        case .internalError(let m): return "internal error: \(m)"
        case .network(let m): return "DICOM network: \(m)"
        }
    }
}
