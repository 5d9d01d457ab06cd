/// Conversion between 16 cm and 32 cm phantom references. Never applied implicitly: callers opt in
/// and results record that it was applied.
public enum PhantomNormalization {
    /// CTDIvol(16 cm) ≈ 2.3 × CTDIvol(32 cm) for the same exposure.
    public static let headToBodyPhantomRatio = 2.3  // ACR Dose Index Registry measures document (2014), cms1074.md §6.4

    /// Converts a CTDIvol (or DLP) value from one phantom reference to another using the ACR DIR factor.
    public static func convert(_ value: Double, from source: DosimetryPhantom, to target: DosimetryPhantom) -> Double {
        switch (source, target) {
        case (.body32Centimeter, .head16Centimeter): return value * headToBodyPhantomRatio
        case (.head16Centimeter, .body32Centimeter): return value / headToBodyPhantomRatio
        default: return value
        }
    }
}
