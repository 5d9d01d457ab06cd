import Testing
@testable import DoseModel
@testable import DoseValidation

@Suite struct EventDLPTests {
    private func check(_ event: IrradiationEvent) -> [Finding] {
        Fixture.findings(.eventDLPMismatch, Fixture.exam([Fixture.examEvent(event)]))
    }

    @Test func spiralDLPIsCTDIvolTimesScanningLength() {
        // 10 mGy × 400 mm = 400 mGy·cm; 430 (overranging) is within 10 %, 500 is not.
        #expect(check(Fixture.event("e", ctdi: 10, dlp: 430, lengthMillimeters: 400)).isEmpty)
        let findings = check(Fixture.event("e", ctdi: 10, dlp: 500, lengthMillimeters: 400))
        #expect(findings.count == 1)
        #expect(findings.first?.expected == "400 mGy·cm")
        #expect(findings.first?.actual == "500 mGy·cm")
        #expect(findings.first?.message.contains("overranging") == true)
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
