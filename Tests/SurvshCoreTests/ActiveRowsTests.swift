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

    /// The data version moves on exactly when the active rows change: a filter keeping every row keeps
    /// it (and the set stays `.all`, no array of every row), a filter keeping other rows of the same
    /// count moves it (rows are compared, not counts), a frame change moves it.
    func testDataVersionMovesOnOnlyWhenTheActiveRowsChange() throws {
        let s = Session(registry: Registry([]), sink: CapturingSink())
        s.replaceData(DataFrame(columns: [Column(name: "x", storage: .real((0..<10).map(Double.init)))]), file: nil)
        var version = s.dataVersion
        func expect(moved: Bool, _ what: String, line: UInt = #line) {
            if moved { XCTAssertNotEqual(s.dataVersion, version, what, line: line) } else { XCTAssertEqual(s.dataVersion, version, what, line: line) }
            version = s.dataVersion
        }
        guard case .all(10) = s.settledActiveRows else { return XCTFail("no filter: every row, without an array") }
        s.pushFilter(RowFilter(expression: "x > -1", keep: [Bool](repeating: true, count: 10)))
        expect(moved: false, "a filter keeping every row")
        guard case .all(10) = s.settledActiveRows else { return XCTFail("a filter keeping every row: still no array") }
        XCTAssertEqual(s.activeRows, Array(0..<10))
        XCTAssertEqual(s.activeRowCount, 10)
        s.pushFilter(RowFilter(expression: "x > 2", keep: (0..<10).map { $0 > 2 }))
        expect(moved: true, "x > 2 drops rows")
        XCTAssertEqual(s.activeRowCount, 7)
        s.pushFilter(RowFilter(expression: "x > 1", keep: (0..<10).map { $0 > 1 }))
        expect(moved: false, "x > 1 keeps the rows x > 2 keeps")
        s.clearFilters()
        s.pushFilter(RowFilter(expression: "x < 7", keep: (0..<10).map { $0 < 7 }))
        expect(moved: true, "x < 7 keeps as many rows as x > 2, other ones")
        XCTAssertEqual(s.activeRows, Array(0..<7))
        s.clearFilters()
        expect(moved: true, "unfilter: every row again")
        s.clearFilters()
        expect(moved: false, "unfilter again")
        s.replaceData(DataFrame(columns: [Column(name: "x", storage: .real((0..<10).map(Double.init)))]), file: nil)
        expect(moved: true, "new data")
    }
}
