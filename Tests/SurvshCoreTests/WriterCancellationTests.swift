// WriterCancellationTests.swift — `save` stops on Ctrl-C while it encodes the rows, not only before
// it writes the file: every writer polls `Interrupt` every Cancellation.stride rows (CSV, Stata,
// SPSS) or once a block of rows (xlsx) and throws CancellationError, which `save` reports as
// `interrupted`; nothing is written (Session.writeData is never reached), so the user's old file
// stays whole. The interrupt is raised before the call here, as if Ctrl-C came during the first rows.

import Foundation
import SurvivalStats
import XCTest
@testable import SurvshCore

final class WriterCancellationTests: XCTestCase {
    override func tearDown() {
        Interrupt.clear()
        super.tearDown()
    }

    static let writers: [any TableWriter.Type] = [CSVWriter.self, StataWriter.self, SPSSWriter.self, SPSSCompressedWriter.self,
                                                  SPSSPortableWriter.self, XLSXWriter.self]

    func columns(rows: Int) -> [Column] {
        [Column(name: "n", storage: .integer((0..<rows).map { Int64($0) })),
         Column(name: "x", storage: .real((0..<rows).map { Double($0) / 3 }))]
    }

    func testEveryWriterStopsOnCtrlC() throws {
        let columns = columns(rows: 3 * Cancellation.stride)
        let rows = Array(0..<columns[0].count)
        for writer in Self.writers {
            Interrupt.raise()
            XCTAssertThrowsError(try writer.encode(columns, rows: rows), writer.formatName) {
                XCTAssertTrue($0 is CancellationError, "\(writer.formatName): \($0)")
            }
            Interrupt.clear()
            XCTAssertNoThrow(try writer.encode(columns, rows: rows), writer.formatName)
        }
    }
}
