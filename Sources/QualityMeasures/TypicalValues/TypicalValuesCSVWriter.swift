import CSVFormat
import Foundation

/// typical-values.csv: one row per `TypicalValueRow`.
public enum TypicalValuesCSVWriter {
    public static let columns = [
        "period", "category", "categoryName", "ageGroup", "sizeBand", "phantom", "scanner", "exams", "enoughExams",
        "ctdiVolEvents", "ctdiVolMedian_mGy", "ctdiVol75th_mGy", "dlpExams", "dlpMedian_mGycm", "dlp75th_mGycm",
        "ssdeMedian_mGy", "dwMedian_cm", "standardWeightExams", "standardWeightCtdiVolMedian_mGy", "standardWeightDlpMedian_mGycm",
        "scannersWithEnoughExams", "scannerMediansCtdiVol75th_mGy", "scannerMediansDlp75th_mGycm",
        "drlCtdiVol_mGy", "ctdiVolMedianOverDrl", "drlDlp_mGycm", "dlpMedianOverDrl", "comparison", "drlSource",
        "effectiveDoseMedian_mSv", "effectiveDose75th_mSv",
    ]

    public static func record(_ row: TypicalValueRow) -> String {
        let number = { (value: Double?) in MeasureCSVWriter.number(value) }
        let ratio = { (value: Double?) in MeasureCSVWriter.number(value, places: 3) }
        return CSVText.record([
            row.key.period.description, row.key.category, row.categoryName, row.key.ageGroup.rawValue, row.key.sizeBand, row.key.phantom,
            row.key.scanner, String(row.exams), row.hasEnoughExams ? "yes" : "no",
            String(row.ctdiVol?.count ?? 0), number(row.ctdiVol?.median), number(row.ctdiVol?.upperQuartile),
            String(row.dlp?.count ?? 0), number(row.dlp?.median), number(row.dlp?.upperQuartile),
            number(row.ssde?.median), number(row.waterEquivalentDiameter?.median), String(row.standardWeightExams),
            number(row.standardWeightCtdiVol?.median), number(row.standardWeightDLP?.median), row.scannersWithEnoughExams.map(String.init),
            number(row.scannerMediansCtdiVol75th), number(row.scannerMediansDLP75th),
            MeasureCSVWriter.threshold(row.referenceLevel?.ctdiVolMilligray), ratio(row.ctdiVolRatio),
            MeasureCSVWriter.threshold(row.referenceLevel?.dlpMilligrayCentimeters), ratio(row.dlpRatio),
            row.comparison?.rawValue, row.referenceLevel?.source, number(row.effectiveDose?.median), number(row.effectiveDose?.upperQuartile),
        ])
    }

    public static func csv(_ rows: [TypicalValueRow]) -> String {
        ([CSVText.record(columns)] + rows.map(record)).map { $0 + "\n" }.joined()
    }
}
