@testable import ArchiveScan
import DoseModel
import Foundation
import Testing
@testable import ScanReport

/// "Protocol changes": a tube voltage changed in March is found in March and nowhere else; a CTDIvol
/// cut to 0.7 is found at exactly 0.7 at the group's mean size, a kernel change and a noise 1.2 times
/// higher likewise; larger patients alone (CTDIvol following 5 mGy · e^(0.04 Dw) and noise 8 + 0.1 Dw
/// all along) are not taken for a change, though their raw median CTDIvol rises by e^(0.32) = 1.38;
/// months with too few events, or no clear majority, do not count.
@Suite struct ProtocolChangeTests {
    /// One exam a Dw, on the given study date: its spiral event at `kvp` and CTDIvol 5 mGy · e^(0.04 Dw) × `scale`.
    static func records(month: String, dws: [Double], kvp: Double = 120, scale: Double = 1, kernel: String = "B30f",
                        noiseScale: Double = 1, rotationSeconds: Double = 0.5) throws -> [ExamRecord] {
        try ModulationSectionTests.records(dws: dws).enumerated().map { index, record in
            var record = record
            record.studyInstanceUID = "2.25.\(month.filter(\.isNumber))\(index)"
            record.studyDate = month.filter(\.isNumber) + "15"
            let spiral = try #require(record.events.firstIndex { $0.acquisitionType == "spiral" })
            record.events[spiral].xRaySources = [XRaySourceParameters(kvp: kvp, exposureTimePerRotationSeconds: rotationSeconds)]
            record.events[spiral].pitchFactor = 0.98
            record.events[spiral].ctdiVol = try #require(record.events[spiral].ctdiVol) * scale
            let diagnostic = try #require(record.series.firstIndex { $0.seriesInstanceUID == record.events[spiral].diagnosticSeriesUID })
            record.series[diagnostic].convolutionKernel = kernel
            record.series[diagnostic].sliceThicknessMillimeters = 5
            record.seriesMeasurements[0].globalNoiseTissueHounsfield = (8 + 0.1 * dws[index]) * noiseScale
            return record
        }
    }

    static func changes(_ records: [ExamRecord]) -> [ProtocolChange] {
        var tally = ProtocolChange.Tally()
        records.forEach { tally.add($0) }
        return tally.changes
    }

    static let dws = (0..<12).map { 20 + Double($0) }  // mean 25.5 cm

    @Test func aTubeVoltageAndADoseCutAreFoundInTheirMonth() throws {
        let records = try Self.records(month: "2026-01", dws: Self.dws) + Self.records(month: "2026-02", dws: Self.dws)
            + Self.records(month: "2026-03", dws: Self.dws, kvp: 100, scale: 0.7) + Self.records(month: "2026-04", dws: Self.dws, kvp: 100, scale: 0.7)
        let changes = Self.changes(records)
        #expect(changes.map(\.setting) == [.tubeVoltage, .ctdiVolLevel], "\(changes)")
        #expect(changes.allSatisfy { $0.previousMonth == "2026-02" && $0.month == "2026-03" })
        let voltage = try #require(changes.first)
        #expect(voltage.before == "120 kV (12 of 12)" && voltage.after == "100 kV (12 of 12)")
        let level = try #require(changes.last)
        #expect(abs(try #require(level.ratio) - 0.7) < 1e-6)
        // Twelve equal values against twelve others: scipy.stats.mannwhitneyu (asymptotic, continuity) 1.9118e−6.
        #expect(abs(try #require(level.pValue) / 1.911834771154503e-06 - 1) < 1e-6)
        // Every event of a month at the group's mean Dw (25.5 cm): 5 mGy · e^(0.04 · 25.5) before, 0.7 times that after.
        let before = 5 * exp(0.04 * 25.5)
        #expect(level.before == HTML.number(before, places: 2) + " mGy (median of 12)")
        #expect(level.after == HTML.number(0.7 * before, places: 2) + " mGy (median of 12)")
        #expect(level.basis == "at the group's mean Dw, 25.5 cm")
        let html = ProtocolChangeSection.html(changes)
        #expect(html.contains("id=\"protocol-change-table\"") && html.contains("2 changes in 1 protocol."))
        #expect(html.contains("<td>2026-02: 120 kV (12 of 12)</td><td>100 kV (12 of 12)</td>"))
    }

    @Test func aDriftOfSmallStepsIsFoundWhereItAddsUpToTheRatio() throws {
        // CTDIvol 1.08 times the month before's, January to June: no step reaches 1.25, but April is
        // 1.08³ = 1.2597 times January (the baseline), and is found as a drift; the baseline is then
        // April, which May (1.08) and June (1.1664) do not reach 1.25 from.
        let records = try (0..<6).flatMap { k in
            try Self.records(month: "2026-0\(k + 1)", dws: Self.dws, scale: pow(1.08, Double(k)))
        }
        let changes = Self.changes(records)
        #expect(changes.count == 1, "\(changes)")
        let drift = try #require(changes.first)
        #expect(drift.setting == .ctdiVolLevel && drift.comparison == .baseline)
        #expect(drift.previousMonth == "2026-01" && drift.month == "2026-04")
        #expect(abs(try #require(drift.ratio) - pow(1.08, 3)) < 1e-6)
        // Twelve equal values against twelve others, as above: scipy's 1.9118e−6.
        #expect(abs(try #require(drift.pValue) / 1.911834771154503e-06 - 1) < 1e-6)
        let html = ProtocolChangeSection.html(changes)
        #expect(html.contains("<td>CTDIvol level (drift)</td><td>since 2026-01: "))
        // The same rise in one step is a step, not a drift.
        let step = try Self.records(month: "2026-01", dws: Self.dws) + Self.records(month: "2026-02", dws: Self.dws, scale: 1.3)
        #expect(Self.changes(step).map(\.comparison) == [.previousMonth])
    }

    @Test func protocolsFirstUsedAndNoLongerUsedAreListed() throws {
        // One scanner, January to June: "Abdomen" every month; "Chest" January to March, then "Chest 2026"
        // from April (a rename); "Sinus" January to May (its last month followed by one month only);
        // "Knee" three events in January (a one-off).
        func named(_ name: String, months: ClosedRange<Int>, count: Int = 6) throws -> [ExamRecord] {
            try Self.named(name, months: months, count: count)
        }
        let records = try named("Abdomen", months: 1...6) + named("Chest", months: 1...3) + named("Chest 2026", months: 4...6)
            + named("Sinus", months: 1...5) + named("Knee", months: 1...1, count: 3)
        let uses = Self.changes(records).filter { $0.setting == .protocolUse }
        #expect(uses.count == 2, "\(uses)")
        let started = try #require(uses.first { $0.acquisitionProtocol == "Chest 2026" })
        #expect(started.previousMonth == "2026-03" && started.month == "2026-04" && started.before == "not used"
                && started.after == "first used (6 events); renamed from Chest, last used 2026-03")
        let stopped = try #require(uses.first { $0.acquisitionProtocol == "Chest" })
        #expect(stopped.previousMonth == "2026-03" && stopped.month == "2026-04" && stopped.before == "last used (6 events)"
                && stopped.after == "not used to 2026-06, the scanner's last month; renamed to Chest 2026, first used 2026-04")
    }

    /// Every event of `name` from `months` of 2026, `count` exams a month.
    static func named(_ name: String, months: ClosedRange<Int>, count: Int = 12, kvp: Double = 120, scale: Double = 1,
                      phantom: CTDIPhantom? = nil) throws -> [ExamRecord] {
        try months.flatMap { month in
            try Self.records(month: "2026-0\(month)", dws: Array(Self.dws.prefix(count)), kvp: kvp, scale: scale).map { record in
                var record = record
                record.studyInstanceUID += ".\(name.filter(\.isLetter))"
                for index in record.events.indices {
                    record.events[index].acquisitionProtocol = name
                    if let phantom { record.events[index].phantom = phantom.rawValue }
                }
                return record
            }
        }
    }

    @Test func aRenamedProtocolIsFollowedAcrossItsNewName() throws {
        // "Chest" January to March at 120 kV, renamed "Chest 2026" from April at 100 kV and 0.7 times the
        // CTDIvol: neither name alone changed, the protocol did, in April.
        let renamed = try Self.named("Abdomen", months: 1...6) + Self.named("Chest", months: 1...3)
            + Self.named("Chest 2026", months: 4...6, kvp: 100, scale: 0.7)
        let changes = Self.changes(renamed)
        let across = changes.filter { $0.acquisitionProtocol == "Chest → Chest 2026" }
        #expect(across.map(\.setting) == [.tubeVoltage, .ctdiVolLevel], "\(changes)")
        #expect(across.allSatisfy { $0.previousMonth == "2026-03" && $0.month == "2026-04" && $0.comparison == .previousMonth })
        #expect(across.first?.before == "120 kV (12 of 12)" && across.first?.after == "100 kV (12 of 12)")
        #expect(abs(try #require(across.last?.ratio) - 0.7) < 1e-6)
        #expect(changes.filter { !$0.acquisitionProtocol.contains("→") }.map(\.setting) == [.protocolUse, .protocolUse])
        // Renamed in the middle of April (both names that month): the change is still found across the rename.
        let midMonth = try Self.named("Abdomen", months: 1...6) + Self.named("Chest", months: 1...4, count: 6)
            + Self.named("Chest 2026", months: 4...6, count: 6, kvp: 100)
        let crossing = Self.changes(midMonth).filter { $0.acquisitionProtocol == "Chest → Chest 2026" }
        #expect(crossing.map(\.setting) == [.tubeVoltage] && crossing.first?.previousMonth == "2026-03" && crossing.first?.month == "2026-05",
                "\(crossing)")  // April has no 75 % majority (6 at 120 kV, 6 at 100 kV)
        // A head protocol followed by a body one: no rename is taken.
        let otherPhantom = try Self.named("Abdomen", months: 1...6) + Self.named("Chest", months: 1...3)
            + Self.named("Chest 2026", months: 4...6, phantom: .head16cm)
        #expect(!Self.changes(otherPhantom).contains { $0.acquisitionProtocol.contains("→") })
    }

    @Test func protocolsRenamedTogetherArePairedByTheirNames() throws {
        // A software upgrade in April renames three protocols at once, and one new protocol appears:
        // "Chest" → "CHEST_ROUTINE" (similarity 0.6), "Head" → "Head Routine" (5 shared pairs of 5 and
        // 13: 10/18), "Abdomen Pelvis" → "ABD PELVIS" (10 of 15 and 11: 20/26); "Cardiac Score" (new)
        // is no name's most alike; the new chest protocol also runs at 100 kV.
        let upgrade = try Self.named("Chest", months: 1...3) + Self.named("Head", months: 1...3) + Self.named("Abdomen Pelvis", months: 1...3)
            + Self.named("CHEST_ROUTINE", months: 4...6, kvp: 100) + Self.named("Head Routine", months: 4...6)
            + Self.named("ABD PELVIS", months: 4...6) + Self.named("Cardiac Score", months: 4...6)
            + Self.named("Knee", months: 1...6)
        let changes = Self.changes(upgrade)
        let across = changes.filter { $0.acquisitionProtocol.contains("→") }
        #expect(across.map(\.acquisitionProtocol) == ["Chest → CHEST_ROUTINE"] && across.first?.setting == .tubeVoltage, "\(across)")
        let uses = changes.filter { $0.setting == .protocolUse }
        func use(_ name: String) -> String? { uses.first { $0.acquisitionProtocol == name }?.after }
        #expect(use("Head") == "not used to 2026-06, the scanner's last month; renamed to Head Routine, first used 2026-04")
        #expect(use("ABD PELVIS") == "first used (12 events); renamed from Abdomen Pelvis, last used 2026-03")
        #expect(use("Cardiac Score") == "first used (12 events)")
        #expect(uses.count == 7, "\(uses)")

        // One stopped and two started with names equally like it ("Chest Low", "Chest Std": 12/16): a tie pairs nothing.
        let tie = try Self.named("Chest", months: 1...3) + Self.named("Head", months: 1...3) + Self.named("Chest Low", months: 4...6)
            + Self.named("Chest Std", months: 4...6) + Self.named("Knee", months: 1...6)
        #expect(!Self.changes(tie).contains { $0.after.contains("renamed") })
        // Names unlike each other, or less alike than asked: nothing paired.
        let unlike = try Self.named("Chest", months: 1...3) + Self.named("Head", months: 1...3) + Self.named("Protocol A", months: 4...6)
            + Self.named("Protocol B", months: 4...6) + Self.named("Knee", months: 1...6)
        #expect(!Self.changes(unlike).contains { $0.after.contains("renamed") })
        var strict = ProtocolChange.Settings()
        strict.renameNameSimilarity = 0.65
        var tally = ProtocolChange.Tally(settings: strict)
        upgrade.forEach { tally.add($0) }
        #expect(tally.changes.filter { $0.after.contains("renamed") }.map(\.acquisitionProtocol).sorted()
                == ["ABD PELVIS", "Abdomen Pelvis"])  // 0.77 ≥ 0.65; 0.6 and 0.56 below
    }

    @Test func nameSimilarityIsTheDiceCoefficientOfLetterPairs() {
        // " C", "CH", "HE", "ES", "ST", "T " shared; "CHEST" 6 pairs, "Chest routine" 6 + 8.
        #expect(abs(ProtocolNameSimilarity.of("CHEST", "Chest routine") - 12.0 / 20) < 1e-12)
        #expect(ProtocolNameSimilarity.of("Thorax_Routine", "THORAX ROUTINE") == 1)
        #expect(ProtocolNameSimilarity.of("Head", "Knee") == 0)
        // Pairs as a multiset: "AAA" has " A", "AA" twice, "A "; "AA" has " A", "AA", "A ": 3 shared of 4 and 3.
        #expect(abs(ProtocolNameSimilarity.of("AAA", "AA") - 6.0 / 7) < 1e-12)
        #expect(ProtocolNameSimilarity.of("", "--") == 0)
    }

    @Test func aSharperKernelAndItsNoiseAreFound() throws {
        // March: kernel Br40, noise 1.2 × (8 + 0.1 Dw); the pooled noise fit has slope 0.11 HU/cm over
        // the same sizes each month, and each month's median at 25.5 cm is 10.55 HU, then 1.2 times that.
        let records = try Self.records(month: "2026-02", dws: Self.dws) + Self.records(month: "2026-03", dws: Self.dws, kernel: "Br40", noiseScale: 1.2)
        let changes = Self.changes(records)
        #expect(changes.map(\.setting) == [.kernel, .noiseLevel], "\(changes)")
        #expect(changes.first?.before == "B30f (12 of 12)" && changes.first?.after == "Br40 (12 of 12)")
        let noise = try #require(changes.last)
        #expect(abs(try #require(noise.ratio) - 1.2) < 1e-6)
        #expect(abs(try #require(noise.pValue) / 3.6584553538971e-05 - 1) < 1e-6)  // scipy, as above
        #expect(noise.before == HTML.number(10.55, places: 1) + " HU (median of 12)" && noise.after == HTML.number(1.2 * 10.55, places: 1) + " HU (median of 12)")
        // A noise 1.1 times higher stays below 1.15.
        let slight = try Self.records(month: "2026-02", dws: Self.dws) + Self.records(month: "2026-03", dws: Self.dws, noiseScale: 1.1)
        #expect(Self.changes(slight).isEmpty)
    }

    @Test func aFasterRotationIsFound() throws {
        let records = try Self.records(month: "2026-02", dws: Self.dws) + Self.records(month: "2026-03", dws: Self.dws, rotationSeconds: 0.33)
        let change = try #require(Self.changes(records).first)
        #expect(Self.changes(records).count == 1 && change.setting == .rotationTime)
        #expect(change.before == "0.50 s (12 of 12)" && change.after == "0.33 s (12 of 12)")
    }

    @Test func largerPatientsAreNotAChange() throws {
        // March's patients 8 cm larger: the raw median CTDIvol rises by e^(0.32) = 1.38, beyond 1.25.
        let records = try Self.records(month: "2026-01", dws: Self.dws) + Self.records(month: "2026-03", dws: Self.dws.map { $0 + 8 })
        #expect(Self.changes(records).isEmpty)
        // Without measured sizes the level is taken as reported, and the rise is flagged.
        let unmeasured = records.map { record -> ExamRecord in
            var record = record
            record.seriesMeasurements = []
            return record
        }
        let raw = try #require(Self.changes(unmeasured).first)
        #expect(Self.changes(unmeasured).count == 1 && raw.setting == .ctdiVolLevel && raw.basis?.hasPrefix("as measured") == true)
        #expect(abs(try #require(raw.ratio) - exp(0.32)) < 1e-6)
        #expect(abs(try #require(raw.pValue) / 0.00024315241695206636 - 1) < 1e-6)  // scipy, with the 4 tied values
    }

    @Test func aRatioWithinTheSpreadOfItsMonthsIsNotAChange() throws {
        // CTDIvol 5 to 30 mGy in January (Dw 0 to 45 cm, sizes not measured), 1.3 times each in
        // February: the medians' ratio is 1.3, but the months overlap (scipy: p = 0.307).
        let spread = (0..<10).map { Double($0) * 5 }
        let records = try Self.records(month: "2026-01", dws: spread) + Self.records(month: "2026-02", dws: spread, scale: 1.3)
        let unmeasured = records.map { record -> ExamRecord in
            var record = record
            record.seriesMeasurements = []
            return record
        }
        #expect(Self.changes(unmeasured).isEmpty)
    }

    @Test func aKilovoltageChosenPerPatientDoesNotFlip() throws {
        // 7 of 12 events at 120 kV in January, 7 of 12 at 100 kV in February (the scanner choosing the kV
        // per patient): no month has a 75 % majority, so no change; asked for 55 %, each month has one.
        let january = try Self.records(month: "2026-01", dws: Array(Self.dws.prefix(7)))
            + Self.records(month: "2026-01", dws: Array(Self.dws.suffix(5)), kvp: 100)
        let february = try Self.records(month: "2026-02", dws: Array(Self.dws.prefix(5)))
            + Self.records(month: "2026-02", dws: Array(Self.dws.suffix(7)), kvp: 100)
        #expect(Self.changes(january + february).isEmpty)
        var settings = ProtocolChange.Settings()
        settings.majority = 0.55
        var tally = ProtocolChange.Tally(settings: settings)
        (january + february).forEach { tally.add($0) }
        let flip = try #require(tally.changes.first)
        #expect(tally.changes.count == 1 && flip.setting == .tubeVoltage && flip.before == "120 kV (7 of 12)" && flip.after == "100 kV (7 of 12)")
    }

    @Test func monthsWithTooFewEventsOrNoMajorityDoNotCount() throws {
        // February has 4 events at 100 kV (below 5); March is split 6 to 6 (no majority): no change.
        let split = try Self.records(month: "2026-03", dws: Array(Self.dws.prefix(6)), kvp: 100)
            + Self.records(month: "2026-03", dws: Array(Self.dws.suffix(6)))
        let records = try Self.records(month: "2026-01", dws: Self.dws) + Self.records(month: "2026-02", dws: Array(Self.dws.prefix(4)), kvp: 100) + split
        #expect(Self.changes(records).isEmpty)
        // With May at 100 kV, the change is found between January (the latest month that counts) and May.
        let may = try #require(Self.changes(records + Self.records(month: "2026-05", dws: Self.dws, kvp: 100)).first)
        #expect(may.setting == .tubeVoltage && may.previousMonth == "2026-01" && may.month == "2026-05")
        #expect(ProtocolChangeSection.html([]).contains("No change"))
        #expect(SampleReportTests.content.protocolChanges.isEmpty)
    }
}
