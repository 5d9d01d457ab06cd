import Testing
@testable import DoseModel
@testable import DoseValidation

@Suite struct SeriesEventTests {
    /// One spiral event "e1" (10 mGy, 120 kV, 200 mA mean / 300 max, pitch 0.984, 40 mm, 300 mm) with series "s1".
    private func exam(_ series: SeriesSummary) -> Exam {
        var event = Fixture.event("e1", ctdi: 10, dlp: 300, lengthMillimeters: 300)
        event.pitchFactor = 0.984
        event.nominalTotalCollimationMillimeters = 40
        event.xRaySources = [XRaySourceParameters(kvp: 120, maximumTubeCurrentMilliampere: 300, tubeCurrentMilliampere: 200)]
        return Fixture.exam([Fixture.examEvent(event, series: [series.seriesInstanceUID], diagnostic: series.seriesInstanceUID)],
                            series: [series])
    }

    private let matchingFacts = SeriesAcquisitionFacts(seriesInstanceUID: "s1", kvpRangeKilovolts: 120...120,
                                                       tubeCurrentRangeMilliampere: 150...290, spiralPitchFactor: 0.984375,
                                                       totalCollimationMillimeters: 40)

    @Test func seriesCTDIvolWithinFivePercentPasses() {
        #expect(Fixture.findings(.seriesCTDIvolMismatch, exam(Fixture.series("s1", ctdi: 10.4, linkedTo: "e1"))).isEmpty)
        let findings = Fixture.findings(.seriesCTDIvolMismatch, exam(Fixture.series("s1", ctdi: 12, linkedTo: "e1")))
        #expect(findings.count == 1)
        #expect(findings.first?.seriesInstanceUID == "s1")
        #expect(findings.first?.irradiationEventUID == "e1")
        #expect(findings.first?.expected == "10 mGy")
        #expect(findings.first?.actual == "12 mGy")
        #expect(findings.first?.tolerance == "±5 %")
    }

    @Test func matchingHeaderFactsRaiseNothing() {
        let findings = DoseValidator.validate(exam(Fixture.series("s1", ctdi: 10, linkedTo: "e1")), seriesFacts: [matchingFacts])
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func kvpMismatch() {
        var facts = matchingFacts
        facts.kvpRangeKilovolts = 100...100
        let findings = Fixture.findings(.seriesKVPMismatch, exam(Fixture.series("s1", linkedTo: "e1")), facts: [facts])
        #expect(findings.count == 1)
        #expect(findings.first?.expected == "120 kV")
        #expect(findings.first?.actual == "100 kV")
    }

    @Test func dualSourceKVPMatchesEitherSource() {
        var e = exam(Fixture.series("s1", linkedTo: "e1"))
        e.events[0].event.xRaySources.append(XRaySourceParameters(kvp: 140))
        var facts = matchingFacts
        facts.kvpRangeKilovolts = 140...140
        #expect(Fixture.findings(.seriesKVPMismatch, e, facts: [facts]).isEmpty)
    }

    @Test func tubeCurrentAboveTheEventMaximum() {
        var facts = matchingFacts
        facts.tubeCurrentRangeMilliampere = 150...400
        let findings = Fixture.findings(.seriesTubeCurrentMismatch, exam(Fixture.series("s1", linkedTo: "e1")), facts: [facts])
        #expect(findings.count == 1)
        #expect(findings.first?.expected == "≤ 300 mA")
    }

    @Test func eventMeanOutsideTheHeaderRange() {
        var facts = matchingFacts
        facts.tubeCurrentRangeMilliampere = 50...80
        let findings = Fixture.findings(.seriesTubeCurrentMismatch, exam(Fixture.series("s1", linkedTo: "e1")), facts: [facts])
        #expect(findings.first?.message.contains("mean X-Ray Tube Current") == true)
    }

    @Test func pitchMismatch() {
        var facts = matchingFacts
        facts.spiralPitchFactor = 1.375
        #expect(Fixture.findings(.seriesPitchMismatch, exam(Fixture.series("s1", linkedTo: "e1")), facts: [facts]).count == 1)
    }

    @Test func collimationMismatch() {
        var facts = matchingFacts
        facts.totalCollimationMillimeters = 20
        let findings = Fixture.findings(.seriesCollimationMismatch, exam(Fixture.series("s1", linkedTo: "e1")), facts: [facts])
        #expect(findings.first?.expected == "40 mm")
        #expect(findings.first?.actual == "20 mm")
    }

    @Test func imagesShorterThanTheScanAreNormal() {
        let series = Fixture.series("s1", z: -100...150, thickness: 5, linkedTo: "e1")  // 255 mm of 300 mm
        #expect(Fixture.findings(.seriesLongerThanScan, exam(series)).isEmpty)
    }

    @Test func imagesLongerThanTheScanAreFlagged() {
        let series = Fixture.series("s1", z: -200...150, thickness: 5, linkedTo: "e1")  // 355 mm > 300 + 10
        let findings = Fixture.findings(.seriesLongerThanScan, exam(series))
        #expect(findings.count == 1)
        #expect(findings.first?.actual == "355 mm")
        #expect(findings.first?.expected == "≤ 300 mm")
        #expect(findings.first?.tolerance == "+10 mm")
    }

    @Test func imagesCoveringTheScanBarOverRangingRaiseNothing() {
        // 255 mm of a 300 mm Scanning Length: 45 mm within the 60 mm over-ranging allowance; two
        // overlapping reconstructions of the same range count once.
        let series = Fixture.series("s1", z: -100...150, thickness: 5, linkedTo: "e1")
        #expect(Fixture.findings(.scanLongerThanImages, exam(series)).isEmpty)
        var twice = exam(series)
        twice.series.append(Fixture.series("s2", z: -100...150, thickness: 1, linkedTo: "e1"))
        twice.events[0].seriesUIDs.append("s2")
        #expect(Fixture.findings(.scanLongerThanImages, twice).isEmpty)
    }

    @Test func aScanLongerThanItsImagesIsReported() throws {
        // Two reconstructions with a gap: −102.5…−17.5 and −2.5…82.5 mm (85 mm each, 5 mm slices), 170 mm
        // in all against a 300 mm Scanning Length: 130 mm without images, 70 mm beyond the 60 mm
        // allowance, 10 mGy × 7 cm = 70 mGy·cm.
        var e = exam(Fixture.series("s1", z: -100 ... -20, thickness: 5, linkedTo: "e1"))
        e.series.append(Fixture.series("s2", z: 0...80, thickness: 5, linkedTo: "e1"))
        e.events[0].seriesUIDs.append("s2")
        let findings = Fixture.findings(.scanLongerThanImages, e)
        let finding = try #require(findings.first)
        #expect(findings.count == 1 && finding.severity == .info && finding.irradiationEventUID == "e1")
        #expect(finding.expected == "≤ 230 mm" && finding.actual == "300 mm" && finding.tolerance == "images + 60 mm over-ranging")
        #expect(finding.message.contains("cover 170 mm of table together; 130 mm was irradiated without an image"), "\(finding.message)")
        #expect(finding.message.contains("about 70 mGy·cm of DLP"), "\(finding.message)")
        // A wide beam over-ranges more: 80 mm × pitch 1.2 = 96 mm a rotation, 1.5 feeds = 144 mm, and 300 mm
        // scanned lies within 170 + 144 mm.
        e.events[0].event.nominalTotalCollimationMillimeters = 80
        e.events[0].event.pitchFactor = 1.2
        #expect(Fixture.findings(.scanLongerThanImages, e).isEmpty)
        // A sequenced event is not compared (no over-ranging; its images cover what it exposed).
        e.events[0].event.acquisitionType = .sequenced
        #expect(Fixture.findings(.scanLongerThanImages, e).isEmpty)
    }

    @Test func originalSeriesWithoutEvent() {
        let linked = Fixture.series("s1", linkedTo: "e1")
        var e = exam(linked)
        #expect(Fixture.findings(.seriesWithoutEvent, e).isEmpty)
        e.series += [Fixture.series("s2", number: 7), Fixture.series("mpr", original: false)]
        let findings = Fixture.findings(.seriesWithoutEvent, e)
        #expect(findings.map(\.seriesInstanceUID) == ["s2"])  // derived reformats are not flagged
        #expect(findings.first?.message.contains("series 7") == true)
    }

    @Test func diagnosticEventWithoutImagesIsInfo() {
        var e = exam(Fixture.series("s1", linkedTo: "e1"))
        #expect(Fixture.findings(.eventWithoutImages, e).isEmpty)
        e.events += [Fixture.examEvent(Fixture.event("e2", dlp: 10)),
                     Fixture.examEvent(Fixture.event("loc", .constantAngle, dlp: 1)),
                     Fixture.examEvent(Fixture.event("mon", .stationary, dlp: 1))]
        let findings = Fixture.findings(.eventWithoutImages, e)
        #expect(findings.map(\.irradiationEventUID) == ["e2"])
        #expect(findings.first?.severity == .info)
    }

    @Test func examWithoutAnyImagesGetsOneFinding() {
        let e = Fixture.exam([Fixture.examEvent(Fixture.event("e1", dlp: 10)), Fixture.examEvent(Fixture.event("e2", dlp: 10))])
        #expect(Fixture.findings(.noImagesForDoseReport, e).count == 1)
        #expect(Fixture.findings(.eventWithoutImages, e).isEmpty)
        #expect(Fixture.findings(.noImagesForDoseReport, exam(Fixture.series("s1", linkedTo: "e1"))).isEmpty)
    }

    @Test func factsSummarizeImageHeaders() throws {
        func header(_ kvp: Double, _ ma: Double) -> CTImageHeader {
            var h = CTImageHeader(sopClassUID: SOPClass.ctImage, sopInstanceUID: "i\(ma)", studyInstanceUID: Fixture.study,
                                  seriesInstanceUID: "s1")
            h.kvp = kvp
            h.tubeCurrentMilliampere = ma
            h.spiralPitchFactor = 0.6
            h.totalCollimationWidthMillimeters = 38.4
            return h
        }
        let facts = try #require(SeriesAcquisitionFacts(summarizing: [header(120, 180), header(120, 90), header(120, 250)]))
        #expect(facts.tubeCurrentRangeMilliampere == 90...250)
        #expect(facts.kvpRangeKilovolts == 120...120)
        #expect(facts.spiralPitchFactor == 0.6)
        #expect(facts.totalCollimationMillimeters == 38.4)
        #expect(SeriesAcquisitionFacts(summarizing: []) == nil)
    }
}
