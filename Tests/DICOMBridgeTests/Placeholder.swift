import Testing
@testable import DICOMBridge
