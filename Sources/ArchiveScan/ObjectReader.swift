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
        do {
            // First only a classic image's modules: most files of an archive are classic CT images, and
            // that is all ctdose reads of them. Every other file is read again up to Pixel Data: dose
            // reports, dose screens and enhanced CT need the rest, and the rest is where a damaged file
            // that is set aside shows its damage. A structured report is first read up to its content
            // tree only, which is enough to set aside projection X-ray and radiopharmaceutical reports
            // (a fluoroscopy report's content can be megabytes).
            let firstLook = try DICOMFile.read(path, extent: .imageModules) { file -> FirstLook in
                let sopClass = file.string(.sopClassUID) ?? ""
                if sopClass == SOPClass.ctImage { return .read(try classify(file)) }
                return SOPClass.structuredReports.contains(sopClass) ? .structuredReport : .other
            }
            switch firstLook {
            case .read(let object): return object
            case .structuredReport:
                if let reason = try DICOMFile.read(path, extent: .documentHeader, { $0.structuredReportSetAsideReason() }) {
                    return .setAside(reason: reason)
                }
            case .other: break
            }
            return try DICOMFile.read(path, extent: .attributes) { file in try classify(file) }
        } catch let error as DICOMError {
            if case .notDICOM = error { return .setAside(reason: error.description) }  // README, .txt, …
            return .failed(reason: error.description)
        } catch {
            return .failed(reason: "\(error)")
        }
    }

    /// What the first, shortest read of a file showed.
    private enum FirstLook {
        case read(ScannedObject)
        case structuredReport
        case other
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
