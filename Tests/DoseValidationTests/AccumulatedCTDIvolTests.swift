import Testing
@testable import DoseModel
@testable import DoseValidation

/// ACCUMULATED_CTDIVOL_ABOVE_ALERT_VALUE: CTDIvol added up where events' images cover the same table
/// positions (NEMA XR 25's accumulated CTDIvol), or over stationary runs without images of one target
/// region, against the 1000 mGy alert value.
@Suite struct AccumulatedCTDIvolTests {
    /// Stationary (perfusion) events on the head phantom, each with one axial series over `z` (5 mm slices).
    static func exam(_ slabs: [(ctdiVol: Double, z: ClosedRange<Double>)], phantoms: [CTDIPhantom]? = nil, unimaged: Int = 0) -> Exam {
        var events: [ExamEvent] = [], series: [SeriesSummary] = []
        for (number, slab) in slabs.enumerated() {
            let uid = "e\(number + 1)", seriesUID = "s\(number + 1)"
            let phantom = phantoms?[number] ?? .head16cm
            events.append(Fixture.examEvent(Fixture.event(uid, .stationary, ctdi: slab.ctdiVol, phantom: phantom, protocolName: "Perfusion"),
                                            series: [seriesUID], diagnostic: seriesUID))
            series.append(Fixture.series(seriesUID, z: slab.z, thickness: 5, linkedTo: uid))
        }
        for number in 0..<unimaged {
            events.append(Fixture.examEvent(Fixture.event("u\(number)", .stationary, ctdi: 400, phantom: .head16cm, protocolName: "Perfusion")))
        }
        return Fixture.exam(events, series: series)
    }

    @Test func threeOverlappingPerfusionRunsExceedTheAlertValueTogether() throws {
        // 450 mGy each, none above 1000 alone; the three slabs (−22.5…22.5, −12.5…32.5, 7.5…52.5 mm with
        // their half slices) all overlap from 7.5 to 22.5 mm: 1350 mGy there.
        let exam = Self.exam([(450, -20...20), (450, -10...30), (450, 10...50)], unimaged: 1)
        #expect(Fixture.findings(.ctdiVolAboveAlertValue, exam).isEmpty)
        let findings = Fixture.findings(.accumulatedCTDIvolAboveAlertValue, exam)
        let finding = try #require(findings.first)
        #expect(findings.count == 1 && finding.severity == .error)
        #expect(finding.actual == "1350 mGy" && finding.expected == "≤ 1000 mGy")
        #expect(finding.message.contains("z 7.5 mm to 22.5 mm"), "\(finding.message)")
        #expect(finding.message.contains("event #1") && finding.message.contains("event #2") && finding.message.contains("event #3"))
        #expect(finding.message.contains("1 other event(s) without images could not be placed"))
    }

    @Test func aStoredNegativeSliceThicknessCountsAsNone() throws {
        // A store written before 0.12 may hold a negative Slice Thickness as read (fuzzing found one that
        // ran the coverage backwards, a trap): taken as no thickness, the slabs are the image positions.
        var exam = Self.exam([(450, -20...20), (450, -10...30), (450, 10...50)])
        for index in exam.series.indices { exam.series[index].sliceThicknessMillimeters = -99_999_999_999 }
        let finding = try #require(Fixture.findings(.accumulatedCTDIvolAboveAlertValue, exam).first)
        #expect(finding.actual == "1350 mGy" && finding.message.contains("z 10 mm to 20 mm"), "\(finding.message)")
    }

    @Test func stationaryRunsWithoutImagesAreTakenToShareAPosition() throws {
        // An archive of dose reports only: three 400 mGy perfusion runs of the head, no images: 1200 mGy,
        // said to be assumed; a spiral without images is not placed; two regions are not added.
        let runs = (1...3).map { Fixture.examEvent(Fixture.event("p\($0)", .stationary, ctdi: 400, phantom: .head16cm, region: "Head")) }
        let spiral = Fixture.examEvent(Fixture.event("s", .spiral, ctdi: 400, phantom: .head16cm, region: "Head"))
        let finding = try #require(Fixture.findings(.accumulatedCTDIvolAboveAlertValue, Fixture.exam(runs + [spiral])).first)
        #expect(finding.actual == "1200 mGy" && finding.message.contains("taken to be at one table position"), "\(finding.message)")
        #expect(finding.message.contains("event #1") && finding.message.contains("event #3") && !finding.message.contains("event #4"))
        let twoRegions = [Fixture.examEvent(Fixture.event("a", .stationary, ctdi: 600, phantom: .head16cm, region: "Head")),
                          Fixture.examEvent(Fixture.event("b", .stationary, ctdi: 600, phantom: .head16cm, region: "Neck"))]
        #expect(Fixture.findings(.accumulatedCTDIvolAboveAlertValue, Fixture.exam(twoRegions)).isEmpty)
    }

    @Test func separateOrTouchingSlabsAndOtherPhantomsDoNotAddUp() {
        // Side by side (touching at 22.5 mm), or on different phantoms: never more than 900 mGy at one place.
        #expect(Fixture.findings(.accumulatedCTDIvolAboveAlertValue, Self.exam([(900, -20...20), (900, 25...65)])).isEmpty)
        #expect(Fixture.findings(.accumulatedCTDIvolAboveAlertValue,
                                 Self.exam([(600, -20...20), (600, -20...20)], phantoms: [.head16cm, .body32cm])).isEmpty)
        // Two of them on one phantom over the same slab: 1200 mGy.
        #expect(Fixture.findings(.accumulatedCTDIvolAboveAlertValue, Self.exam([(600, -20...20), (600, -20...20)])).count == 1)
        // The alert value disabled: nothing.
        var settings = ValidationSettings()
        settings.ctdiVolAlertValueMilligray = nil
        #expect(Fixture.findings(.accumulatedCTDIvolAboveAlertValue, Self.exam([(600, -20...20), (600, -20...20)]), settings: settings).isEmpty)
    }
}
