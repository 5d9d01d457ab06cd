import Testing
@testable import DoseModel

@Suite struct RadiationDoseSRReaderTests {
    private func report(_ items: [SRContentItem], _ h: SRDocumentHeader = header) throws -> DoseReport {
        guard case .ctDoseReport(let report) = RadiationDoseSRReader.read(items, header: h) else {
            Issue.record("not read as a CT dose report")
            throw CancellationError()
        }
        return report
    }

    @Test func readsEventsTotalsAndTypes() throws {
        let items = ctDoseReport(total: "162.5", events: [
            ctEvent(uid: "9.1", type: DoseConcept.constantAngleAcquisition, ctdi: "0.25", dlp: "12.5"),
            ctEvent(uid: "9.2", type: DoseConcept.spiralAcquisitionSCT, ctdi: "12.5", dlp: "150"),
        ])
        let r = try report(items)
        #expect(r.events.count == 2)
        #expect(r.events.map(\.acquisitionType) == [.constantAngle, .spiral])
        #expect(r.events.map(\.dlpMilligrayCentimeters) == [12.5, 150])
        #expect(r.events.map(\.ctdiVolMilligray) == [0.25, 12.5])
        #expect(r.events.allSatisfy { $0.phantom == .body32cm })
        #expect(r.reportedDLPTotals == [162.5])
        #expect(r.reportedNumberOfEvents == 2)
        #expect(r.readingNotes.isEmpty)
    }

    @Test(arguments: ["mGy.cm", "mGycm"]) func acceptsBothDLPUnitSpellings(unit: String) throws {
        let r = try report(ctDoseReport(total: "100", totalUnit: unit, events: [
            ctEvent(uid: "9.1", type: DoseConcept.sequencedAcquisition, ctdi: "10", dlp: "100", dlpUnit: unit),
        ]))
        #expect(r.events.first?.dlpMilligrayCentimeters == 100)
        #expect(r.reportedDLPTotals == [100])
        #expect(r.readingNotes.isEmpty)
    }

    @Test func matchesByCodeNotMeaning() throws {
        // Same code value + scheme, vendor-specific meaning text: still the Mean CTDIvol.
        let oddMeaning = CodedConcept("113830", "DCM", "mean ctdi VOL (vendor spelling)")
        let items = ctDoseReport(total: "10", events: [
            .container(DoseConcept.ctAcquisition, [
                .uid(DoseConcept.irradiationEventUID, "9.1"),
                .container(DoseConcept.ctDose, [.num(oddMeaning, "7.5", unit: "mGy"), .num(DoseConcept.dlp, "10", unit: "mGy.cm")]),
            ]),
        ])
        #expect(try report(items).events.first?.ctdiVolMilligray == 7.5)
        // Same meaning text, different code: not the CTDIvol.
        let wrongCode = CodedConcept("999999", "99X", "Mean CTDIvol")
        let other = ctDoseReport(total: "10", events: [
            .container(DoseConcept.ctAcquisition, [.container(DoseConcept.ctDose, [.num(wrongCode, "7.5", unit: "mGy")])]),
        ])
        #expect(try report(other).events.first?.ctdiVolMilligray == nil)
    }

    @Test func repairsMultiValuedAndUncodedValuesWithNotes() throws {
        let items = ctDoseReport(total: "20", events: [
            ctEvent(uid: "9.1", type: DoseConcept.spiralAcquisitionSRT, ctdi: "5.5\\5.5", dlp: "20", extra: [
                .text(DoseConcept.targetRegion, "Chest"),
            ]),
        ])
        let r = try report(items)
        #expect(r.events.first?.ctdiVolMilligray == 5.5)
        #expect(r.events.first?.targetRegion?.meaning == "Chest")
        #expect(r.readingNotes.contains { $0.contains("Mean CTDIvol has 2 values") })
        #expect(r.readingNotes.contains { $0.contains("Target Region has no code") })
    }

    @Test func skipsUnparseableNumberWithNote() throws {
        let r = try report(ctDoseReport(total: "n/a", events: [
            ctEvent(uid: "9.1", type: DoseConcept.spiralAcquisitionSRT, ctdi: "12", dlp: "abc"),
        ]))
        #expect(r.events.first?.dlpMilligrayCentimeters == nil)
        #expect(r.reportedDLPTotals.isEmpty)
        #expect(r.readingNotes.contains { $0.contains("DLP value 'abc' is not a number") })
    }

    @Test func readsDualSourceAndDoseCheck() throws {
        let source = { (id: String, kv: String, ma: String) -> Node in
            .container(DoseConcept.ctXRaySourceParameters, [
                .text(DoseConcept.identificationOfXRaySource, id),
                .num(DoseConcept.kvp, kv, unit: "kV"), .num(DoseConcept.xRayTubeCurrent, ma, unit: "mA"),
            ])
        }
        let items = ctDoseReport(total: "300", events: [
            .container(DoseConcept.ctAcquisition, [
                .uid(DoseConcept.irradiationEventUID, "9.1"),
                .container(DoseConcept.ctAcquisitionParameters, [
                    .num(DoseConcept.scanningLength, "30", unit: "cm"),
                    .num(DoseConcept.numberOfXRaySources, "2", unit: "{X-Ray sources}"),
                    source("A", "80", "300"), source("B", "140", "150"),
                ]),
                .container(DoseConcept.ctDose, [
                    .num(DoseConcept.meanCTDIvol, "10", unit: "mGy"), .num(DoseConcept.dlp, "300", unit: "mGy.cm"),
                    .container(DoseConcept.ctDoseCheckNotificationDetails, [
                        .num(DoseConcept.ctdiVolNotificationValue, "8", unit: "mGy"),
                    ]),
                ]),
            ]),
        ])
        let event = try #require(try report(items).events.first)
        #expect(event.xRaySources.map(\.kvp) == [80, 140])
        #expect(event.xRaySources.map(\.tubeCurrentMilliampere) == [300, 150])
        #expect(event.numberOfXRaySources == 2)
        #expect(event.scanningLengthMillimeters == 300)  // 30 cm converted
        #expect(event.doseCheck?.ctdiVolNotificationValueMilligray == 8)
    }

    @Test func setsAsideProjectionAndNonDoseReports() {
        let projection = Node.flatten(.container(DoseConcept.xRayRadiationDoseReport, [
            .code(DoseConcept.procedureReported, CodedConcept("P5-40010", "SRT", "Mammography")),
            .container(DoseConcept.irradiationEventXRayData, []),
        ]))
        guard case .setAside(let reason) = RadiationDoseSRReader.read(projection, header: header) else {
            Issue.record("mammography report read as CT"); return
        }
        #expect(reason == "X-ray dose report that is not CT (procedure reported: Mammography)")

        let textReport = Node.flatten(.container(CodedConcept("18748-4", "LN", "Diagnostic Imaging Report"), []))
        guard case .setAside(let other) = RadiationDoseSRReader.read(textReport, header: header) else {
            Issue.record("non-dose SR read as CT"); return
        }
        #expect(other.contains("not a radiation dose report"))
    }

    @Test func setsAsideFromTheDocumentHeaderOnlyWhatItDeclares() {
        let xRay = DoseConcept.xRayRadiationDoseReport
        let projection = RadiationDoseSRReader.setAsideReason(documentTitle: xRay, template: SRTemplate("10001", "DCMR"))
        #expect(projection == "X-ray dose report that is not CT (template TID 10001 Projection X-Ray Radiation Dose)")
        #expect(RadiationDoseSRReader.setAsideReason(
            documentTitle: CodedConcept("113500", "DCM"), template: nil) == "radiopharmaceutical dose report, not CT")
        // Everything else is left to the content: CT's own template, no template, another mapping
        // resource, or a projection template under a title that is not an X-ray dose report.
        #expect(RadiationDoseSRReader.setAsideReason(documentTitle: xRay, template: SRTemplate("10011", "DCMR")) == nil)
        #expect(RadiationDoseSRReader.setAsideReason(documentTitle: xRay, template: nil) == nil)
        #expect(RadiationDoseSRReader.setAsideReason(documentTitle: xRay, template: SRTemplate("10001", "99LOCAL")) == nil)
        #expect(RadiationDoseSRReader.setAsideReason(
            documentTitle: CodedConcept("18748-4", "LN"), template: SRTemplate("10001", "DCMR")) == nil)
        #expect(RadiationDoseSRReader.setAsideReason(documentTitle: nil, template: nil) == nil)
    }
}
