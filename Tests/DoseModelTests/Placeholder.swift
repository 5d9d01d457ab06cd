import Testing
@testable import DoseModel
