// ActiveRowsTests.swift — the rows every filter keeps (Session.rowsKept, behind activeRows) against
// the definition, a row kept when every filter's mask is true, on random masks.

import XCTest
@testable import SurvshCore

final class ActiveRowsTests: XCTestCase {
    func testRowsKeptEqualsEveryFilterKeepingTheRow() {
        var state: UInt64 = 5
        func bit(_ percent: Int) -> Bool {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33) % 100 < percent
        }
        for n in [0, 1, 2, 7, 8, 9, 64, 1000, 4097] {
            for filters in 1...3 {
                for percent in [0, 3, 50, 97, 100] {
                    // masks may be longer than the frame (rows the frame no longer has are never kept)
                    let masks = (0..<filters).map { f in (0..<(n + f)).map { _ in bit(percent) } }
                    let want = (0..<n).filter { r in masks.allSatisfy { $0[r] } }
                    XCTAssertEqual(Session.rowsKept(by: masks, count: n), want, "n \(n), \(filters) filters, \(percent)%")
                }
            }
        }
    }

    func testActiveRowsFollowTheFilters() throws {
        let s = Session(registry: Registry([]), sink: CapturingSink())
        s.replaceData(DataFrame(columns: [Column(name: "x", storage: .real((0..<10).map(Double.init)))]), file: nil)
        XCTAssertEqual(s.activeRows, Array(0..<10))
        s.pushFilter(RowFilter(expression: "x > 2", keep: (0..<10).map { $0 > 2 }))
        s.pushFilter(RowFilter(expression: "x < 8", keep: (0..<10).map { $0 < 8 }))
        XCTAssertEqual(s.activeRows, [3, 4, 5, 6, 7])
        s.removeFilter(at: 0)
        XCTAssertEqual(s.activeRows, Array(0..<8))
    }
}
