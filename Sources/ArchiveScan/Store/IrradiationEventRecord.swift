import DoseModel
import ResultStore

/// An irradiation event written and read field by field (see `BinaryRecordFieldWriter`), the same
/// bytes as its synthesized Codable conformance: dose reports and exams hold one per event. A field
/// added to IrradiationEvent or to the types it holds must be added here too (the record tests fail
/// until it is).
enum IrradiationEventRecord {
    // Required fields by index, as the synthesized Decodable requires them (sets made once, not per record).
    private static let eventRequired: Set<Int> = [1, 9, 16, 22]  // acquisitionType, phantom, xRaySources, source
    private static let doseCheckRequired: Set<Int> = [12]  // reasonsForProceeding

    static func write(_ e: IrradiationEvent, to w: BinaryRecordFieldWriter) {
        w.field("irradiationEventUID", e.irradiationEventUID)
        w.field("acquisitionType", e.acquisitionType.rawValue)
        if let code = e.acquisitionTypeCode { w.field("acquisitionTypeCode") { ModelRecordFields.write(code, to: w) } }
        w.field("acquisitionProtocol", e.acquisitionProtocol)
        if let region = e.targetRegion { w.field("targetRegion") { ModelRecordFields.write(region, to: w) } }
        w.field("label", e.label)
        w.field("startDateTime", e.startDateTime)
        w.field("ctdiVolMilligray", e.ctdiVolMilligray)
        w.field("dlpMilligrayCentimeters", e.dlpMilligrayCentimeters)
        w.field("phantom", e.phantom.rawValue)
        w.field("scanningLengthMillimeters", e.scanningLengthMillimeters)
        w.field("exposureTimeSeconds", e.exposureTimeSeconds)
        w.field("pitchFactor", e.pitchFactor)
        w.field("nominalSingleCollimationMillimeters", e.nominalSingleCollimationMillimeters)
        w.field("nominalTotalCollimationMillimeters", e.nominalTotalCollimationMillimeters)
        w.field("numberOfXRaySources", e.numberOfXRaySources)
        w.field("xRaySources") { for source in e.xRaySources { w.slot { write(source, to: w) } } }
        if let check = e.doseCheck { w.field("doseCheck") { write(check, to: w) } }
        if let size = e.vendorSize { w.field("vendorSize") { write(size, to: w) } }
        w.field("effectiveDoseMillisievert", e.effectiveDoseMillisievert)
        w.field("comment", e.comment)
        w.field("imageSeriesNumber", e.imageSeriesNumber)
        w.field("source", e.source.rawValue)
    }

    private static let keys: [StaticString] = [
        "irradiationEventUID", "acquisitionType", "acquisitionTypeCode", "acquisitionProtocol", "targetRegion", "label",
        "startDateTime", "ctdiVolMilligray", "dlpMilligrayCentimeters", "phantom", "scanningLengthMillimeters",
        "exposureTimeSeconds", "pitchFactor", "nominalSingleCollimationMillimeters", "nominalTotalCollimationMillimeters",
        "numberOfXRaySources", "xRaySources", "doseCheck", "vendorSize", "effectiveDoseMillisievert", "comment",
        "imageSeriesNumber", "source",
    ]

    static func event(_ record: BinaryRecordValue) throws -> IrradiationEvent {
        var e = IrradiationEvent()
        try record.fields(keys, required: eventRequired) { index, v in
            switch index {
            case 0: e.irradiationEventUID = try v.string()
            case 1: e.acquisitionType = try v.value(CTAcquisitionType.self)
            case 2: e.acquisitionTypeCode = try ModelRecordFields.concept(v)
            case 3: e.acquisitionProtocol = try v.string()
            case 4: e.targetRegion = try ModelRecordFields.concept(v)
            case 5: e.label = try v.string()
            case 6: e.startDateTime = try v.string()
            case 7: e.ctdiVolMilligray = try v.double()
            case 8: e.dlpMilligrayCentimeters = try v.double()
            case 9: e.phantom = try v.value(CTDIPhantom.self)
            case 10: e.scanningLengthMillimeters = try v.double()
            case 11: e.exposureTimeSeconds = try v.double()
            case 12: e.pitchFactor = try v.double()
            case 13: e.nominalSingleCollimationMillimeters = try v.double()
            case 14: e.nominalTotalCollimationMillimeters = try v.double()
            case 15: e.numberOfXRaySources = try v.int()
            case 16: e.xRaySources = try v.elements().map(xRaySource)
            case 17: e.doseCheck = try doseCheck(v)
            case 18: e.vendorSize = try vendorSize(v)
            case 19: e.effectiveDoseMillisievert = try v.double()
            case 20: e.comment = try v.string()
            case 21: e.imageSeriesNumber = try v.int()
            case 22: e.source = try v.value(DoseSource.self)
            default: break
            }
        }
        return e
    }

    private static func write(_ s: XRaySourceParameters, to w: BinaryRecordFieldWriter) {
        w.field("identification", s.identification)
        w.field("kvp", s.kvp)
        w.field("maximumTubeCurrentMilliampere", s.maximumTubeCurrentMilliampere)
        w.field("tubeCurrentMilliampere", s.tubeCurrentMilliampere)
        w.field("exposureTimePerRotationSeconds", s.exposureTimePerRotationSeconds)
    }

    private static let sourceKeys: [StaticString] = [
        "identification", "kvp", "maximumTubeCurrentMilliampere", "tubeCurrentMilliampere", "exposureTimePerRotationSeconds",
    ]

    private static func xRaySource(_ record: BinaryRecordValue) throws -> XRaySourceParameters {
        var s = XRaySourceParameters()
        try record.fields(sourceKeys, required: []) { index, v in
            switch index {
            case 0: s.identification = try v.string()
            case 1: s.kvp = try v.double()
            case 2: s.maximumTubeCurrentMilliampere = try v.double()
            case 3: s.tubeCurrentMilliampere = try v.double()
            case 4: s.exposureTimePerRotationSeconds = try v.double()
            default: break
            }
        }
        return s
    }

    private static func write(_ c: DoseCheckDetails, to w: BinaryRecordFieldWriter) {
        w.field("dlpAlertValueConfigured", c.dlpAlertValueConfigured)
        w.field("ctdiVolAlertValueConfigured", c.ctdiVolAlertValueConfigured)
        w.field("dlpAlertValueMilligrayCentimeters", c.dlpAlertValueMilligrayCentimeters)
        w.field("ctdiVolAlertValueMilligray", c.ctdiVolAlertValueMilligray)
        w.field("accumulatedDLPForwardEstimateMilligrayCentimeters", c.accumulatedDLPForwardEstimateMilligrayCentimeters)
        w.field("accumulatedCTDIvolForwardEstimateMilligray", c.accumulatedCTDIvolForwardEstimateMilligray)
        w.field("dlpNotificationValueConfigured", c.dlpNotificationValueConfigured)
        w.field("ctdiVolNotificationValueConfigured", c.ctdiVolNotificationValueConfigured)
        w.field("dlpNotificationValueMilligrayCentimeters", c.dlpNotificationValueMilligrayCentimeters)
        w.field("ctdiVolNotificationValueMilligray", c.ctdiVolNotificationValueMilligray)
        w.field("dlpForwardEstimateMilligrayCentimeters", c.dlpForwardEstimateMilligrayCentimeters)
        w.field("ctdiVolForwardEstimateMilligray", c.ctdiVolForwardEstimateMilligray)
        w.field("reasonsForProceeding", c.reasonsForProceeding)
    }

    private static let doseCheckKeys: [StaticString] = [
        "dlpAlertValueConfigured", "ctdiVolAlertValueConfigured", "dlpAlertValueMilligrayCentimeters", "ctdiVolAlertValueMilligray",
        "accumulatedDLPForwardEstimateMilligrayCentimeters", "accumulatedCTDIvolForwardEstimateMilligray",
        "dlpNotificationValueConfigured", "ctdiVolNotificationValueConfigured", "dlpNotificationValueMilligrayCentimeters",
        "ctdiVolNotificationValueMilligray", "dlpForwardEstimateMilligrayCentimeters", "ctdiVolForwardEstimateMilligray",
        "reasonsForProceeding",
    ]

    private static func doseCheck(_ record: BinaryRecordValue) throws -> DoseCheckDetails {
        var c = DoseCheckDetails()
        try record.fields(doseCheckKeys, required: doseCheckRequired) { index, v in
            switch index {
            case 0: c.dlpAlertValueConfigured = try v.bool()
            case 1: c.ctdiVolAlertValueConfigured = try v.bool()
            case 2: c.dlpAlertValueMilligrayCentimeters = try v.double()
            case 3: c.ctdiVolAlertValueMilligray = try v.double()
            case 4: c.accumulatedDLPForwardEstimateMilligrayCentimeters = try v.double()
            case 5: c.accumulatedCTDIvolForwardEstimateMilligray = try v.double()
            case 6: c.dlpNotificationValueConfigured = try v.bool()
            case 7: c.ctdiVolNotificationValueConfigured = try v.bool()
            case 8: c.dlpNotificationValueMilligrayCentimeters = try v.double()
            case 9: c.ctdiVolNotificationValueMilligray = try v.double()
            case 10: c.dlpForwardEstimateMilligrayCentimeters = try v.double()
            case 11: c.ctdiVolForwardEstimateMilligray = try v.double()
            case 12: c.reasonsForProceeding = try v.strings()
            default: break
            }
        }
        return c
    }

    private static func write(_ s: VendorSizeEstimate, to w: BinaryRecordFieldWriter) {
        w.field("ssdeMilligray", s.ssdeMilligray)
        w.field("waterEquivalentDiameterMillimeters", s.waterEquivalentDiameterMillimeters)
        w.field("lateralDimensionMillimeters", s.lateralDimensionMillimeters)
        w.field("apDimensionMillimeters", s.apDimensionMillimeters)
        w.field("effectiveDiameterMillimeters", s.effectiveDiameterMillimeters)
    }

    private static let vendorSizeKeys: [StaticString] = [
        "ssdeMilligray", "waterEquivalentDiameterMillimeters", "lateralDimensionMillimeters", "apDimensionMillimeters",
        "effectiveDiameterMillimeters",
    ]

    private static func vendorSize(_ record: BinaryRecordValue) throws -> VendorSizeEstimate {
        var s = VendorSizeEstimate()
        try record.fields(vendorSizeKeys, required: []) { index, v in
            switch index {
            case 0: s.ssdeMilligray = try v.double()
            case 1: s.waterEquivalentDiameterMillimeters = try v.double()
            case 2: s.lateralDimensionMillimeters = try v.double()
            case 3: s.apDimensionMillimeters = try v.double()
            case 4: s.effectiveDiameterMillimeters = try v.double()
            default: break
            }
        }
        return s
    }
}
