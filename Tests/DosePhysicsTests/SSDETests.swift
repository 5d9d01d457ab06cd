import Foundation
import Testing

@testable import DosePhysics

@Suite("SSDE and phantoms")
struct SSDETests {
    @Test func phantomCodes() {
        #expect(DosimetryPhantom(dicomCodeValue: "113690") == .head16Centimeter)
        #expect(DosimetryPhantom(dicomCodeValue: "113691") == .body32Centimeter)
        #expect(DosimetryPhantom(dicomCodeValue: "113691", codingSchemeDesignator: "SRT") == nil)
        #expect(DosimetryPhantom(dicomCodeValue: "113692") == nil)
        #expect(DosimetryPhantom.head16Centimeter.dicomCodeValue == "113690")
        #expect(DosimetryPhantom.body32Centimeter.dicomCodeValue == "113691")
    }

    @Test("body SSDE: CTDIvol 10 mGy at Dw 28 cm, 32 cm phantom = 10 × 1.32495 = 13.25 mGy")
    func bodySSDE() {
        let r = SizeSpecificDoseEstimate.compute(ctdiVolMilligray: 10, diameterCentimeters: 28, phantom: .body32Centimeter, anatomy: .body)
        #expect(abs((r.ssdeMilligray ?? 0) - 13.2495) < 0.0001)
        #expect(r.phantomCheck == .consistent)
        #expect(!r.usesUnverifiedCoefficients)
        #expect(r.warnings.isEmpty)
    }

    @Test("head on the 16 cm phantom uses the unverified AAPM 293 fit and says so")
    func headSSDE() {
        // f = 1.9852·exp(−0.7776) = 1.9852·0.459508 = 0.912214; × 50 mGy = 45.6107 mGy
        let r = SizeSpecificDoseEstimate.compute(ctdiVolMilligray: 50, diameterCentimeters: 16, phantom: .head16Centimeter, anatomy: .head)
        #expect(abs((r.ssdeMilligray ?? 0) - 45.6107) < 0.001)
        #expect(r.usesUnverifiedCoefficients)
        #expect(r.warnings.contains { $0.contains("unverified") })
    }

    @Test("head anatomy on the 32 cm phantom is flagged and not silently converted")
    func headOnBodyPhantom() {
        let r = SizeSpecificDoseEstimate.compute(ctdiVolMilligray: 20, diameterCentimeters: 16, phantom: .body32Centimeter, anatomy: .head)
        #expect(r.phantomCheck == .headAnatomyOnBodyPhantom)
        #expect(r.ssdeMilligray == nil)
        #expect(r.appliedPhantomConversionFactor == nil)
        let converted = SizeSpecificDoseEstimate.compute(
            ctdiVolMilligray: 20, diameterCentimeters: 16, phantom: .body32Centimeter, anatomy: .head, mismatchPolicy: .convertWithACRFactor)
        // 20 × 2.3 = 46 mGy (16 cm); × 0.912214 = 41.9619
        #expect(abs((converted.appliedPhantomConversionFactor ?? 0) - 2.3) < 1e-12)
        #expect(abs((converted.ssdeMilligray ?? 0) - 41.9619) < 0.001)
    }

    @Test("body anatomy on the 16 cm phantom is flagged and uses the AAPM 204 16 cm fit")
    func bodyOnHeadPhantom() {
        // 16 cm fit at 20 cm: 0.864364; × 5 mGy = 4.3218
        let r = SizeSpecificDoseEstimate.compute(ctdiVolMilligray: 5, diameterCentimeters: 20, phantom: .head16Centimeter, anatomy: .body)
        #expect(r.phantomCheck == .bodyAnatomyOnHeadPhantom)
        #expect(abs((r.ssdeMilligray ?? 0) - 4.3218) < 0.0005)
    }

    @Test func phantomConversion() {
        #expect(abs(PhantomNormalization.convert(10, from: .body32Centimeter, to: .head16Centimeter) - 23) < 1e-12)
        #expect(abs(PhantomNormalization.convert(23, from: .head16Centimeter, to: .body32Centimeter) - 10) < 1e-12)
        #expect(PhantomNormalization.convert(7, from: .body32Centimeter, to: .body32Centimeter) == 7)
    }

    @Test("length-weighted exam SSDE: (10·40 + 20·10)/50 = 12 mGy; series grouped")
    func aggregation() {
        let values = [
            WeightedSSDE(ssdeMilligray: 10, scanningLengthCentimeters: 40, dlpMilligrayCentimeters: 100),
            WeightedSSDE(ssdeMilligray: 20, scanningLengthCentimeters: 10, dlpMilligrayCentimeters: 300),
        ]
        #expect(SSDEAggregation.aggregate(values)?.ssdeMilligray == 12)
        // DLP-weighted: (10·100 + 20·300)/400 = 17.5
        #expect(SSDEAggregation.aggregate(values, method: .dlpWeightedMean)?.ssdeMilligray == 17.5)
        // a missing length falls back to the arithmetic mean 15, and says so
        let partial = [values[0], WeightedSSDE(ssdeMilligray: 20)]
        let fallback = SSDEAggregation.aggregate(partial)
        #expect(fallback?.ssdeMilligray == 15)
        #expect(fallback?.methodUsed == .arithmeticMean)
        #expect(SSDEAggregation.aggregate([]) == nil)
    }

    @Test func examSSDEBySeries() {
        // Dw 35.663 cm gives f ≈ 1 for the 32 cm fit, so SSDE ≈ CTDIvol.
        let events = [
            SSDEEventInput(seriesKey: "2", ctdiVolMilligray: 10, phantom: .body32Centimeter, diameterCentimeters: 35.663, scanningLengthCentimeters: 30),
            SSDEEventInput(seriesKey: "3", ctdiVolMilligray: 20, phantom: .body32Centimeter, diameterCentimeters: 35.663, scanningLengthCentimeters: 10),
        ]
        let exam = ExamSSDE.compute(events: events, anatomy: .body)
        #expect(abs((exam.seriesSSDE["2"]?.ssdeMilligray ?? 0) - 10) < 0.01)
        #expect(abs((exam.seriesSSDE["3"]?.ssdeMilligray ?? 0) - 20) < 0.01)
        // (10·30 + 20·10)/40 = 12.5
        #expect(abs((exam.examSSDE?.ssdeMilligray ?? 0) - 12.5) < 0.01)
        #expect(!exam.anyPhantomMismatch)
    }

    @Test("SSDE(z) and its mean over the scan")
    func profile() {
        let samples = [
            SliceDoseSample(zMillimeters: 10, ctdiVolMilligray: 8, waterEquivalentDiameterCentimeters: 24),
            SliceDoseSample(zMillimeters: 0, ctdiVolMilligray: 10, waterEquivalentDiameterCentimeters: 32),
        ]
        let profile = SSDEProfile.compute(samples: samples, fit: .aapm204Body32CentimeterPhantom)
        // z=0: 10 × 1.143957 = 11.43957; z=10: 8 × 1.534567 = 12.27654; mean 11.85805; mean Dw 28
        #expect(profile?.points.first?.zMillimeters == 0)
        #expect(abs((profile?.meanSSDEMilligray ?? 0) - 11.85805) < 0.0001)
        #expect(profile?.meanWaterEquivalentDiameterCentimeters == 28)
    }
}
