/// patient-dose.csv in brief: how many patients, how many scanned more than once, how many reach the
/// threshold within the window, and the first rows (the file lists the highest window sums first).
public struct CumulativeDoseOverview: Sendable, Equatable {
    /// Patients listed in full on the page.
    public static let defaultListLimit = 50

    public var patientCount = 0
    public var repeatPatientCount = 0
    public var atOrAboveThresholdCount = 0
    public var thresholdMillisieverts: Double?
    public var windowYears: Int?
    public var highest: [PatientDoseLine] = []

    public struct Tally {
        let listLimit: Int
        private(set) var overview = CumulativeDoseOverview()

        public init(listLimit: Int = CumulativeDoseOverview.defaultListLimit) { self.listLimit = listLimit }

        public mutating func add(_ line: PatientDoseLine) {
            overview.patientCount += 1
            if line.exams >= 2 { overview.repeatPatientCount += 1 }
            if line.atOrAboveThreshold { overview.atOrAboveThresholdCount += 1 }
            if overview.thresholdMillisieverts == nil { overview.thresholdMillisieverts = line.threshold }
            if overview.windowYears == nil { overview.windowYears = line.windowYears }
            if overview.highest.count < listLimit { overview.highest.append(line) }
        }
    }
}
