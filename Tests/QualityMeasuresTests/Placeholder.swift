import Testing
@testable import QualityMeasures
