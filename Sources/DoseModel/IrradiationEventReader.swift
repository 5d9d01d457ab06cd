/// Interprets one TID 10013 CT Acquisition container into an `IrradiationEvent`.
enum IrradiationEventReader {
    static func read(_ acquisition: SRContentItem, in tree: SRContentTree, values: inout NumericReader) -> IrradiationEvent {
        var event = IrradiationEvent()
        for item in tree.children(of: acquisition.index) {
            switch item.conceptName {
            case DoseConcept.acquisitionProtocol?: event.acquisitionProtocol = item.text ?? item.codeValue?.meaning
            case DoseConcept.targetRegion?:
                if let code = item.codeValue, !code.value.isEmpty {
                    event.targetRegion = code
                } else if let text = item.text ?? item.codeValue?.meaning {
                    event.targetRegion = CodedConcept("", "", text)
                    values.notes.append("\(values.context): Target Region has no code; its text '\(text)' is kept")
                } else {
                    values.notes.append("\(values.context): Target Region is empty; skipped")
                }
            case DoseConcept.ctAcquisitionType?:
                event.acquisitionTypeCode = item.codeValue
                event.acquisitionType = CTAcquisitionType(code: item.codeValue)
                if event.acquisitionType == .unknown {
                    values.notes.append("\(values.context): CT Acquisition Type \(item.codeValue?.description ?? "empty") is not in CID 10013")
                }
            case DoseConcept.irradiationEventUID?: event.irradiationEventUID = item.uid ?? item.text
            case DoseConcept.irradiationEventLabel?: event.label = item.text
            case DoseConcept.dateTimeStarted?: event.startDateTime = item.dateTime
            case DoseConcept.comment?: event.comment = item.text
            case DoseConcept.ctAcquisitionParameters?: readParameters(item, in: tree, into: &event, values: &values)
            case DoseConcept.ctDose?: readDose(item, in: tree, into: &event, values: &values)
            default: break
            }
        }
        if event.irradiationEventUID == nil {
            values.notes.append("\(values.context): no Irradiation Event UID")
        }
        readVendorSize(acquisition, in: tree, into: &event, values: &values)
        return event
    }

    private static func readParameters(_ container: SRContentItem, in tree: SRContentTree, into event: inout IrradiationEvent,
                                       values: inout NumericReader) {
        for item in tree.children(of: container.index) {
            switch item.conceptName {
            case DoseConcept.exposureTime?: event.exposureTimeSeconds = values.number(item, .seconds, "Exposure Time")
            case DoseConcept.scanningLength?:
                event.scanningLengthMillimeters = values.number(item, .millimeters, "Scanning Length")
            case DoseConcept.nominalSingleCollimationWidth?:
                event.nominalSingleCollimationMillimeters = values.number(item, .millimeters, "Nominal Single Collimation Width")
            case DoseConcept.nominalTotalCollimationWidth?:
                event.nominalTotalCollimationMillimeters = values.number(item, .millimeters, "Nominal Total Collimation Width")
            case DoseConcept.pitchFactor?: event.pitchFactor = values.number(item, .ratio, "Pitch Factor")
            case DoseConcept.numberOfXRaySources?:
                event.numberOfXRaySources = values.number(item, .count, "Number of X-Ray Sources").flatMap { Int(dicomInteger: $0) }
            case DoseConcept.ctXRaySourceParameters?:
                var source = XRaySourceParameters()
                for parameter in tree.children(of: item.index) {
                    switch parameter.conceptName {
                    case DoseConcept.identificationOfXRaySource?: source.identification = parameter.text
                    case DoseConcept.kvp?: source.kvp = values.number(parameter, .kilovolts, "KVP")
                    case DoseConcept.maximumXRayTubeCurrent?:
                        source.maximumTubeCurrentMilliampere = values.number(parameter, .milliamperes, "Maximum X-Ray Tube Current")
                    case DoseConcept.xRayTubeCurrent?:
                        source.tubeCurrentMilliampere = values.number(parameter, .milliamperes, "X-Ray Tube Current")
                    case DoseConcept.exposureTimePerRotation?:
                        source.exposureTimePerRotationSeconds = values.number(parameter, .seconds, "Exposure Time per Rotation")
                    default: break
                    }
                }
                event.xRaySources.append(source)
            default: break
            }
        }
    }

    private static func readDose(_ container: SRContentItem, in tree: SRContentTree, into event: inout IrradiationEvent,
                                 values: inout NumericReader) {
        for item in tree.children(of: container.index) {
            switch item.conceptName {
            case DoseConcept.meanCTDIvol?: event.ctdiVolMilligray = values.number(item, .milligray, "Mean CTDIvol")
            case DoseConcept.dlp?: event.dlpMilligrayCentimeters = values.number(item, .milligrayCentimeters, "DLP")
            case DoseConcept.ctdiwPhantomType?: event.phantom = CTDIPhantom(code: item.codeValue)
            case DoseConcept.effectiveDose?: event.effectiveDoseMillisievert = values.number(item, .millisieverts, "Effective Dose")
            default: break
            }
        }
        // TID 10015 Dose Check Alert Details and Notification Details: their concepts are distinct, so
        // one pass over the children of both containers reads them all.
        var check = DoseCheckDetails()
        let containers = tree.descendants(of: container.index, DoseConcept.ctDoseCheckDetails)
            + tree.descendants(of: container.index, DoseConcept.ctDoseCheckNotificationDetails)
        for item in containers.flatMap({ tree.children(of: $0.index) }) {
            switch item.conceptName {
            case DoseConcept.dlpAlertValueConfigured?: check.dlpAlertValueConfigured = yes(item)
            case DoseConcept.ctdiVolAlertValueConfigured?: check.ctdiVolAlertValueConfigured = yes(item)
            case DoseConcept.dlpAlertValue?:
                check.dlpAlertValueMilligrayCentimeters = values.number(item, .milligrayCentimeters, "DLP Alert Value")
            case DoseConcept.ctdiVolAlertValue?:
                check.ctdiVolAlertValueMilligray = values.number(item, .milligray, "CTDIvol Alert Value")
            case DoseConcept.accumulatedDLPForwardEstimate?:
                check.accumulatedDLPForwardEstimateMilligrayCentimeters =
                    values.number(item, .milligrayCentimeters, "Accumulated DLP Forward Estimate")
            case DoseConcept.accumulatedCTDIvolForwardEstimate?:
                check.accumulatedCTDIvolForwardEstimateMilligray = values.number(item, .milligray, "Accumulated CTDIvol Forward Estimate")
            case DoseConcept.dlpNotificationValueConfigured?: check.dlpNotificationValueConfigured = yes(item)
            case DoseConcept.ctdiVolNotificationValueConfigured?: check.ctdiVolNotificationValueConfigured = yes(item)
            case DoseConcept.dlpNotificationValue?:
                check.dlpNotificationValueMilligrayCentimeters = values.number(item, .milligrayCentimeters, "DLP Notification Value")
            case DoseConcept.ctdiVolNotificationValue?:
                check.ctdiVolNotificationValueMilligray = values.number(item, .milligray, "CTDIvol Notification Value")
            case DoseConcept.dlpForwardEstimate?:
                check.dlpForwardEstimateMilligrayCentimeters = values.number(item, .milligrayCentimeters, "DLP Forward Estimate")
            case DoseConcept.ctdiVolForwardEstimate?:
                check.ctdiVolForwardEstimateMilligray = values.number(item, .milligray, "CTDIvol Forward Estimate")
            case DoseConcept.reasonForProceeding?:
                if let reason = item.text ?? item.codeValue?.meaning { check.reasonsForProceeding.append(reason) }
            default: break
            }
        }
        if !check.isEmpty { event.doseCheck = check }
    }

    /// Size items a scanner may add anywhere under the event (113930 SSDE, 113980 Dw, 113931-113933).
    private static func readVendorSize(_ acquisition: SRContentItem, in tree: SRContentTree, into event: inout IrradiationEvent,
                                       values: inout NumericReader) {
        var size = VendorSizeEstimate()
        for item in tree.descendants(of: acquisition.index) where item.valueType == "NUM" {
            switch item.conceptName {
            case DoseConcept.sizeSpecificDoseEstimate?: size.ssdeMilligray = values.number(item, .milligray, "SSDE")
            case DoseConcept.waterEquivalentDiameter?:
                size.waterEquivalentDiameterMillimeters = values.number(item, .millimeters, "Water Equivalent Diameter")
            case DoseConcept.measuredLateralDimension?:
                size.lateralDimensionMillimeters = values.number(item, .millimeters, "Measured Lateral Dimension")
            case DoseConcept.measuredAPDimension?:
                size.apDimensionMillimeters = values.number(item, .millimeters, "Measured AP Dimension")
            case DoseConcept.derivedEffectiveDiameter?:
                size.effectiveDiameterMillimeters = values.number(item, .millimeters, "Derived Effective Diameter")
            default: break
            }
        }
        if !size.isEmpty { event.vendorSize = size }
    }

    /// CODE items answering yes/no (SRT R-0038D Yes / R-00339 No; SCT 373066001 / 373067005).
    private static func yes(_ item: SRContentItem) -> Bool? {
        switch item.codeValue?.value {
        case "R-0038D", "373066001": return true
        case "R-00339", "373067005": return false
        default: return nil
        }
    }
}
