import Testing
@testable import DoseModel

@Suite struct ImageDerivedDoseTests {
    private func slice(_ series: String, z: Double, ctdi: Double, event: String? = "ev1", acquired: String = "20250315101500") -> CTImageHeader {
        var h = CTImageHeader(sopClassUID: SOPClass.ctImage, sopInstanceUID: "\(series)-\(z)", studyInstanceUID: "1", seriesInstanceUID: series)
        h.imageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        h.imageOrientation = [1, 0, 0, 0, 1, 0]
        h.imagePositionMillimeters = [0, 0, z]
        h.ctdiVolMilligray = ctdi
        h.irradiationEventUID = event
        h.acquisitionType = .spiral
        h.acquisitionDateTime = acquired
        h.ctdiPhantom = .body32cm
        return h
    }

    @Test func dlpIsSumOfPerSliceCTDIvolTimesCoverage() {
        // 5 slices 10 mm apart with tube-current modulation: CTDIvol 8, 10, 12, 10, 8 mGy.
        // Each slice stands for 10 mm = 1 cm, so DLP = (8+10+12+10+8) × 1 = 48 mGy·cm over 50 mm.
        let ctdi = [8.0, 10, 12, 10, 8]
        let images = ctdi.enumerated().map { slice("s1", z: Double($0.offset) * 10, ctdi: $0.element) }
        let events = ImageDerivedDose.events(from: images)
        #expect(events.count == 1)
        #expect(abs(events[0].dlpMilligrayCentimeters! - 48) < 1e-9)
        #expect(abs(events[0].ctdiVolMilligray! - 9.6) < 1e-9)
        #expect(events[0].scanningLengthMillimeters == 50)
        #expect(events[0].source == .computedFromImageAttributes)
        #expect(events[0].phantom == .body32cm)
    }

    @Test func reconstructionsOfOneAcquisitionCountOnce() {
        // A 5 mm and a 2.5 mm reconstruction of the same event: one event, from the longer one.
        let thick = (0..<4).map { slice("thick", z: Double($0) * 5, ctdi: 10) }    // 20 mm reconstructed
        let thin = (0..<7).map { slice("thin", z: Double($0) * 2.5, ctdi: 10) }    // 17.5 mm reconstructed
        let events = ImageDerivedDose.events(from: thick + thin)
        #expect(events.count == 1)
        #expect(abs(events[0].dlpMilligrayCentimeters! - 20) < 1e-9)  // 10 mGy × 2.0 cm
        // Without event UIDs, the same start time and CTDIvol also mean one acquisition.
        let noUID = (thick + thin).map { h -> CTImageHeader in var c = h; c.irradiationEventUID = nil; return c }
        #expect(ImageDerivedDose.events(from: noUID).count == 1)
    }

    @Test func assemblerUsesDerivedEventsOnlyWithoutReport() {
        let images = (0..<3).map { slice("s1", z: Double($0) * 10, ctdi: 5) }
        let exam = ExamAssembler.assemble(images: images, reports: [])[0]
        #expect(exam.doseSource == .computedFromImageAttributes)
        #expect(exam.dlpTotalMilligrayCentimeters == 15)  // 5 mGy × 3 cm
        #expect(exam.events[0].diagnosticSeriesUID == "s1")
    }
}

@Suite struct CorruptNumberTests {
    @Test func dicomIntegerAcceptsOnlyWholeNumbersInTheISRange() {
        #expect(Int(dicomInteger: 42) == 42)
        #expect(Int(dicomInteger: -2_147_483_648) == -2_147_483_648)  // IS minimum (PS3.5 Table 6.2-1)
        #expect(Int(dicomInteger: 2_147_483_647) == 2_147_483_647)
        #expect(Int(dicomInteger: 2_147_483_648) == nil)
        #expect(Int(dicomInteger: 1e300) == nil)
        #expect(Int(dicomInteger: -1e300) == nil)
        #expect(Int(dicomInteger: 2.5) == nil)
        #expect(Int(dicomInteger: .nan) == nil)
        #expect(Int(dicomInteger: .infinity) == nil)
    }

    /// A corrupt CTDIvol of ±1e300 in headers without an Irradiation Event UID (grouped by start time
    /// and CTDIvol) trapped in the conversion of the grouping key to Int, killing the whole scan.
    @Test func hugeCTDIvolWithoutEventUIDGroupsInsteadOfTrapping() {
        let images = (0..<3).map { i -> CTImageHeader in
            var h = CTImageHeader(sopClassUID: SOPClass.ctImage, sopInstanceUID: "s-\(i)", studyInstanceUID: "1", seriesInstanceUID: "s")
            h.imageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
            h.imageOrientation = [1, 0, 0, 0, 1, 0]
            h.imagePositionMillimeters = [0, 0, Double(i) * 10]
            h.ctdiVolMilligray = -1e300
            h.acquisitionDateTime = "20250315101500"
            return h
        }
        let events = ImageDerivedDose.events(from: images)
        #expect(events.count == 1)
        #expect(events.first?.ctdiVolMilligray == -1e300)
    }
}
