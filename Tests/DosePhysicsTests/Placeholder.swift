import Testing
@testable import DosePhysics
