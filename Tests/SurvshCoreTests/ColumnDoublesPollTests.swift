// ColumnDoublesPollTests.swift — `Column.doubles(rows:cancel:)`, the polled gather CompleteCases
// reads the survival outcome with (2*10^7 split episodes: 0.1-0.2 s of CPU a gather between two
// polls before): the same Doubles as `doubles(rows:)` for every storage, a poll every stride
// cells, and CancellationError at any of them.
import SurvivalStats
import TestSupport
import XCTest
@testable import SurvshCore

final class ColumnDoublesPollTests: XCTestCase {
    func testPolledGatherReadsAsTheUnpolledOneAndStopsAtAnyPoll() throws {
        let n = 3 * Cancellation.stride + 5
        let rows = (0..<n).map { ($0 * 7919) % n }
        let columns = [Column(name: "r", storage: .real((0..<n).map { Double($0) / 3 }), missing: MissingMask(count: n)),
                       Column(name: "i", storage: .integer((0..<n).map { Int64($0) - 9 }), missing: MissingMask(count: n)),
                       Column(name: "b", storage: .boolean((0..<n).map { $0 % 3 == 0 }), missing: MissingMask(count: n))]
        for c in columns {
            for selection in [rows, nil] {
                let counter = PollCounter(firesAt: nil)
                XCTAssertEqual(try c.doubles(rows: selection, cancel: counter.cancellation), c.doubles(rows: selection), c.name)
                if case .real = c.storage, selection == nil { continue }   // (the column's own array: no pass)
                XCTAssertEqual(counter.count, 4, "\(c.name): a poll before each block of \(Cancellation.stride) cells")
                XCTAssertThrowsError(try c.doubles(rows: selection, cancel: PollCounter(firesAt: 3).cancellation)) {
                    XCTAssertTrue($0 is CancellationError)
                }
            }
        }
    }
}
