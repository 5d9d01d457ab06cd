import CSVFormat
import Foundation
import Testing

/// dose-outliers.csv end to end, through DICOM files, pixels, the store and the export: thirteen copies of
/// the sample exam's axial series (no dose report: events computed from the image headers), each with its
/// Pixel Spacing and Reconstruction Diameter scaled by s/1.5 so that the water ellipse measures
/// Dw = 27.7128 cm · s/1.5 (s = 1.20, 1.25 … 1.75: 22.2 to 32.3 cm), and CTDIvol (0018,9345) set to
/// 5 mGy · e^(0.04 Dw); the thirteenth, at the mean s (1.475), at 2.5 times that. At the mean Dw the
/// outlier shifts the least-squares line but not its slope, and the median residual takes the shift
/// back: its ratio is 2.5 (within the measured Dw's pixel error), and no other event is listed.
struct DoseOutliersCommandTests {
    @Test(.timeLimit(.minutes(3))) func anEventTwoAndAHalfTimesItsProtocolsIsListed() throws {
        let root = try StoreFixture.temporaryFolder("dose-outliers-e2e")
        let spacings = (0..<12).map { 1.2 + 0.05 * Double($0) } + [1.475]
        let dcmodify = try #require(DCMTKTools.path("dcmodify"))
        for (index, spacing) in spacings.enumerated() {
            try StoreFixture.writeStudyCopy(index, into: root + "/archive") { $0.hasPrefix("axial/") }
            let dw = 2 * (16.0 * 12.0).squareRoot() * spacing / 1.5
            let ctdi = 5 * exp(0.04 * dw) * (index == 12 ? 2.5 : 1)
            let files = StoreFixture.sampleFiles.filter { $0.hasPrefix("axial/") }.map { root + "/archive/study\(index)/" + $0 }
            let status = StoreFixture.run(dcmodify, [
                "-nb", "-m", String(format: "(0028,0030)=%.4f\\%.4f", spacing, spacing), "-m", String(format: "(0018,1100)=%.4f", 256 * spacing),
                "-m", String(format: "(0018,9345)=%.6f", ctdi),
            ] + files).status
            #expect(status == 0)
        }
        let out = root + "/out"
        let scan = StoreFixture.ctdose(["scan", root + "/archive", "--db", root + "/store.sqlite", "--out", out, "--slices", "mid", "--jobs", "2"])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.stderr.contains("1 event far from their protocol's CTDIvol for the patient's size: \(out)/dose-outliers.csv"), "\(scan.stderr)")
        let rows = CSVDocument(parsing: try String(contentsOfFile: out + "/dose-outliers.csv", encoding: .utf8)).namedRows
        try #require(rows.count == 1, "\(rows)")
        let row = rows[0]
        #expect(row["studyInstanceUID"] == "2.25.9000012" && row["studyDate"] == "20250315" && row["groupEvents"] == "13")
        #expect(row["acquisitionProtocol"] == "Abdomen Pelvis Routine")
        let ratio = try #require(Double(row["ratio"]))
        #expect(abs(ratio - 2.5) / 2.5 < 0.01, "\(ratio)")
        let dw = try #require(Double(row["waterEquivalentDiameter_cm"]))
        #expect(abs(dw - 2 * (16.0 * 12.0).squareRoot() * 1.475 / 1.5) / dw < 0.005, "\(dw)")
        // The report lists it.
        #expect(StoreFixture.ctdose(["report", "--from", out, "--out", root + "/report.html"]).status == 0)
        let html = try String(contentsOfFile: root + "/report.html", encoding: .utf8)
        #expect(html.contains("id=\"dose-outlier-table\"") && html.contains("<td>2.25.9000012</td>"))
        // …and flags its exam, with the reason, and no other exam for it.
        let flagged = try #require(html.firstMatch(of: /<li><a href="#exam-2-25-9000012"><code>2.25.9000012<\/code><\/a>: ([^<]*)<\/li>/))
        #expect(flagged.1.contains("dose for size: CTDIvol ") && flagged.1.contains(" × its protocol") && flagged.1.hasSuffix("(Abdomen Pelvis Routine)"),
                "\(flagged.1)")
        // Counted apart when nothing else flags it.
        #expect(html.contains(", 1 by dose for size only.") == !flagged.1.contains(" finding"), "\(flagged.1)")
    }
}
