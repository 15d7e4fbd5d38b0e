// XLSXCancellationTests.swift — Ctrl-C while an .xlsx load builds its columns (the end of the read, after
// the sheet's XML is scanned): every pass over a column's cells polls every Cancellation.stride cells, so
// a column of 10^6 text cells is not one stretch without a poll (bench/poll_gaps.sh found 0.2-0.24 s of
// CPU there), and a stop at any of those polls ends the build with CancellationError (the reader's
// `interrupted`) instead of a column.

import Foundation
import SurvivalStats
import XCTest
@testable import SurvshCore

final class XLSXCancellationTests: XCTestCase {
    /// Counts the polls; answers true from the `stopAt`-th on.
    final class Poll: @unchecked Sendable {
        let lock = NSLock()
        var count = 0
        let stopAt: Int
        init(stopAt: Int = .max) { self.stopAt = stopAt }
        func next() -> Bool { lock.withLock { count += 1; return count >= stopAt } }
    }

    /// A sheet of one header cell and `rows` distinct inline strings below it, scanned from its XML.
    func sheet(rows: Int) throws -> XLSXSheet {
        var xml = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>sid</t></is></c></row>"
        for r in 2...(rows + 1) { xml += "<row r=\"\(r)\"><c r=\"A\(r)\" t=\"inlineStr\"><is><t>p\(r)</t></is></c></row>" }
        xml += "</sheetData></worksheet>"
        let sheet = XLSXSheet(range: nil, styles: [], cancel: .never)
        let scanner = XMLChunkScanner(handler: sheet)
        try scanner.feed(Data(xml.utf8))
        try scanner.finish()
        return sheet
    }

    func build(rows: Int, poll: Poll) throws -> [Column] {
        var warnings: [String] = []
        let columns = XLSXColumns(sheet: try sheet(rows: rows), shared: [], date1904: false, naTokens: [],
                                  cancel: Cancellation { poll.next() })
        return try columns.build(region: XLSXRange(firstRow: 1, firstColumn: 1, lastRow: rows + 1, lastColumn: 1), warnings: &warnings)
    }

    func testBuildingATextColumnPollsInEveryPass() throws {
        let rows = 4 * Cancellation.stride
        let poll = Poll()
        let columns = try build(rows: rows, poll: poll)
        XCTAssertEqual(columns.first?.text(at: rows - 1), "p\(rows + 1)")
        // The cells resolved, their kinds counted, the levels made: a poll per stride cells in each
        // (before: one poll for the whole column).
        XCTAssertGreaterThanOrEqual(poll.count, 3 * rows / Cancellation.stride)
        for stopAt in 1...poll.count {
            let stopping = Poll(stopAt: stopAt)
            XCTAssertThrowsError(try build(rows: rows, poll: stopping), "stop at poll \(stopAt)") {
                XCTAssertTrue($0 is CancellationError, "stop at poll \(stopAt): \($0)")
            }
        }
    }
}
