import Testing
@testable import ArchiveScan
