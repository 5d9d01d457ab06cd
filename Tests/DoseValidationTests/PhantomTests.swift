import Testing
@testable import DoseModel
@testable import DoseValidation

@Suite struct PhantomTests {
    @Test func headScanOnTheBodyPhantomIsAWarning() {
        let wrong = Fixture.exam([Fixture.examEvent(Fixture.event("e1", ctdi: 30, phantom: .body32cm, protocolName: "Routine Brain"))])
        let findings = Fixture.findings(.headScanOnBodyPhantom, wrong)
        #expect(findings.count == 1)
        #expect(findings.first?.severity == .warning)
        #expect(findings.first?.expected == "head16cm")
        let right = Fixture.exam([Fixture.examEvent(Fixture.event("e1", ctdi: 60, phantom: .head16cm, protocolName: "Routine Brain"))])
        #expect(Fixture.findings(.headScanOnBodyPhantom, right).isEmpty)
    }

    @Test func targetRegionAndStudyDescriptionClassifyToo() {
        let byRegion = Fixture.exam([Fixture.examEvent(Fixture.event("e1", phantom: .body32cm, region: "Head"))])
        #expect(Fixture.findings(.headScanOnBodyPhantom, byRegion).count == 1)
        let byStudy = Fixture.exam([Fixture.examEvent(Fixture.event("e1", phantom: .body32cm))], studyDescription: "CT SINUS")
        #expect(Fixture.findings(.headScanOnBodyPhantom, byStudy).count == 1)
        // Both head and body words: not classified, not flagged.
        let ambiguous = Fixture.exam([Fixture.examEvent(Fixture.event("e1", phantom: .body32cm, protocolName: "Head-Chest trauma"))])
        #expect(Fixture.findings(.headScanOnBodyPhantom, ambiguous).isEmpty)
    }

    @Test func keywordListIsConfigurable() {
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("e1", phantom: .body32cm, protocolName: "Dental"))])
        #expect(Fixture.findings(.headScanOnBodyPhantom, exam).isEmpty)
        var settings = ValidationSettings()
        settings.headKeywords.append("DENTAL")
        #expect(Fixture.findings(.headScanOnBodyPhantom, exam, settings: settings).count == 1)
    }

    @Test func localizersAreNotCheckedByDefault() {
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("e1", .constantAngle, phantom: .body32cm, protocolName: "Head"))])
        #expect(Fixture.findings(.headScanOnBodyPhantom, exam).isEmpty)
        var settings = ValidationSettings()
        settings.phantomCheckIncludesLocalizers = true
        #expect(Fixture.findings(.headScanOnBodyPhantom, exam, settings: settings).count == 1)
    }

    @Test func bodyScanOnTheHeadPhantom() {
        let wrong = Fixture.exam([Fixture.examEvent(Fixture.event("e1", phantom: .head16cm, protocolName: "Abdomen Pelvis"))])
        #expect(Fixture.findings(.bodyScanOnHeadPhantom, wrong).count == 1)
        let right = Fixture.exam([Fixture.examEvent(Fixture.event("e1", phantom: .body32cm, protocolName: "Abdomen Pelvis"))])
        #expect(Fixture.findings(.bodyScanOnHeadPhantom, right).isEmpty)
    }

    @Test func mixedPhantomsWithAMaterialShareAreAWarning() throws {
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("e1", dlp: 800, phantom: .head16cm)),
                                 Fixture.examEvent(Fixture.event("e2", dlp: 400, phantom: .body32cm))])
        let finding = try #require(Fixture.findings(.mixedPhantomsSummed, exam).first)
        #expect(finding.severity == .warning)
        #expect(finding.actual == "16 cm: 1 event(s), 800 mGy·cm; 32 cm: 1 event(s), 400 mGy·cm")
        #expect(Fixture.findings(.mixedPhantomsMinor, exam).isEmpty)
    }

    @Test func mixedPhantomsWithASmallShareAreInfo() {
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("e1", dlp: 1000, phantom: .head16cm)),
                                 Fixture.examEvent(Fixture.event("loc", .constantAngle, dlp: 10, phantom: .body32cm))])
        #expect(Fixture.findings(.mixedPhantomsMinor, exam).first?.severity == .info)
        #expect(Fixture.findings(.mixedPhantomsSummed, exam).isEmpty)
    }

    @Test func onePhantomIsNotMixed() {
        let exam = Fixture.exam([Fixture.examEvent(Fixture.event("e1", dlp: 1000, phantom: .body32cm)),
                                 Fixture.examEvent(Fixture.event("e2", dlp: 10, phantom: .unknown))])
        #expect(Fixture.findings(.mixedPhantomsSummed, exam).isEmpty)
        #expect(Fixture.findings(.mixedPhantomsMinor, exam).isEmpty)
    }
}
