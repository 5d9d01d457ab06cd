import CSVFormat
import DoseModel
import DoseValidation
import Foundation
import PixelAnalysis
import Testing
@testable import ArchiveScan

/// Where the isocentre comes from, and the centring of a whole scan: the bundled sample exam's water
/// ellipse is centred on the patient-coordinate origin (Scripts/make-sample-exam), so an isocentre
/// written 40 mm behind it puts the patient 40 mm above the isocentre.
@Suite struct PatientCentringScanTests {
    private func header(tilt: Double? = nil, centre: [Double]? = nil, position: String? = "HFS", table: Double? = nil) -> CTImageHeader {
        var h = CTImageHeader(sopClassUID: SOPClass.ctImage, sopInstanceUID: "1", studyInstanceUID: "2", seriesInstanceUID: "3")
        h.gantryTiltDegrees = tilt
        h.dataCollectionCenterMillimeters = centre
        h.patientPosition = position
        h.tableHeightMillimeters = table
        return h
    }

    /// A slice offset whose body's lowest point lies `bottom` mm below the candidate isocentre.
    private func resting(_ bottom: Double) -> CentringOffset {
        CentringOffset(verticalMillimeters: 0, lateralMillimeters: 0, bottomBelowIsocentreMillimeters: bottom)
    }

    @Test func isocentreSources() {
        let settings = CentringSettings()
        // Data Collection Center (Patient) is taken as it is, tilted or not.
        let recorded = IsocentreLocation(header(tilt: 12, centre: [1, 2, 3], position: "HFP"))
        #expect(recorded.isocentre?.x == 1 && recorded.isocentre?.y == 2 && recorded.posture == .prone)
        #expect(recorded.verdict(wholeSlices: [], settings: settings) == (true, "isocentre from Data Collection Center (Patient); patient prone (HFP)"))
        // The origin stands when the body rests 15 mm above the table top 150 mm below it.
        let origin = IsocentreLocation(header(position: nil, table: 150))
        #expect(origin.isocentre?.x == 0 && origin.isocentre?.y == 0 && origin.posture == .supine)
        #expect(origin.verdict(wholeSlices: [resting(130), resting(135), resting(140)], settings: settings) == (true,
            "isocentre at the patient-coordinate origin, checked against Table Height (0018,1130): the body rests 15.0 mm above the table top; patient taken as supine (no Patient Position)"))
        // Not when the body would lie 30 mm under the table top, nor 100 mm above it.
        #expect(origin.verdict(wholeSlices: [resting(180)], settings: settings).accepted == false)
        #expect(origin.verdict(wholeSlices: [resting(180)], settings: settings).method.hasPrefix("none: with the isocentre at the coordinate origin the body would rest -30.0 mm above"))
        #expect(origin.verdict(wholeSlices: [resting(50)], settings: settings).accepted == false)
        #expect(origin.verdict(wholeSlices: [], settings: settings).method.hasPrefix("none: no Data Collection Center (Patient), and no whole slice"))
        #expect(IsocentreLocation(header()).verdict(wholeSlices: [resting(130)], settings: settings).method
            == "none: neither Data Collection Center (Patient) nor Table Height (0018,1130) to check the coordinate origin against")
        let tilted = IsocentreLocation(header(tilt: 18.5, table: 150))
        #expect(tilted.isocentre == nil)
        #expect(tilted.verdict(wholeSlices: [], settings: settings) == (false, "none: gantry tilted 18.5° and no Data Collection Center (Patient)"))
    }

    @Test func offsetsThatRoundToZeroAreWrittenWithoutASign() {
        // The sample exam's slices lie a few hundred-thousandths of a millimetre either side of 0.
        #expect(CSVTable.decimal(-0.00002) == "0.0000")
        #expect(CSVTable.decimal(0.00002) == "0.0000")
        #expect(CSVTable.decimal(-0.00006) == "-0.0001")
        #expect(CSVTable.decimal(-1.5) == "-1.5000")
    }

    @Test func lowestPointByPosture() {
        // A body from x −100 to +120 and y −90 to +110 mm; isocentre at (10, 20).
        let bounds = BodyBounds(minX: -100, maxX: 120, minY: -90, maxY: 110)
        func bottom(_ posture: TablePosture) -> Double? {
            CentringOffset(centroid: (0, 0), isocentre: (10, 20), posture: posture, bounds: bounds).bottomBelowIsocentreMillimeters
        }
        #expect(bottom(.supine) == 90)  // the back, y = 110
        #expect(bottom(.prone) == 110)  // the front, y = −90
        #expect(bottom(.leftSideDown) == 110)  // the left, x = 120
        #expect(bottom(.rightSideDown) == 110)  // the right, x = −100
    }

    @Test func sampleExamWithARecordedIsocentre() throws {
        let folder = try StoreFixture.temporaryFolder("centring")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: StoreFixture.sampleExam, toPath: folder + "/exam")
        let axial = folder + "/exam/axial"
        let slices = try FileManager.default.contentsOfDirectory(atPath: axial).sorted().map { axial + "/" + $0 }
        #expect(slices.count == 20)
        // Data Collection Center (Patient) 40 mm towards the back of the ellipse's centre (x 0, y +40).
        #expect(StoreFixture.run("/usr/bin/dcmodify", ["-nb", "-i", "(0018,9313)=0\\40\\0"] + slices).status == 0)

        let result = ArchiveScanner(jobs: 2).scan([folder])
        let exam = try #require(result.exams.first)
        let series = try #require(result.seriesMeasurements[exam.studyInstanceUID]?.first)
        #expect(series.centringMethod == "isocentre from Data Collection Center (Patient); patient supine (HFS)")
        let centring = try #require(series.centring)
        #expect(centring.sliceCount == 20)
        #expect(abs(centring.meanVerticalOffsetMillimeters - 40) < 0.5)
        #expect(abs(centring.meanLateralOffsetMillimeters) < 0.5)
        #expect(abs(try #require(centring.midScanVerticalOffsetMillimeters) - 40) < 0.5)
        let sliceOffsets = result.slices.compactMap(\.centringOffset)
        #expect(sliceOffsets.count == 20 && sliceOffsets.allSatisfy { abs($0.verticalMillimeters - 40) < 0.5 })
        let findings = (result.findings[exam.studyInstanceUID] ?? []).filter { $0.code == .patientOffCentre }
        #expect(findings.count == 1)
        #expect(findings.first?.seriesInstanceUID == series.seriesInstanceUID)
        #expect(findings.first?.message.hasSuffix("above the isocentre") == true)

        // Within a limit of 50 mm: no finding.
        var scanner = ArchiveScanner(jobs: 2)
        scanner.validation.offCentreLimitMillimeters = 50
        let relaxed = scanner.scan([folder])
        #expect((relaxed.findings[exam.studyInstanceUID] ?? []).allSatisfy { $0.code != .patientOffCentre })

        // The command's outputs: slices.csv per slice, events.csv for the spiral event's diagnostic series, findings.csv.
        func rows(_ file: String) throws -> [CSVRow] { CSVDocument(parsing: try String(contentsOfFile: file, encoding: .utf8)).namedRows }
        let scan = StoreFixture.ctdose(["scan", folder + "/exam", "--db", folder + "/store.sqlite", "--out", folder + "/out", "--jobs", "2"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let sliceRows = try rows(folder + "/out/slices.csv")
        #expect(sliceRows.count == 20 && sliceRows.allSatisfy { abs((Double($0["verticalOffset_mm"]) ?? .nan) - 40) < 0.5 })
        let events = try rows(folder + "/out/events.csv")
        #expect(events.map { $0["verticalOffCentre_mm"].isEmpty } == [true, false])  // the localizer event has no measured series
        #expect(abs((Double(events[1]["verticalOffCentre_mm"]) ?? .nan) - 40) < 0.5)
        #expect(abs(Double(events[1]["lateralOffCentre_mm"]) ?? .nan) < 0.5)
        #expect(try rows(folder + "/out/findings.csv").filter { $0["code"] == "PATIENT_OFF_CENTRE" }.count == 1)
        let limited = StoreFixture.ctdose(["scan", folder + "/exam", "--db", folder + "/store.sqlite", "--out", folder + "/limited",
                                           "--off-centre-limit", "50"])
        #expect(limited.status == 0, "\(limited.stderr)")
        #expect(try rows(folder + "/limited/findings.csv").allSatisfy { $0["code"] != "PATIENT_OFF_CENTRE" })
    }

    @Test func sampleExamAsBundledRestsOnItsTable() throws {
        // Scripts/make-sample-exam: the ellipse is centred on the isocentre at the origin, its back at
        // y = +120 mm, the table top 20 mm lower (Table Height 140 mm): the origin is checked and kept.
        let result = ArchiveScanner(jobs: 2).scan([StoreFixture.sampleExam])
        let exam = try #require(result.exams.first)
        let series = try #require(result.seriesMeasurements[exam.studyInstanceUID]?.first)
        #expect(series.centringMethod == "isocentre at the patient-coordinate origin, checked against Table Height (0018,1130): "
            + "the body rests 20.0 mm above the table top; patient supine (HFS)")
        let centring = try #require(series.centring)
        #expect(abs(centring.meanVerticalOffsetMillimeters) < 0.5 && abs(centring.meanLateralOffsetMillimeters) < 0.5)
        #expect(centring.sliceCount == 20)
    }

    @Test(arguments: [("-m", "(0018,1130)=60", "none: with the isocentre at the coordinate origin the body would rest -60.0 mm above"),
                      ("-e", "(0018,1130)", "none: neither Data Collection Center (Patient) nor Table Height")])
    func aTableHeightThatDisagreesOrIsMissingRefusesTheOrigin(option: String, value: String, reason: String) throws {
        let folder = try StoreFixture.temporaryFolder("centring-table")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: StoreFixture.sampleExam, toPath: folder + "/exam")
        let axial = folder + "/exam/axial"
        let slices = try FileManager.default.contentsOfDirectory(atPath: axial).sorted().map { axial + "/" + $0 }
        #expect(StoreFixture.run("/usr/bin/dcmodify", ["-nb", option, value] + slices).status == 0)
        let result = ArchiveScanner(jobs: 2).scan([folder])
        let series = try #require(result.seriesMeasurements.values.first?.first)
        #expect(series.centring == nil)
        #expect(series.centringMethod?.hasPrefix(reason) == true, "\(series.centringMethod ?? "")")
        #expect(result.slices.count == 20 && result.slices.allSatisfy { $0.centringOffset == nil })
    }
}

@Suite(.enabled(if: Corpus.isAvailable, Corpus.absentMessage))
struct CorpusCentringTests {
    @Test func vendorsAndTilt() throws {
        // Toshiba phantom and GE slices: the origin agrees with Table Height; the GE head series is tilted
        // 18.5°; the Philips head phantom would lie below its table top with the origin as the isocentre.
        let expectations: [(folder: String, method: String, centred: Bool)] = [
            ("ct-series/toshiba-wholebody-phantom", "isocentre at the patient-coordinate origin, checked against Table Height (0018,1130): the body rests ", true),
            ("ct-slices/tcia-covid19-ny-sbu/A062055/axial/19001127-136.dcm", "isocentre at the patient-coordinate origin, checked against Table Height (0018,1130): the body rests ", true),
            ("ct-series/ge-head", "none: gantry tilted 18.5° and no Data Collection Center (Patient)", false),
            ("ct-series/philips-head-phantom", "none: with the isocentre at the coordinate origin the body would rest -", false),
        ]
        for expected in expectations {
            let result = ArchiveScanner(jobs: 2).scan([Corpus.path(expected.folder)])
            let measured = result.seriesMeasurements.values.flatMap { $0 }
            let series = try #require(measured.first { $0.centringMethod != nil }, "\(expected.folder)")
            #expect(series.centringMethod?.hasPrefix(expected.method) == true, "\(expected.folder): \(series.centringMethod ?? "")")
            #expect((series.centring != nil) == expected.centred, "\(expected.folder)")
        }
    }
}
