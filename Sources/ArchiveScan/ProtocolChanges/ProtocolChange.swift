import CSVFormat
import DoseModel
import Foundation

/// A change in how a scanner runs one of its protocols, between two months of study dates (the later
/// month against the latest earlier one with enough events; for a level, also against the first month
/// since the group's last change, so that a drift of small steps shows): the technique that a majority
/// (`Settings.majority`) of the month's diagnostic events used (tube voltage, pitch factor, nominal
/// total collimation, exposure time per rotation, CTDI phantom; the diagnostic series' reconstruction
/// kernel and slice thickness),
/// or the month's median CTDIvol or global noise moving by a ratio, at a significance (`Settings`).
/// Both levels are taken at the group's mean water-equivalent diameter where its measured events allow
/// a fit on Dw (`DwLineSums`: ln CTDIvol; the noise linearly), so that a month of larger patients is
/// not taken for a change; else as measured. And the protocol's own first and last use while its
/// scanner goes on (`Setting.protocolUse`). What a physicist checks after editing a protocol, and how
/// an unannounced edit shows.
public struct ProtocolChange: Sendable, Equatable {
    public enum Setting: String, Sendable, CaseIterable {
        case tubeVoltage = "Tube voltage"
        case pitchFactor = "Pitch factor"
        case collimation = "Nominal total collimation"
        case rotationTime = "Exposure time per rotation"
        case phantom = "CTDI phantom"
        case kernel = "Reconstruction kernel"
        case sliceThickness = "Slice thickness"
        case ctdiVolLevel = "CTDIvol level"
        case noiseLevel = "Global noise level"
        /// The protocol itself: first used, or no longer used, while its scanner goes on.
        case protocolUse = "Protocol in use"

        /// A level (CTDIvol, noise) rather than a technique.
        public var isLevel: Bool { self == .ctdiVolLevel || self == .noiseLevel }
        /// A technique value that a month's events have (tube voltage … slice thickness).
        public var isTechnique: Bool { !isLevel && self != .protocolUse }
    }

    public var scanner: String
    public var acquisitionProtocol: String
    public var setting: Setting
    public var previousMonth: String
    public var month: String
    /// The value of each month, with how many of its events had it ("120 kV (40 of 42)"; "13.87 mGy
    /// (median of 40)").
    public var before: String
    public var after: String
    /// A level's after ÷ before; nil for a technique.
    public var ratio: Double?
    /// A level's two-sided p-value (Mann–Whitney U) of the two months' values; nil for a technique.
    public var pValue: Double?
    /// How a level was taken ("at the group's mean Dw, 25.5 cm" or "as measured …"); nil for a technique.
    public var basis: String?
    /// What `previousMonth` is: the latest earlier month with enough events (a step), or, for a level,
    /// the first month since the group's last change found (a drift of smaller steps).
    public var comparison: Comparison = .previousMonth

    public enum Comparison: String, Sendable {
        case previousMonth, baseline
    }

    /// One diagnostic event as the tally needs it: made from its exam on any thread, added in order.
    public struct Observation: Sendable {
        var scanner, acquisitionProtocol, month: String
        var techniques: [(Setting, String)]
        var levels: [(Setting, Double)]
        var dwCentimeters: Double?
        /// Where the event is: its exam's 1-based position in the export, and its index among the exam's events.
        var examPosition = 0, eventIndex = 0
    }

    /// The exam's diagnostic events (not localizers); none for an undated exam or a QA phantom's or test
    /// patient's. `position`: the exam's 1-based position in the export.
    public static func observations(of exam: ExamRecord, position: Int = 0) -> [Observation] {
        let month = StudyMonth.month(exam.studyDate)
        guard month != StudyMonth.undated, exam.nonPatient == nil else { return [] }
        let scanner = ScannerName.of(exam)
        return exam.events.enumerated().filter { $0.element.acquisitionType != CTAcquisitionType.constantAngle.rawValue }.map { index, event in
            let levels = [(Setting.ctdiVolLevel, event.ctdiVol), (.noiseLevel, exam.globalNoiseHounsfield(of: event))].compactMap { setting, value in
                value.flatMap { $0 > 0 ? (setting, $0) : nil }
            }
            return Observation(scanner: scanner, acquisitionProtocol: event.protocolName, month: month, techniques: techniques(of: event, in: exam),
                               levels: levels, dwCentimeters: exam.measuredDwCentimeters(of: event), examPosition: position, eventIndex: index)
        }
    }

    static func techniques(of event: ExamRecord.Event, in exam: ExamRecord) -> [(Setting, String)] {
        var values: [(Setting, String)] = [(.phantom, event.phantom)]
        let kvps = event.xRaySources.compactMap(\.kvp)
        if !kvps.isEmpty { values.append((.tubeVoltage, kvps.map { FixedDecimal.text($0, places: 0) }.joined(separator: "/") + " kV")) }
        if let pitch = event.pitchFactor { values.append((.pitchFactor, FixedDecimal.text(pitch, places: 2))) }
        if let collimation = event.nominalTotalCollimation { values.append((.collimation, FixedDecimal.text(collimation, places: 1) + " mm")) }
        let rotations = event.xRaySources.compactMap(\.exposureTimePerRotationSeconds)
        if !rotations.isEmpty { values.append((.rotationTime, rotations.map { FixedDecimal.text($0, places: 2) }.joined(separator: "/") + " s")) }
        if let uid = event.diagnosticSeriesUID, let series = exam.series.first(where: { $0.seriesInstanceUID == uid }) {
            if let kernel = series.convolutionKernel?.trimmingCharacters(in: .whitespaces), !kernel.isEmpty { values.append((.kernel, kernel)) }
            if let thickness = series.sliceThicknessMillimeters { values.append((.sliceThickness, FixedDecimal.text(thickness, places: 2) + " mm")) }
        }
        return values
    }
}
