import Testing
@testable import ScanReport
