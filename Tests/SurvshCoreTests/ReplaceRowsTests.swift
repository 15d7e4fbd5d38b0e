// ReplaceRowsTests.swift — Session.replaceRows(_:parents:outcome:summarize:), the data change of
// split, tvc and landmark: the summary of the new rows runs with Ctrl-C live, and when it throws the
// session is as it was (rows, filters, outcome, results); when it returns, the new rows stay.
import XCTest
@testable import SurvshCore

final class ReplaceRowsTests: XCTestCase {
    /// A session of 4 rows (t, e), a filter keeping 3 of them, an outcome and a result.
    func session() throws -> Session {
        let t = try CSVReader.read(bytes: Array("t,e\n1,1\n2,0\n3,1\n4,1\n".utf8))
        let s = Session(registry: Registry([]), sink: CapturingSink())
        s.replaceData(DataFrame(columns: t.columns), file: nil)
        s.pushFilter(RowFilter(expression: "t > 1", keep: [false, true, true, true]))
        s.outcome = OutcomeDeclaration(start: nil, time: "t", event: "e")
        s.results["fit"] = 1
        return s
    }

    /// The rows of `s` doubled (each row twice), as a split makes them.
    func doubled(_ s: Session) throws -> (frame: DataFrame, parents: [Int]) {
        let parents = [0, 0, 1, 1, 2, 2, 3, 3]
        return (DataFrame(columns: try s.frame.columns.map { try $0.gathering(parents) }), parents)
    }

    func testAThrowingSummaryPutsTheOldRowsBack() throws {
        let s = try session()
        let (frame, parents) = try doubled(s)
        let newOutcome = OutcomeDeclaration(start: nil, time: "e", event: "t")
        XCTAssertThrowsError(try s.replaceRows(frame, parents: parents, outcome: newOutcome) { () throws -> Int in
            XCTAssertEqual(s.frame.rowCount, 8, "the summary sees the new rows")
            XCTAssertEqual(s.activeRows, [2, 3, 4, 5, 6, 7])
            throw CancellationError()   // Ctrl-C during the summary
        }) { XCTAssertTrue($0 is CancellationError) }
        XCTAssertEqual(s.frame.rowCount, 4)
        XCTAssertEqual(s.frame.column("t")?.number(at: 3), 4)
        XCTAssertEqual(s.filters.map(\.keep), [[false, true, true, true]])
        XCTAssertEqual(s.activeRows, [1, 2, 3])
        XCTAssertEqual(s.outcome, OutcomeDeclaration(start: nil, time: "t", event: "e"))
        XCTAssertEqual(s.results["fit"] as? Int, 1)
    }

    func testAReturningSummaryKeepsTheNewRows() throws {
        let s = try session()
        let (frame, parents) = try doubled(s)
        let newOutcome = OutcomeDeclaration(start: nil, time: "e", event: "t")
        let active = try s.replaceRows(frame, parents: parents, outcome: newOutcome) { s.activeRows.count }
        XCTAssertEqual(active, 6)
        XCTAssertEqual(s.frame.rowCount, 8)
        XCTAssertEqual(s.filters.map(\.keep), [[false, false, true, true, true, true, true, true]])
        XCTAssertEqual(s.outcome, newOutcome)
        XCTAssertNil(s.results["fit"], "results of the old rows are gone")
    }
}
