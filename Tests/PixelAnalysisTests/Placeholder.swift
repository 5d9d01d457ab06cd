import Testing
@testable import PixelAnalysis
