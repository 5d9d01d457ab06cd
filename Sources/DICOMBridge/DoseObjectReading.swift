import DoseModel

extension SRDocumentHeader {
    public init(file: DICOMFile) throws(DICOMError) {
        guard let sopInstanceUID = file.string(.sopInstanceUID) else { throw .notFound("SOP Instance UID (0008,0018) missing") }
        guard let studyUID = file.string(.studyInstanceUID) else { throw .notFound("Study Instance UID (0020,000D) missing") }
        let date = file.string(.contentDate)
        let time = file.string(.contentTime)
        self.init(
            sopClassUID: file.string(.sopClassUID) ?? "", sopInstanceUID: sopInstanceUID, studyInstanceUID: studyUID,
            seriesInstanceUID: file.string(.seriesInstanceUID), equipment: Equipment(file: file),
            contentDateTime: date.map { $0 + (time ?? "") },
            reportedStudy: ReportedStudy(
                patient: PatientAttributes(file: file), studyDate: file.string(.studyDate), studyTime: file.string(.studyTime),
                studyDescription: file.string(.studyDescription)))
    }
}

extension DoseReport {
    /// Reads a Philips "Dose Info" secondary capture: one event per Exposure Dose Sequence (0040,030E)
    /// item, its DLP in the ELSCINT1 private element (00E1,xx21), the exam total in the same
    /// top-level private element and the phantom in (01E1,xx26) (../shared/reference/cms1074.md §7.6).
    public init(philipsDoseInfo file: DICOMFile) throws(DICOMError) {
        let header = try SRDocumentHeader(file: file)
        self.init(
            sopInstanceUID: header.sopInstanceUID, studyInstanceUID: header.studyInstanceUID,
            seriesInstanceUID: header.seriesInstanceUID, kind: .philipsDoseInfo, equipment: header.equipment,
            contentDateTime: header.contentDateTime, reportedStudy: header.reportedStudy)
        let examPhantom = CTDIPhantom(text: file.privateText(creator: "ELSCINT1", group: 0x01E1, element: 0x26))
        let count = file.itemCount(.exposureDoseSequence)
        for index in 0..<count {
            let anchor = TagPath.item(.exposureDoseSequence, index, .kvp)
            var event = IrradiationEvent()
            event.source = .doseInfoScreen
            event.acquisitionType = CTAcquisitionType(imageAttribute: file.string(anchor.appendingSibling(.acquisitionType)))
            event.acquisitionProtocol = file.string(anchor.appendingSibling(.seriesDescription))
            event.ctdiVolMilligray = file.number(anchor.appendingSibling(.ctdiVol))
            event.scanningLengthMillimeters = file.number(anchor.appendingSibling(.scanLength))
            event.exposureTimeSeconds = file.number(anchor.appendingSibling(.exposureTime)).map { $0 / 1000 }
            event.pitchFactor = file.number(anchor.appendingSibling(.spiralPitchFactor))
            event.nominalSingleCollimationMillimeters = file.number(anchor.appendingSibling(.singleCollimationWidth))
            event.nominalTotalCollimationMillimeters = file.number(anchor.appendingSibling(.totalCollimationWidth))
            event.imageSeriesNumber = file.integer(anchor.appendingSibling(.seriesNumber))
            event.phantom = CTDIPhantom(text: file.privateText(creator: "ELSCINT1", group: 0x01E1, element: 0x26, in: anchor))
            if event.phantom == .unknown { event.phantom = examPhantom }
            if event.phantom == .unknown, event.acquisitionType != .constantAngle {
                readingNotes.append("event \(index + 1): phantom not stated (ELSCINT1 (01E1,xx26) absent); left unknown")
            }
            var source = XRaySourceParameters(kvp: file.number(anchor))
            source.tubeCurrentMilliampere = file.number(anchor.appendingSibling(.xRayTubeCurrentInMicroampere)).map { $0 / 1000 }
            event.xRaySources = [source]
            if let text = file.privateText(creator: "ELSCINT1", group: 0x00E1, element: 0x21, in: anchor) {
                if let dlp = Double(text), dlp.isFinite { event.dlpMilligrayCentimeters = dlp }
                else { readingNotes.append("event \(index + 1): ELSCINT1 DLP '\(text)' is not a number; skipped") }
            } else {
                readingNotes.append("event \(index + 1): no ELSCINT1 DLP (00E1,xx21)")
            }
            events.append(event)
        }
        if let text = file.privateText(creator: "ELSCINT1", group: 0x00E1, element: 0x21), let total = Double(text), total.isFinite {
            reportedTotals.append(ReportedDLPTotal(valueMilligrayCentimeters: total))
        }
        reportedNumberOfEvents = file.integer(.totalNumberOfExposures)
        if let summary = file.string(.commentsOnRadiationDose) { doseSummaryText = summary }
    }
}

extension DICOMFile {
    /// Reads a structured report: a CT dose report, or the reason it was set aside.
    public func structuredReport() throws(DICOMError) -> StructuredReportReading {
        if let reason = structuredReportSetAsideReason() { return .setAside(reason: reason) }
        let header = try SRDocumentHeader(file: self)
        let (items, skipped) = try contentItems()
        var reading = RadiationDoseSRReader.read(items, header: header)
        if case .ctDoseReport(var report) = reading {
            if skipped > 0 { report.readingNotes.append("\(skipped) content items nested deeper than \(Self.maximumContentDepth) levels skipped") }
            report.readingNotes.append(contentsOf: parseWarnings.map { "DCMTK: \($0)" })
            reading = .ctDoseReport(report)
        }
        return reading
    }
}

extension DICOMFile {
    /// The reason a structured report is not a CT dose report when its document attributes alone show
    /// it (see `RadiationDoseSRReader.setAsideReason`); needs only the extent `.documentHeader`.
    public func structuredReportSetAsideReason() -> String? {
        RadiationDoseSRReader.setAsideReason(documentTitle: documentTitle, template: declaredTemplate)
    }

    /// The document title: the first item of the dataset's Concept Name Code Sequence (0040,A043).
    var documentTitle: CodedConcept? {
        guard itemCount(.conceptNameCodeSequence) > 0 else { return nil }
        return CodedConcept(
            string(.item(.conceptNameCodeSequence, 0, .codeValue)) ?? "",
            string(.item(.conceptNameCodeSequence, 0, .codingSchemeDesignator)) ?? "",
            string(.item(.conceptNameCodeSequence, 0, .codeMeaning)) ?? "")
    }

    /// The template of the first item of the Content Template Sequence (0040,A504), if declared.
    var declaredTemplate: SRTemplate? {
        guard itemCount(.contentTemplateSequence) > 0,
              let identifier = string(.item(.contentTemplateSequence, 0, .templateIdentifier)) else { return nil }
        return SRTemplate(identifier, string(.item(.contentTemplateSequence, 0, .mappingResource)) ?? "")
    }
}
