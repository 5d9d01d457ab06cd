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
    private func header(manufacturer: String?, tilt: Double? = nil, centre: [Double]? = nil, position: String? = "HFS") -> CTImageHeader {
        var h = CTImageHeader(sopClassUID: SOPClass.ctImage, sopInstanceUID: "1", studyInstanceUID: "2", seriesInstanceUID: "3")
        h.equipment.manufacturer = manufacturer
        h.gantryTiltDegrees = tilt
        h.dataCollectionCenterMillimeters = centre
        h.patientPosition = position
        return h
    }

    @Test func isocentreSources() {
        let settings = CentringSettings()
        let recorded = IsocentreLocation(header(manufacturer: "Philips", tilt: 12, centre: [1, 2, 3], position: "HFP"), settings: settings)
        #expect(recorded.isocentre?.x == 1 && recorded.isocentre?.y == 2)
        #expect(recorded.posture == .prone)
        #expect(recorded.method == "isocentre from Data Collection Center (Patient); patient prone (HFP)")
        let origin = IsocentreLocation(header(manufacturer: "GE MEDICAL SYSTEMS", tilt: 0, position: nil), settings: settings)
        #expect(origin.isocentre?.x == 0 && origin.isocentre?.y == 0)
        #expect(origin.posture == .supine)
        #expect(origin.method.hasPrefix("isocentre at the patient-coordinate origin (GE MEDICAL SYSTEMS practice, unconfirmed)"))
        #expect(origin.method.hasSuffix("patient taken as supine (no Patient Position)"))
        #expect(IsocentreLocation(header(manufacturer: "SIEMENS", tilt: 18.5), settings: settings).isocentre == nil)
        #expect(IsocentreLocation(header(manufacturer: "Philips"), settings: settings).isocentre == nil)
        #expect(IsocentreLocation(header(manufacturer: nil), settings: settings).isocentre == nil)
        var withPhilips = settings
        withPhilips.isocentreAtOriginManufacturers.append("philips")
        #expect(IsocentreLocation(header(manufacturer: "Philips"), settings: withPhilips).isocentre != nil)
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

    @Test func sampleExamAsBundledHasNoIsocentre() throws {
        // Manufacturer "ctdose" and no Data Collection Center (Patient): no centring, and the reason.
        let result = ArchiveScanner(jobs: 2).scan([StoreFixture.sampleExam])
        let exam = try #require(result.exams.first)
        let series = try #require(result.seriesMeasurements[exam.studyInstanceUID]?.first)
        #expect(series.centring == nil)
        #expect(series.centringMethod?.hasPrefix("none: no Data Collection Center (Patient), and the coordinate origin of ctdose") == true)
    }
}

@Suite(.enabled(if: Corpus.isAvailable, Corpus.absentMessage))
struct CorpusCentringTests {
    @Test func vendorsAndTilt() throws {
        // Toshiba: the origin taken as the isocentre; the GE head series is tilted 18.5° (no centring);
        // Philips: its origin is not taken as the isocentre.
        let expectations: [(folder: String, method: String, centred: Bool)] = [
            ("ct-series/toshiba-wholebody-phantom", "isocentre at the patient-coordinate origin (TOSHIBA practice, unconfirmed); patient supine (HFS)", true),
            ("ct-series/ge-head", "none: gantry tilted 18.5° and no Data Collection Center (Patient)", false),
            ("ct-series/philips-head-phantom", "none: no Data Collection Center (Patient), and the coordinate origin of Philips is not known to be the isocentre", false),
        ]
        for expected in expectations {
            let result = ArchiveScanner(jobs: 2).scan([Corpus.path(expected.folder)])
            let measured = result.seriesMeasurements.values.flatMap { $0 }
            let series = try #require(measured.first { $0.centringMethod != nil }, "\(expected.folder)")
            #expect(series.centringMethod == expected.method, "\(expected.folder)")
            #expect((series.centring != nil) == expected.centred, "\(expected.folder)")
        }
    }
}
