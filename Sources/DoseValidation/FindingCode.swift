/// Every finding ctdose's validation can raise, declared once. The raw value is the stable code
/// written to findings.csv and exams.jsonl; never rename a case's raw value.
public enum FindingCode: String, Sendable, Codable, CaseIterable, Comparable {
    // RDSR totals and report consistency
    case rdsrTotalMismatch = "RDSR_TOTAL_MISMATCH"
    case eventWithoutDLP = "EVENT_WITHOUT_DLP"
    case reportsDisagreeOnEvent = "REPORTS_DISAGREE_ON_EVENT"
    case doseScreenTextMismatch = "DOSE_SCREEN_TEXT_MISMATCH"
    // Per-event DLP definition (DCM 113838)
    case eventDLPMismatch = "EVENT_DLP_MISMATCH"
    // RDSR event vs its image series
    case seriesCTDIvolMismatch = "SERIES_CTDIVOL_MISMATCH"
    case seriesKVPMismatch = "SERIES_KVP_MISMATCH"
    case seriesTubeCurrentMismatch = "SERIES_TUBE_CURRENT_MISMATCH"
    case seriesPitchMismatch = "SERIES_PITCH_MISMATCH"
    case seriesCollimationMismatch = "SERIES_COLLIMATION_MISMATCH"
    case seriesLongerThanScan = "SERIES_LONGER_THAN_SCAN"
    case scanLongerThanImages = "SCAN_LONGER_THAN_IMAGES"
    case seriesWithoutEvent = "SERIES_WITHOUT_EVENT"
    case eventWithoutImages = "EVENT_WITHOUT_IMAGES"
    case noImagesForDoseReport = "NO_IMAGES_FOR_DOSE_REPORT"
    case reportPatientMismatch = "REPORT_PATIENT_MISMATCH"
    case patientPossiblyPregnant = "PATIENT_POSSIBLY_PREGNANT"
    // CTDI phantom
    case headScanOnBodyPhantom = "HEAD_SCAN_ON_BODY_PHANTOM"
    case bodyScanOnHeadPhantom = "BODY_SCAN_ON_HEAD_PHANTOM"
    case mixedPhantomsSummed = "MIXED_PHANTOMS_SUMMED"
    case mixedPhantomsMinor = "MIXED_PHANTOMS_MINOR"
    // Scanner-written patient size vs ctdose's own
    case vendorDwMismatch = "VENDOR_DW_MISMATCH"
    case vendorSSDEMismatch = "VENDOR_SSDE_MISMATCH"
    // Patient centring measured from the pixels
    case patientOffCentre = "PATIENT_OFF_CENTRE"
    // Notification / alert values
    case ctdiVolAboveNotificationValue = "CTDIVOL_ABOVE_NOTIFICATION_VALUE"
    case dlpAboveNotificationValue = "DLP_ABOVE_NOTIFICATION_VALUE"
    case ctdiVolAboveAlertValue = "CTDIVOL_ABOVE_ALERT_VALUE"
    case accumulatedCTDIvolAboveAlertValue = "ACCUMULATED_CTDIVOL_ABOVE_ALERT_VALUE"
    case scannerDoseNotification = "SCANNER_DOSE_NOTIFICATION"
    case scannerDoseAlert = "SCANNER_DOSE_ALERT"

    public static func < (a: FindingCode, b: FindingCode) -> Bool { a.rawValue < b.rawValue }

    /// The severity a finding gets unless `ValidationSettings.severityOverrides` says otherwise.
    public var defaultSeverity: FindingSeverity {
        switch self {
        case .rdsrTotalMismatch, .ctdiVolAboveAlertValue, .accumulatedCTDIvolAboveAlertValue:
            return .error
        case .eventWithoutDLP, .eventWithoutImages, .noImagesForDoseReport, .mixedPhantomsMinor, .scannerDoseNotification, .scanLongerThanImages:
            return .info
        case .reportsDisagreeOnEvent, .doseScreenTextMismatch, .eventDLPMismatch, .seriesCTDIvolMismatch, .seriesKVPMismatch,
             .seriesTubeCurrentMismatch, .seriesPitchMismatch, .seriesCollimationMismatch, .seriesLongerThanScan,
             .seriesWithoutEvent, .headScanOnBodyPhantom, .bodyScanOnHeadPhantom, .mixedPhantomsSummed,
             .vendorDwMismatch, .vendorSSDEMismatch, .ctdiVolAboveNotificationValue, .dlpAboveNotificationValue,
             .scannerDoseAlert, .reportPatientMismatch, .patientOffCentre, .patientPossiblyPregnant:
            return .warning
        }
    }

    /// One sentence saying what the finding means (used for documentation and the catalog).
    public var meaning: String {
        switch self {
        case .rdsrTotalMismatch:
            return "A dose report's CT Dose Length Product Total (113813) differs from the sum of its own events' DLP (113838)."
        case .eventWithoutDLP:
            return "An irradiation event has no DLP (e.g. GE localizers without a CT Dose container); it adds nothing to the sums."
        case .reportsDisagreeOnEvent:
            return "Two dose reports of the study (cumulative or continued) give different DLP or CTDIvol for the same Irradiation Event UID; the first is kept."
        case .doseScreenTextMismatch:
            return "A dose screen's summary text (Philips Comments on Radiation Dose) gives a CTDIvol or DLP that is not the rounding of the value in its Exposure Dose Sequence."
        case .eventDLPMismatch:
            return "An event's DLP differs from its DCM 113838 definition (spiral: CTDIvol x scanning length; sequenced: CTDIvol x total collimation x exposure time / time per rotation; stationary/free: CTDIvol x total collimation)."
        case .seriesCTDIvolMismatch:
            return "The mean CTDIvol (0018,9345) of an image series differs from the Mean CTDIvol (113830) of its event."
        case .seriesKVPMismatch:
            return "The kVp in an image series' headers matches no X-ray source kVp of its event."
        case .seriesTubeCurrentMismatch:
            return "The tube current range in an image series' headers is incompatible with its event's mean / maximum tube current."
        case .seriesPitchMismatch:
            return "The Spiral Pitch Factor (0018,9311) of an image series differs from its event's Pitch Factor (113828)."
        case .seriesCollimationMismatch:
            return "The Total Collimation Width (0018,9307) of an image series differs from its event's Nominal Total Collimation Width (113827)."
        case .seriesLongerThanScan:
            return "The images of a series cover more table length than the event's Scanning Length (113825): images cannot extend beyond the irradiated range."
        case .scanLongerThanImages:
            return "A spiral event's Scanning Length (113825) exceeds the table length its linked image series cover together by more than the over-ranging allowed: a length irradiated with no image reconstructed (or a reconstruction the archive lacks)."
        case .seriesWithoutEvent:
            return "An original image series of an exam with a dose report is linked to no irradiation event: its dose may be missing from the totals."
        case .eventWithoutImages:
            return "A diagnostic (not localizer, not monitoring) event has no image series in the archive (archives often drop images)."
        case .noImagesForDoseReport:
            return "The exam has dose-report events but no CT images at all, so no event-vs-image check was possible."
        case .reportPatientMismatch:
            return "A dose report names another patient (Patient ID, birth date or sex) than the study's images, or in a study without images than its first report: a misfiled report would put its dose on the wrong patient."
        case .patientPossiblyPregnant:
            return "Pregnancy Status (0010,21C0) says the patient is possibly or definitely pregnant: the exam's events are listed with their CTDIvol, for the conceptus dose assessment that a scan with the uterus in or near the beam calls for."
        case .headScanOnBodyPhantom:
            return "A head event (target region / protocol matches a head keyword) reports CTDIvol against the 32 cm body phantom."
        case .bodyScanOnHeadPhantom:
            return "A body event (target region / protocol matches a body keyword) reports CTDIvol against the 16 cm head phantom (some paediatric protocols do this deliberately)."
        case .mixedPhantomsSummed:
            return "Events of one exam refer to different CTDI phantoms and their DLP is summed without conversion; the minority phantom carries a material share of the DLP."
        case .mixedPhantomsMinor:
            return "Events of one exam refer to different CTDI phantoms, but the minority phantom carries only a small share of the DLP."
        case .vendorDwMismatch:
            return "The water-equivalent diameter the scanner wrote (RDSR 113980 or header (0018,1271)) differs from ctdose's pixel-based Dw."
        case .vendorSSDEMismatch:
            return "The SSDE the scanner wrote (RDSR 113930) differs from ctdose's SSDE."
        case .patientOffCentre:
            return "The patient's centre lay above or below the isocentre by more than the limit, on average over the series' slices whose outline is whole: behind the bowtie filter the surface dose and the image noise change, and tube-current modulation reads a magnified or shrunken localizer."
        case .ctdiVolAboveNotificationValue:
            return "An event's CTDIvol exceeds the notification value configured for its examination category (defaults after AAPM 2011 / NEMA XR 25)."
        case .dlpAboveNotificationValue:
            return "An event's DLP exceeds the DLP notification value configured for its examination category (no default)."
        case .ctdiVolAboveAlertValue:
            return "An event's CTDIvol exceeds the CTDIvol alert value (default after AAPM 2011)."
        case .accumulatedCTDIvolAboveAlertValue:
            return "Where the images of two or more events of one exam cover the same table position (same CTDI phantom), their CTDIvol added there exceeds the CTDIvol alert value: the accumulated CTDIvol that NEMA XR 25's alert is about (repeated perfusion or repeated scans of one region)."
        case .scannerDoseNotification:
            return "The scanner's NEMA XR 25 Dose Check recorded a notification (forward estimate above the notification value, or a reason for proceeding)."
        case .scannerDoseAlert:
            return "The scanner's NEMA XR 25 Dose Check recorded an alert (accumulated forward estimate above the alert value)."
        }
    }
}
