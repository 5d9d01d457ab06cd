import Foundation

/// Patient-size conversions from AAPM Report 204 (2011) and AAPM Report 220 (2014). All lengths in centimeters.
public enum EffectiveDiameter {
    /// AAPM 204 effective diameter: diameter of the circle with the area of the AP×LAT ellipse, √(AP·LAT).
    public static func fromAPAndLateral(apCentimeters: Double, lateralCentimeters: Double) -> Double {
        (apCentimeters * lateralCentimeters).squareRoot()
    }

    /// Arithmetic mean (AP + LAT) / 2 (one of the five size methods compared by Ge/Weaver et al., JACR 2025).
    public static func arithmeticMean(apCentimeters: Double, lateralCentimeters: Double) -> Double {
        (apCentimeters + lateralCentimeters) / 2
    }

    /// AAPM 204 fit from the sum AP + LAT: ED = −0.203128 + 0.4958912·(AP + LAT) (as used by ACR DIR).
    public static func fromSumOfAPAndLateral(apCentimeters: Double, lateralCentimeters: Double) -> Double {
        -0.203128 + 0.4958912 * (apCentimeters + lateralCentimeters)  // AAPM 204 / ACR DIR AP+LAT fit
    }

    /// AAPM 204 fit from AP only: ED = −3.744858 + 1.671734·AP − 0.01338955·AP².
    public static func fromAP(apCentimeters ap: Double) -> Double {
        -3.744858 + 1.671734 * ap - 0.01338955 * ap * ap  // AAPM 204 / ACR DIR AP-only fit
    }

    /// AAPM 204 fit from LAT only: ED = 5.899298 + 0.3270494·LAT + 0.009978896·LAT².
    public static func fromLateral(lateralCentimeters lat: Double) -> Double {
        5.899298 + 0.3270494 * lat + 0.009978896 * lat * lat  // AAPM 204 / ACR DIR LAT-only fit
    }

    /// Diameter of the circle with the given area: d = 2·√(A/π) (AAPM 220 form, also used for area-equivalent diameter).
    public static func circleEquivalent(areaSquareCentimeters: Double) -> Double {
        2 * (areaSquareCentimeters / Double.pi).squareRoot()
    }
}
