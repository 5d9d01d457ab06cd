@testable import ArchiveScan
import DICOMBridge
import DoseModel
import Foundation
import ScratchFolders
import Testing

/// Walks every file under ../shared/corpus and checks, per file, what ctdose made of it: no crash,
/// a CT image or dose report where SOURCES.md lists one, and otherwise the specific reason.
@Suite(.enabled(if: Corpus.isAvailable, Corpus.absentMessage))
struct CorpusWalkTests {
    /// Files that cannot be read, with the start of the specific error each must give.
    static let expectedFailures: [String: String] = [
        "malformed/GH626.dcm": "inconsistent image header: CommandGroupLength (0000,0000) declares 337256453 bytes, more than remain in the 132172-byte file",
        "malformed/no_preamble_dicm_in_data": "inconsistent image header: Unknown Tag & Data (3141,0008) declares 1330384958 bytes",
        "malformed/rtplan_truncated.dcm": "inconsistent image header: IsocenterPosition (300a,012c) declares 50 bytes, more than remain",
    ]

    /// Files that are not DICOM (or not CT) and are set aside with a specific reason.
    static let expectedSetAside: [String: String] = [
        "SOURCES.md": "not a DICOM file: no DICM prefix at byte 128 and no dataset start (first bytes 23 20 54 65)",
        // One stray byte before the dataset: (0008,0005) starts at offset 1.
        "malformed/no_meta.dcm": "not a DICOM file: no DICM prefix at byte 128 and no dataset start (first bytes 20 08 00 05)",
        // Declares TID 10001 in its Content Template Sequence (dcmdump +P 0040,db00): set aside unread.
        "dose-reports/MG-RDSR-Hologic_2D.dcm": "X-ray dose report that is not CT (template TID 10001 Projection X-Ray Radiation Dose)",
        "ct-slices/dcmqi-abdomen/liver.dcm": "not a CT image or CT dose report (modality SEG",
        "malformed/3gb-bulk-data-truncated": "not a CT image or CT dose report (modality MR",
    ]

    @Test func everyFileIsReadOrExplained() throws {
        var outcomes: [String: ScannedObject] = [:]
        _ = ArchiveWalker().walk([Corpus.root]) { path in
            outcomes[String(path.dropFirst(Corpus.root.count + 1))] = ObjectReader.read(path: path)
        }
        #expect(outcomes.count > 300)
        for (file, outcome) in outcomes.sorted(by: { $0.key < $1.key }) {
            switch outcome {
            case .failed(let reason):
                let expected = Self.expectedFailures[file]
                #expect(expected != nil, "\(file) failed unexpectedly: \(reason)")
                if let expected { #expect(reason.hasPrefix(expected), "\(file): \(reason)") }
            case .setAside(let reason):
                #expect(Self.expectedFailures[file] == nil, "\(file) should fail but was set aside: \(reason)")
                if let expected = Self.expectedSetAside[file] { #expect(reason.hasPrefix(expected), "\(file): \(reason)") }
                #expect(!reason.isEmpty)
            case .ctImage(let headers):
                #expect(Self.expectedFailures[file] == nil)
                #expect(!headers.isEmpty && headers.allSatisfy { !$0.sopInstanceUID.isEmpty && !$0.studyInstanceUID.isEmpty }, "\(file)")
                // What the store keeps of it comes back equal (every vendor's values through the binary record).
                #expect(try outcome.storedRecord().map { try ScanStore.decodeObject([CTImageHeader].self, from: $0) } == headers, "\(file)")
            case .doseReport(let report, _):
                #expect(file.hasPrefix("dose-reports/CT-") || file.contains("philips-head-phantom"), "\(file)")
                #expect(!report.events.isEmpty, "\(file)")
                #expect(try outcome.storedRecord().map { try ScanStore.decodeObject(DoseReport.self, from: $0) } == report, "\(file)")
            }
        }
        // CT images per SOURCES.md: the series folders are all CT Image Storage.
        #expect(outcomes.filter { $0.key.hasPrefix("ct-series/toshiba-wholebody-phantom/") && isCT($0.value) }.count == 88)
        #expect(outcomes.filter { $0.key.hasPrefix("ct-series/ge-head/") && isCT($0.value) }.count == 28)
    }

    /// CT images whose pixels cannot be decoded, with the start of the specific error.
    static let expectedDecodeFailures: [String: String] = [
        // A CT Image Storage header over 100,000 nested sequence items and no pixel data element.
        "malformed/2026-05-06-Deeply-Nested-Sequence.dcm": "decode failed: frame 0: Tag not found",
        // One RLE frame split over four fragments, which PS3.5 G.2 forbids (DCMTK would decode it wrongly).
        "transfer-syntaxes/fo-dicom/D_CLUNIE_CT1_RLE_FRAGS.dcm": "decode failed: RLE: 4 fragments for 1 frame(s)",
    ]

    @Test func everyCTImageDecodesToHounsfieldUnits() {
        var checked = 0
        _ = ArchiveWalker().walk([Corpus.root]) { path in
            guard case .ctImage = ObjectReader.read(path: path) else { return }
            let file = String(path.dropFirst(Corpus.root.count + 1))
            checked += 1
            do {
                let image = try DICOMFile.read(path) { file in try file.hounsfieldImage(frame: 0) }
                #expect(Self.expectedDecodeFailures[file] == nil, "\(file) decoded but should fail")
                #expect(image.rows > 0 && image.columns > 0 && image.hounsfieldUnits.count == image.rows * image.columns)
            } catch {
                let expected = Self.expectedDecodeFailures[file]
                #expect(expected != nil, "\(file): \(error)")
                if let expected { #expect("\(error)".hasPrefix(expected), "\(file): \(error)") }
            }
        }
        #expect(checked > 200)
    }

    @Test func deeplyNestedSequenceDoesNotCrash() {
        // 100,000 nested sequence items: stock DCMTK's recursive parser overflows an ordinary stack.
        let outcome = ObjectReader.read(path: Corpus.path("malformed/2026-05-06-Deeply-Nested-Sequence.dcm"))
        switch outcome {
        case .failed(let reason): Issue.record("unexpected failure: \(reason)")
        default: break  // read on a large-stack worker; the process is still here to say so
        }
    }

    @Test func scanCommandOutputsExplainEverySetAsideFile() throws {
        let out = ScratchFolder.path("corpus")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = ArchiveScanner(jobs: 2).scan([Corpus.root])
        try ScanOutputWriter(folder: out, pseudonymizer: Pseudonymizer(key: .init(size: .bits256))).write(result)
        let problems = try String(contentsOfFile: out + "/problems.csv", encoding: .utf8)
        for file in Self.expectedFailures.keys { #expect(problems.contains(file), "\(file) missing from problems.csv") }
        #expect(problems.contains("dose-reports/MG-RDSR-Hologic_2D.dcm,setAside,X-ray dose report that is not CT"))
        let exams = try String(contentsOfFile: out + "/exams.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(exams.count == result.exams.count)
        // Every CT dose report study is an exam: 12 RDSR/ESR files in 10 studies, plus 3 Dose Info studies.
        #expect(result.exams.filter { $0.doseSource == .doseReport || $0.doseSource == .doseInfoScreen }.count == 12)
    }

    private func isCT(_ outcome: ScannedObject) -> Bool {
        if case .ctImage = outcome { return true }
        return false
    }
}
