import DoseValidation
import Testing
@testable import ArchiveScan

/// Findings on the corpus dose reports, checked against SOURCES.md / dose-report-notes.md by hand.
@Suite(.enabled(if: Corpus.isAvailable, Corpus.absentMessage))
struct CorpusFindingsTests {
    static let result: ScanResult = {
        var scanner = ArchiveScanner(jobs: 2)
        scanner.pixels.enabled = false
        return scanner.scan([Corpus.path("dose-reports")])
    }()

    private var all: [Finding] { Self.result.findings.values.flatMap { $0 } }

    @Test func philipsScreenTextDiffersFromItsSequence() {
        // SOURCES.md: "sequence CTDIvol (11.33) differs from comment 'Average CTDIvol=11.5'".
        let screen = all.filter { $0.code == .doseScreenTextMismatch }
        #expect(screen.count == 1)
        #expect(screen.first?.expected == "11.33 mGy")
        #expect(screen.first?.actual == "11.5")
    }

    @Test func everyReportTotalEqualsItsEventsSum() {
        // SOURCES.md: "DLP total" equals "sum event DLP" for every CT dose report in the corpus.
        #expect(all.filter { $0.code == .rdsrTotalMismatch }.isEmpty)
    }

    @Test func toshibaDoseCheckAlertsAreReported() {
        // dose-report-notes.md: CT-RDSR-Toshiba_DoseCheck carries Dose Check alert/notification details.
        let toshiba = Self.result.exams.first { $0.doseReports.contains { $0.eventCount == 2 } && $0.equipment?.manufacturer == "TOSHIBA" }
        let codes = Set((toshiba.flatMap { Self.result.findings[$0.studyInstanceUID] } ?? []).map(\.code))
        #expect(codes.contains(.scannerDoseAlert) || codes.contains(.scannerDoseNotification))
    }

    @Test func geLocalizersWithoutDoseAreNamed() {
        // dose-report-notes.md: GE localizer events may carry no CT Dose container (no DLP).
        let ge = Self.result.exams.first { $0.events.count == 27 }
        let named = (ge.flatMap { Self.result.findings[$0.studyInstanceUID] } ?? []).filter { $0.code == .eventWithoutDLP }
        #expect(!named.isEmpty)
        #expect(named.allSatisfy { $0.message.contains("has no DLP") })
    }
}
