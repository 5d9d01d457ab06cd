import Crypto
import DoseModel
import Foundation
import ResultStore

/// One `ctdose scan` or `ctdose export` invocation as recorded in the store's scan_run table.
public struct ScanRun: Sendable {
    /// Version written into every run row (bump with releases).
    public static let ctdoseVersion = "0.12.0"

    public var id: String
    public var command: String
    public var shard: String?
    /// The settings of the run (paths, pixel and measure options), as JSON.
    public var settingsJSON: String

    public init(command: String, shard: StudyShard?, settingsJSON: String) {
        id = UUID().uuidString.lowercased()
        self.command = command
        self.shard = shard?.description
        self.settingsJSON = settingsJSON
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

/// `--shard K/N`: worker K (0 ≤ K < N) of N handles the studies whose key, a hash of the Study
/// Instance UID, is K modulo N, so all files of a study meet in one worker wherever they lie.
/// Files without a study (unreadable, not DICOM) are divided by a hash of their path.
public struct StudyShard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (0..<count).contains(index) else {
            throw StoreError("--shard must be K/N with N ≥ 1 and 0 ≤ K < N (got \(index)/\(count))")
        }
        self.index = index
        self.count = count
    }

    /// Parses "K/N".
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let k = parts[0], let n = parts[1] else { throw StoreError("--shard must be K/N, e.g. 0/4 (got \(text))") }
        try self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// First 63 bits of SHA-256 of the text: the same on every machine and run.
    public static func key(_ text: String) -> Int64 {
        var text = text  // its UTF-8 bytes hashed in place (Data(text.utf8) went through dynamic casts)
        let digest = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        return Int64(bitPattern: digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } >> 1)
    }

    public func owns(key: Int64) -> Bool { Int(key % Int64(count)) == index }
    public func owns(studyInstanceUID uid: String) -> Bool { owns(key: Self.key(uid)) }
}

extension ScannedObject {
    static let ctImageKind = "ctImage"
    static let doseReportKind = "doseReport"

    var kind: String {
        switch self {
        case .ctImage: return Self.ctImageKind
        case .doseReport: return Self.doseReportKind
        case .setAside: return "setAside"
        case .failed: return "failed"
        }
    }

    var studyInstanceUID: String? {
        switch self {
        case .ctImage(let headers): return headers.first?.studyInstanceUID
        case .doseReport(let report, _): return report.studyInstanceUID
        default: return nil
        }
    }

    var sopInstanceUID: String? {
        switch self {
        case .ctImage(let headers): return headers.first?.sopInstanceUID
        case .doseReport(let report, _): return report.sopInstanceUID
        default: return nil
        }
    }

    /// The problems.csv rows this file gives.
    func problems(path: String) -> [ScanProblem] {
        switch self {
        case .ctImage: return []
        case .doseReport(_, let warnings): return warnings.map { ScanProblem(path: path, severity: .repaired, reason: $0) }
        case .setAside(let reason): return [ScanProblem(path: path, severity: .setAside, reason: reason)]
        case .failed(let reason): return [ScanProblem(path: path, severity: .error, reason: reason)]
        }
    }

    /// The same object with what its patients' names, IDs and Quality Control Subject say about them
    /// (`PatientAttributes.nonPatientIndication`): made before the names are dropped.
    func indicatingNonPatients(_ words: NonPatientWords) -> ScannedObject {
        switch self {
        case .ctImage(let headers):
            // An enhanced CT file has one header per frame, all of one patient: its words are looked at once.
            let first = headers.first.map { ($0.patient, words.indication(of: $0.patient)) }
            return .ctImage(headers.map { header in
                var copy = header
                copy.patient.nonPatientIndication = header.patient == first?.0 ? first?.1 : words.indication(of: header.patient)
                return copy
            })
        case .doseReport(var report, let warnings):
            if let patient = report.reportedStudy?.patient { report.reportedStudy?.patient.nonPatientIndication = words.indication(of: patient) }
            return .doseReport(report, warnings: warnings)
        case .setAside, .failed:
            return self
        }
    }

    /// The same object with patient identifiers replaced by pseudonyms (the name dropped), as the store
    /// keeps it: the image headers' patient and a dose report's own.
    func pseudonymised(by pseudonymizer: Pseudonymizer) -> ScannedObject {
        guard !pseudonymizer.keepsIdentifiers else { return self }
        func pseudonymised(_ patient: PatientAttributes) -> PatientAttributes {
            var copy = patient
            copy.patientID = pseudonymizer.pseudonym(patient.patientID)
            copy.patientName = nil
            copy.comments = nil
            return copy
        }
        switch self {
        case .ctImage(let headers):
            return .ctImage(headers.map { header in
                var copy = header
                copy.patient = pseudonymised(header.patient)
                return copy
            })
        case .doseReport(var report, let warnings):
            if let patient = report.reportedStudy?.patient { report.reportedStudy?.patient = pseudonymised(patient) }
            return .doseReport(report, warnings: warnings)
        case .setAside, .failed:
            return self
        }
    }
}
