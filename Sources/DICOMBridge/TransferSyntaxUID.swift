/// Transfer syntaxes (PS3.5 §8.7, §10, Annex A; UIDs from PS3.6 Annex A) that ctdose reads and decodes.
public enum TransferSyntaxUID {
    public static let explicitVRLittleEndian = "1.2.840.10008.1.2.1"
    public static let implicitVRLittleEndian = "1.2.840.10008.1.2"
    public static let deflatedExplicitVRLittleEndian = "1.2.840.10008.1.2.1.99"
    public static let explicitVRBigEndian = "1.2.840.10008.1.2.2"  // retired, still sent by old modalities
    public static let jpegBaseline = "1.2.840.10008.1.2.4.50"
    public static let jpegExtended = "1.2.840.10008.1.2.4.51"
    public static let jpegLosslessNonHierarchical = "1.2.840.10008.1.2.4.57"
    public static let jpegLosslessFirstOrder = "1.2.840.10008.1.2.4.70"
    public static let jpegLSLossless = "1.2.840.10008.1.2.4.80"
    public static let jpegLSNearLossless = "1.2.840.10008.1.2.4.81"
    public static let jpeg2000Lossless = "1.2.840.10008.1.2.4.90"
    public static let jpeg2000 = "1.2.840.10008.1.2.4.91"
    public static let rleLossless = "1.2.840.10008.1.2.5"

    /// Everything the bridge decodes, in the order a receiver prefers them when a sender proposes
    /// several for one object: lossless compressed first (the object stays as the sender holds it,
    /// nothing is converted), then uncompressed, then lossy (a sender that also offers an uncompressed
    /// form decompresses; the pixels are the same either way, and never is an uncompressed image
    /// compressed lossily on the way).
    public static let readable = [
        jpegLSLossless, jpeg2000Lossless, jpegLosslessFirstOrder, jpegLosslessNonHierarchical, rleLossless,
        explicitVRLittleEndian, implicitVRLittleEndian, deflatedExplicitVRLittleEndian, explicitVRBigEndian,
        jpegLSNearLossless, jpeg2000, jpegBaseline, jpegExtended,
    ]
}
