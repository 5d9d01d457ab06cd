import DICOMBridge
import DoseModel
import Foundation

/// What one file turned out to be.
public enum ScannedObject: Sendable {
    /// One header per image: a classic CT file holds one, an enhanced CT file one per frame.
    case ctImage([CTImageHeader])
    case doseReport(DoseReport, warnings: [String])
    /// Readable DICOM that is not a CT image or CT dose report (MR, projection X-ray dose report,
    /// DICOMDIR, non-dose SR, …), with the reason.
    case setAside(reason: String)
    /// The file could not be read, with the specific reason.
    case failed(reason: String)
}

/// Reads one file and classifies it. Never throws: every failure becomes `.failed` with its reason.
public enum ObjectReader {
    public static func read(path: String) -> ScannedObject {
        switch read(path: path, wantsStudy: nil) {
        case .read(let object, _): return object
        case .skipped: return .failed(reason: "skipped")  // unreachable: nothing is skipped without `wantsStudy`
        }
    }

    /// What a reader that takes only some studies (`--shard`) made of a file.
    public enum Outcome: Sendable {
        /// The file, and the Study Instance UID its first attributes gave (nil when they gave none, or
        /// when no `wantsStudy` asked): the study it belongs to even when it ends set aside or failed.
        case read(ScannedObject, studyInstanceUID: String?)
        /// Another reader's study: read only as far as its study (the file's first bytes, or DCMTK's
        /// parse up to group 0033 when those do not decide it), not classified.
        case skipped(studyInstanceUID: String)
    }

    /// As `read(path:)`, but a file whose first attributes name a study that `wantsStudy` refuses is
    /// left after that first, shortest read: its headers are not extracted and a dose report's content
    /// is not parsed, the larger part of reading a file (a CT dose report's content tree is most of it).
    public static func read(path: String, wantsStudy: ((String) -> Bool)?) -> Outcome {
        // The study from the file's first bytes when they decide it (every shard decides a file the same
        // way: by this value when there is one, else by DCMTK's, below); a refused study ends here.
        let peeked = wantsStudy == nil ? nil : StudyInstanceUIDPeek.studyInstanceUID(path: path)
        if let peeked, let wantsStudy, !wantsStudy(peeked) { return .skipped(studyInstanceUID: peeked) }
        var firstStudy = peeked
        do {
            // First only a classic image's modules: most files of an archive are classic CT images, and
            // that is all ctdose reads of them. Every other file is read again up to Pixel Data: dose
            // reports, dose screens and enhanced CT need the rest, and the rest is where a damaged file
            // that is set aside shows its damage. A structured report is first read up to its content
            // tree only, which is enough to set aside projection X-ray and radiopharmaceutical reports
            // (a fluoroscopy report's content can be megabytes).
            let firstLook = try DICOMFile.read(path, extent: .imageModules) { file -> FirstLook in
                // Only a reader that picks studies needs it (the CT image's header reads it again).
                let study = wantsStudy == nil ? nil : peeked ?? file.string(.studyInstanceUID)
                if let study, let wantsStudy, !wantsStudy(study) { return .elsewhere(study) }
                let sopClass = file.string(.sopClassUID) ?? ""
                // Its failure is kept with the study: a file that fails belongs to the shard of the study it named.
                if sopClass == SOPClass.ctImage { return .read(Result { try classify(file) }, study) }
                return SOPClass.structuredReports.contains(sopClass) ? .structuredReport(study) : .other(study)
            }
            switch firstLook {
            case .elsewhere(let study): return .skipped(studyInstanceUID: study)
            case .read(let classified, let study):
                firstStudy = study
                return .read(try classified.get(), studyInstanceUID: study)
            case .structuredReport(let study):
                firstStudy = study
                if let reason = try DICOMFile.read(path, extent: .documentHeader, { $0.structuredReportSetAsideReason() }) {
                    return .read(.setAside(reason: reason), studyInstanceUID: study)
                }
            case .other(let study): firstStudy = study
            }
            return .read(try DICOMFile.read(path, extent: .attributes) { file in try classify(file) }, studyInstanceUID: firstStudy)
        } catch let error as DICOMError {
            if case .notDICOM = error { return .read(.setAside(reason: error.description), studyInstanceUID: firstStudy) }  // README, .txt, …
            return .read(.failed(reason: error.description), studyInstanceUID: firstStudy)
        } catch {
            return .read(.failed(reason: "\(error)"), studyInstanceUID: firstStudy)
        }
    }

    /// What the first, shortest read of a file showed, with the Study Instance UID it gave.
    private enum FirstLook {
        case read(Result<ScannedObject, any Error>, String?)
        case structuredReport(String?)
        case other(String?)
        /// A study `wantsStudy` refused.
        case elsewhere(String)
    }

    static func classify(_ file: DICOMFile) throws -> ScannedObject {
        let sopClass = file.string(.sopClassUID) ?? ""
        let modality = file.string(.modality) ?? ""
        switch sopClass {
        case SOPClass.ctImage, SOPClass.enhancedCTImage:
            return .ctImage(try CTImageHeader.headers(file: file).map { header in
                var located = header
                located.filePath = file.path
                return located
            })
        case _ where SOPClass.structuredReports.contains(sopClass):
            switch try file.structuredReport() {
            case .ctDoseReport(let report): return .doseReport(report, warnings: report.readingNotes)
            case .setAside(let reason): return .setAside(reason: reason)
            }
        case SOPClass.secondaryCapture where file.itemCount(.exposureDoseSequence) > 0:
            let report = try DoseReport(philipsDoseInfo: file)
            return .doseReport(report, warnings: report.readingNotes)
        case SOPClass.mediaStorageDirectory:
            return .setAside(reason: "DICOMDIR (media storage directory), not an image")
        case "":
            if file.string(.sopInstanceUID) == nil {
                return .setAside(reason: "DICOM dataset without SOP Class / Instance UID")
            }
            return .setAside(reason: "no SOP Class UID (modality \(modality.isEmpty ? "absent" : modality))")
        default:
            let what = modality.isEmpty ? "SOP class \(sopClass)" : "modality \(modality), SOP class \(sopClass)"
            return .setAside(reason: "not a CT image or CT dose report (\(what))")
        }
    }
}
