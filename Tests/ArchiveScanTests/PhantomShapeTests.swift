import CSVFormat
import Foundation
@testable import PixelAnalysis
import Testing
@testable import ArchiveScan

/// QA phantoms recognised by their shape: slices of exact circles, ellipses and cones (their area, AP,
/// lateral and diameters from geometry), and, end to end, the sample exam's water ellipse (32 × 24 cm)
/// made a 24 cm cylinder by its Pixel Spacing.
struct PhantomShapeTests {
    /// A slice of a water ellipse of these extents (cm): area π·AP·LAT/4 times `fill` (below 1: a
    /// concave outline), Dw and area-equivalent diameter those of that area.
    static func slice(z: Double, ap: Double, lateral: Double, fill: Double = 1, series: String = "1.2.3", truncated: Bool = false) -> SliceMeasurement {
        let area = Double.pi * ap * lateral / 4 * fill
        let diameter = 2 * (area / Double.pi).squareRoot()
        return SliceMeasurement(seriesInstanceUID: series, sopInstanceUID: "1.2.3.\(Int(z))", frameNumber: nil,
                                size: SliceSize(zMillimeters: z, areaSquareCentimeters: area, areaEquivalentDiameterCentimeters: diameter,
                                                waterEquivalentDiameterCentimeters: diameter, apCentimeters: ap, lateralCentimeters: lateral,
                                                truncated: truncated, truncatedOutlineFraction: truncated ? 0.2 : 0),
                                noise: SliceNoise(tissueHounsfield: 10, airHounsfield: 5, tissuePixels: 1, airPixels: 1, kernelPixels: 81))
    }

    static let z = (0..<10).map { 5.0 * Double($0) }  // 45 mm

    @Test func aCylinderIsAPhantomAndAPatientIsNot() {
        let shape = PhantomShape()
        let cylinder = Self.z.map { Self.slice(z: $0, ap: 32, lateral: 32) }
        #expect(shape.reason(cylinder) == "its images show a cylinder: 32.0 cm across (AP 32.0, lateral 32.0 cm), water-equivalent 32.0 cm within 0.0 % over 45 mm (a phantom's shape)")
        // Within the tolerance: AP 2 % below lateral, both growing by 2 % along the series.
        let nearly = Self.z.enumerated().map { index, z in
            let grown = 1 + 0.02 * Double(index) / 9
            return Self.slice(z: z, ap: 31.36 * grown, lateral: 32 * grown)
        }
        #expect(shape.reason(nearly) != nil)
        // An ellipse (the sample exam's 32 × 24 cm), a cone (30 to 32 cm: 6.5 % along 45 mm), a round
        // outline with a quarter of its ellipse's area missing: not phantoms.
        #expect(shape.reason(Self.z.map { Self.slice(z: $0, ap: 24, lateral: 32) }) == nil)
        #expect(shape.reason(Self.z.enumerated().map { Self.slice(z: $1, ap: 30 + 2 * Double($0) / 9, lateral: 30 + 2 * Double($0) / 9) }) == nil)
        #expect(shape.reason(Self.z.map { Self.slice(z: $0, ap: 32, lateral: 32, fill: 0.75) }) == nil)
        // Too few slices, or too short a series, says nothing.
        #expect(shape.reason(Array(cylinder.prefix(2))) == nil)
        #expect(shape.reason(Array(cylinder.prefix(6))) == nil)  // 25 mm
        #expect(shape.reason(Array(cylinder.prefix(7))) != nil)  // 30 mm
        // Truncated slices are left out; a cylinder series beside a patient's series is not a phantom.
        let truncatedEnds = cylinder + [Self.slice(z: 50, ap: 28, lateral: 40, truncated: true)]
        #expect(shape.reason(truncatedEnds) != nil)
        let withPatient = cylinder + Self.z.map { Self.slice(z: $0, ap: 24, lateral: 32, series: "1.2.4") }
        #expect(shape.reason(withPatient) == nil)
        let withShortSeries = cylinder + [Self.slice(z: 0, ap: 24, lateral: 32, series: "1.2.4")]
        #expect(shape.reason(withShortSeries) != nil)
    }

    /// A 32 cm PMMA CTDI phantom (120 HU [U: PMMA's CT number varies with the scanner]) with its five
    /// 13.1 mm holes empty (air), lying on a 10 mm couch plate with no gap, σ 10 HU of noise, five
    /// slices over 40 mm, through the segmentation and size measurement: the holes are filled into the
    /// body (adding no water-equivalent area), the couch cut off but for a sliver where it touches, and
    /// the exam taken for a phantom's.
    /// Exact Dw = 2 √(1.12 (16² − 5 · 0.655²)) cm = 33.72 cm; area-equivalent 32 cm.
    @Test func aCTDIPhantomOnTheCouchIsTakenForAPhantom() throws {
        let size = 512, spacing = 0.8
        let holes: [(x: Double, y: Double)] = [(0, 0), (0, -150), (0, 150), (-150, 0), (150, 0)]  // mm, 1 cm inside the surface
        let slices = (0..<5).map { index -> SliceMeasurement in
            var state = UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
            func gaussian() -> Double {  // Box–Muller on a splitmix64 stream
                func uniform() -> Double {
                    state &+= 0x9E37_79B9_7F4A_7C15
                    var z = state
                    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                    return (Double((z ^ (z >> 31)) >> 11) + 0.5) / Double(1 << 53)
                }
                return (-2 * Foundation.log(uniform())).squareRoot() * Foundation.cos(2 * Double.pi * uniform())
            }
            var values = [Float](repeating: -1000, count: size * size)
            let centre = (Double(size) - 1) / 2
            for r in 0..<size {
                for c in 0..<size {
                    let x = (Double(c) - centre) * spacing, y = (Double(r) - centre) * spacing
                    var hu = -1000.0
                    if x * x + y * y <= 160 * 160 { hu = 120 }
                    if holes.contains(where: { (x - $0.x) * (x - $0.x) + (y - $0.y) * (y - $0.y) <= 6.55 * 6.55 }) { hu = -1000 }
                    if y > 160, y <= 170, abs(x) < 200 { hu = 200 }  // the couch plate, touching the phantom
                    values[r * size + c] = Float(hu + 10 * gaussian())
                }
            }
            let slice = AxialSlice(rows: size, columns: size, hounsfieldUnits: values, rowSpacingMillimeters: spacing,
                                   columnSpacingMillimeters: spacing, zMillimeters: 10 * Double(index))
            let measured = SliceSizeMeasurement.measure(slice, outline: PatientSegmentation.segment(slice))
            return SliceMeasurement(seriesInstanceUID: "1.2.3", sopInstanceUID: "1.2.3.\(index)", frameNumber: nil, size: measured,
                                    noise: SliceNoise(tissueHounsfield: nil, airHounsfield: nil, tissuePixels: 0, airPixels: 0, kernelPixels: 0))
        }
        let exactDw = 2 * (1.12 * (256 - 5 * 0.655 * 0.655)).squareRoot()
        for slice in slices {
            #expect(abs(slice.size.waterEquivalentDiameterCentimeters - exactDw) / exactDw < 0.005, "\(slice.size)")
            // AP keeps up to 5 mm of the plate where the phantom touches it (README, Known limits).
            #expect(abs(slice.size.areaEquivalentDiameterCentimeters - 32) / 32 < 0.005 && abs(slice.size.apCentimeters - 32.25) < 0.3
                    && abs(slice.size.lateralCentimeters - 32) < 0.2, "\(slice.size)")
        }
        let reason = try #require(PhantomShape().reason(slices))
        #expect(reason.hasPrefix("its images show a cylinder: 32.0 cm across") && reason.hasSuffix(" over 40 mm (a phantom's shape)"), "\(reason)")
    }

    @Test func theOptionIsParsed() throws {
        let parsed = try #require(PhantomShape(parsing: "0.05:40"))
        #expect(parsed.tolerance == 0.05 && parsed.minimumLengthMillimeters == 40 && parsed.minimumSlices == 3)
        for bad in ["0:30", "0.5:30", "0.03", "0.03:-1", "abc", "0.03:30:1"] { #expect(PhantomShape(parsing: bad) == nil, "\(bad)") }
        #expect(try MeasureOptions(phantomShape: "off").phantomShapeSettings() == nil)
        #expect(try MeasureOptions().phantomShapeSettings() == PhantomShape())
        #expect { try MeasureOptions(phantomShape: "0.03").phantomShapeSettings() } throws: { "\($0)".contains("--phantom-shape 0.03: give off, or TOLERANCE:MM") }
    }

    @Test(.timeLimit(.minutes(2))) func aCylindricalPhantomUnderAPatientsNameIsSetApart() throws {
        // Two copies of the sample exam; the second's axial slices with Pixel Spacing 1.5 \ 1.125 mm
        // (rows \ columns): its 32 × 24 cm ellipse becomes a circle, 24 cm both ways, over 95 mm.
        let root = try StoreFixture.temporaryFolder("phantom-shape")
        for index in 0..<2 { try StoreFixture.writeStudyCopy(index, into: root + "/archive") }
        let dcmodify = try #require(DCMTKTools.path("dcmodify"))
        let files = StoreFixture.sampleFiles.filter { $0.hasPrefix("axial/") }.map { root + "/archive/study1/" + $0 }
        #expect(StoreFixture.run(dcmodify, ["-nb", "-m", "(0028,0030)=1.5\\1.125"] + files).status == 0)
        let db = root + "/store.sqlite"
        let scan = StoreFixture.ctdose(["scan", root + "/archive", "--db", db, "--out", root + "/scan", "--slices", "every:2"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let reasons = try NonPatientCommandTests.column(root + "/scan", "exams.csv", "nonPatient")
        try #require(reasons.count == 2)
        #expect(reasons[0] == "")
        #expect(reasons[1].hasPrefix("its images show a cylinder: 24.0 cm across (AP 24.0, lateral 24.") && reasons[1].hasSuffix(" over 90 mm (a phantom's shape)"),
                "\(reasons[1])")
        #expect(try NonPatientCommandTests.column(root + "/scan", "measure.csv", "reasonCode").filter { $0 == "notAPatient" }.count == 1)
        // Off, the export takes it for a patient's.
        let off = StoreFixture.ctdose(["export", "--db", db, "--out", root + "/off", "--phantom-shape", "off"])
        #expect(off.status == 0, "\(off.stderr)")
        #expect(try NonPatientCommandTests.column(root + "/off", "exams.csv", "nonPatient") == ["", ""])
        // The library's measure inputs of an in-memory scan (every slice) say the same, and with the
        // check off, nothing.
        let result = ArchiveScanner(jobs: 2).scan([root + "/archive"])
        let inputs = MeasureInputBuilder.inputs(for: result, pseudonymizer: .identity).inputs
        #expect(inputs.count == 2)
        let reason = try #require(inputs.compactMap(\.nonPatientReason).first)
        #expect(inputs.compactMap(\.nonPatientReason).count == 1)
        #expect(reason.hasPrefix("its images show a cylinder: 24.0 cm across (AP 24.0, lateral 24.") && reason.hasSuffix(" over 95 mm (a phantom's shape)"),
                "\(reason)")
        #expect(MeasureInputBuilder.inputs(for: result, pseudonymizer: .identity, phantomShape: nil).inputs.allSatisfy { $0.nonPatientReason == nil })
    }
}
