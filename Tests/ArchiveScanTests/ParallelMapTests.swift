@testable import ArchiveScan
import Foundation
import Testing

struct ParallelMapTests {
    struct Odd: Error, Equatable { let value: Int }

    @Test(arguments: [1, 2, 3, 8])
    func keepsTheOrderOfTheItems(lanes: Int) throws {
        let items = Array(0..<1000)
        #expect(try ParallelMap.ordered(items, lanes: lanes) { $0 * $0 } == items.map { $0 * $0 })
    }

    @Test(.enabled(if: ProcessInfo.processInfo.activeProcessorCount > 1, "needs 2 cores: GCD runs one lane per core"))
    func runsTheLanesAtTheSameTime() throws {
        // Each item announces itself and waits for the other one: on one thread the first would time out.
        // The wait is long because, with the whole suite running, GCD may take seconds to start a lane.
        let arrived = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let metTheOther = try ParallelMap.ordered([0, 1], lanes: 2) { item -> Bool in
            arrived[item].signal()
            return arrived[1 - item].wait(timeout: .now() + 120) == .success
        }
        #expect(metTheOther == [true, true])
    }

    @Test func throwsTheFirstErrorInItemOrder() {
        #expect(throws: Odd(value: 3)) {
            try ParallelMap.ordered(Array(0..<100), lanes: 4) { value -> Int in
                if value % 2 == 1, value > 2 { throw Odd(value: value) }
                return value
            }
        }
    }

    @Test func handlesNoItemsAndMoreLanesThanItems() throws {
        #expect(try ParallelMap.ordered([Int](), lanes: 4) { $0 }.isEmpty)
        #expect(try ParallelMap.ordered([7], lanes: 4) { $0 + 1 } == [8])
    }
}
