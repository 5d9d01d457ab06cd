import Testing
@testable import DoseModel
@testable import DoseValidation

@Suite struct EventDLPTests {
    private func check(_ event: IrradiationEvent) -> [Finding] {
        Fixture.findings(.eventDLPMismatch, Fixture.exam([Fixture.examEvent(event)]))
    }

    @Test func spiralDLPIsCTDIvolTimesScanningLength() {
        // 10 mGy × 400 mm = 400 mGy·cm; 430 is within 10 %, 500 is not (and beyond 60 mm of overranging = 60 mGy·cm).
        #expect(check(Fixture.event("e", ctdi: 10, dlp: 430, lengthMillimeters: 400)).isEmpty)
        let findings = check(Fixture.event("e", ctdi: 10, dlp: 500, lengthMillimeters: 400))
        #expect(findings.count == 1)
        #expect(findings.first?.expected == "400 mGy·cm")
        #expect(findings.first?.actual == "500 mGy·cm")
        #expect(findings.first?.tolerance == "±10 % (at least 0.5 mGy·cm) or CTDIvol × 60 mm overranging = 60 mGy·cm")
    }

    @Test func shortSpiralMayDifferByTheOverrangingLength() {
        // Philips corpus event: 7.2 mGy × 231 mm = 166.3 mGy·cm, reported 196.01 (+41 mm of overranging): passes.
        #expect(check(Fixture.event("e", ctdi: 7.2, dlp: 196.01, lengthMillimeters: 231)).isEmpty)
        // Siemens corpus event: 2.22 mGy × 266 mm = 59.05 mGy·cm, reported 51.82 (−33 mm): passes.
        #expect(check(Fixture.event("e", ctdi: 2.22, dlp: 51.82, lengthMillimeters: 266)).isEmpty)
        var settings = ValidationSettings()
        settings.spiralOverrangingAllowanceMillimeters = 0
        #expect(Fixture.findings(.eventDLPMismatch, Fixture.exam([Fixture.examEvent(
            Fixture.event("e", ctdi: 7.2, dlp: 196.01, lengthMillimeters: 231))]), settings: settings).count == 1)
    }

    @Test func cineSequencedEventMayUseTheOnePositionDefinition() {
        // GE corpus event: 29.31 mGy × 5 mm = 14.66 mGy·cm for 10 rotations at one table position.
        var event = Fixture.event("e", .sequenced, ctdi: 29.31, dlp: 14.66, phantom: .head16cm)
        event.nominalTotalCollimationMillimeters = 5
        event.exposureTimeSeconds = 10
        event.xRaySources = [XRaySourceParameters(exposureTimePerRotationSeconds: 1)]
        #expect(check(event).isEmpty)
        event.dlpMilligrayCentimeters = 60
        #expect(check(event).count == 1)
    }

    @Test func sequencedDLPUsesCollimationAndRotations() {
        // 50 mGy × 4 cm × 10 s / 1 s = 2000 mGy·cm.
        var event = Fixture.event("e", .sequenced, ctdi: 50, dlp: 2000, phantom: .head16cm)
        event.nominalTotalCollimationMillimeters = 40
        event.exposureTimeSeconds = 10
        event.xRaySources = [XRaySourceParameters(kvp: 120, exposureTimePerRotationSeconds: 1)]
        #expect(check(event).isEmpty)
        event.dlpMilligrayCentimeters = 1000
        #expect(check(event).first?.expected == "2000 mGy·cm")
    }

    @Test func stationaryDLPIsCTDIvolTimesCollimation() {
        // Monitoring: 3 mGy × 1 cm = 3 mGy·cm; rounding within 0.5 mGy·cm passes.
        var event = Fixture.event("e", .stationary, ctdi: 3, dlp: 3.2)
        event.nominalTotalCollimationMillimeters = 10
        #expect(check(event).isEmpty)
        event.dlpMilligrayCentimeters = 12
        #expect(check(event).count == 1)
    }

    @Test func localizersAndIncompleteEventsAreNotChecked() {
        #expect(check(Fixture.event("e", .constantAngle, ctdi: 1, dlp: 50, lengthMillimeters: 100)).isEmpty)
        #expect(check(Fixture.event("e", ctdi: 10, dlp: 999, lengthMillimeters: nil)).isEmpty)
    }
}
