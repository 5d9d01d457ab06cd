import Testing
@testable import DoseValidation
