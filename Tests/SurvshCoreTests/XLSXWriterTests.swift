// XLSXWriterTests.swift — XLSXWriter's workbooks read back by XLSXReader: the CSV data sets round
// trip to identical columns; the cells Excel cannot hold as such (Inf, dates before 1900, control
// characters) are written otherwise with a note; serial numbers count Excel's 1900-02-29.

import XCTest
@testable import SurvshCore

final class XLSXWriterTests: XCTestCase {
    /// Writes `columns` (all rows) to a temporary .xlsx and reads it back.
    func roundTrip(_ columns: [Column]) throws -> (TableReadResult, [String]) {
        let rows = Array(0..<(columns.first?.count ?? 0))
        let output = try XLSXWriter.encode(columns, rows: rows)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xlsxw-\(UUID().uuidString).xlsx").path
        try output.data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return (try DataReaders.read(path: path, options: ReadOptions()), output.warnings)
    }

    func testCSVDataSetsRoundTripExactly() throws {
        for name in ["lung", "net_liver_mets", "veteran", "ovarian", "aml", "heart"] {
            let csv = try CSVReader.read(path: XLSXReaderTests.dataPath("\(name).csv"))
            let (back, warnings) = try roundTrip(csv.columns)
            XCTAssertEqual(warnings, [], name)
            XCTAssertEqual(back.rowCount, csv.rowCount, name)
            XCTAssertEqual(back.columns.map(\.name), csv.columns.map(\.name), name)
            for (a, b) in zip(back.columns, csv.columns) {
                XCTAssertTrue(a == b, "\(name).\(a.name): \(a.type) vs \(b.type)")
            }
        }
    }

    func testEveryCellKind() throws {
        var missing = MissingMask(count: 4)
        missing[2] = true
        let days = [daysFromCivil(year: 1900, month: 1, day: 1), daysFromCivil(year: 1900, month: 2, day: 28),
                    daysFromCivil(year: 1900, month: 3, day: 1), daysFromCivil(year: 2026, month: 12, day: 6)]
        let columns = [
            Column(name: "n", storage: .integer([1, -2, 0, 40_000_000_000])),
            Column(name: "x", storage: .real([0.1, 1e-300, 0, -2.5e10]), missing: missing),
            Column(name: "flag", storage: .boolean([true, false, false, true]), missing: missing),
            Column(name: "when", storage: .date(days.map { Int32($0) })),
            Column(name: "a & <b>", storage: .text(codes: [0, 1, 0, 2], levels: [" lead", "x<y & z>\"w\"", "é 日本"]), missing: missing),
        ]
        let (back, warnings) = try roundTrip(columns)
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(back.columns.map(\.name), columns.map(\.name))
        for (a, b) in zip(back.columns, columns) { XCTAssertTrue(a == b, "\(a.name): \(a) vs \(b)") }
    }

    func testWhatExcelCannotHold() throws {
        let columns = [
            Column(name: "x", storage: .real([1.5, .infinity, -.infinity])),
            Column(name: "d", storage: .date([Int32(daysFromCivil(year: 1899, month: 12, day: 31)), 0, 1])),
            Column(name: "t", storage: .text(codes: [0, 0, 0], levels: ["a\u{1}b"])),
        ]
        let (back, warnings) = try roundTrip(columns)
        XCTAssertEqual(warnings, ["2 infinite values (Inf, -Inf) written as empty cells: Excel has no infinity",
                                  "1 date before 1900-01-01 written as text: Excel's dates start there"])
        XCTAssertEqual((0..<3).map { back.columns[0].number(at: $0) }, [1.5, nil, nil])
        XCTAssertEqual((0..<3).map { back.columns[1].text(at: $0) }, ["1899-12-31", "1970-01-01", "1970-01-02"])
        XCTAssertEqual(back.columns[2].text(at: 0), "a\u{FFFD}b")
    }

    func testSerials() {
        XCTAssertEqual(XLSXWriter.serial(days: daysFromCivil(year: 1900, month: 1, day: 1)), 1)
        XCTAssertEqual(XLSXWriter.serial(days: daysFromCivil(year: 1900, month: 2, day: 28)), 59)
        XCTAssertEqual(XLSXWriter.serial(days: daysFromCivil(year: 1900, month: 3, day: 1)), 61)
        XCTAssertEqual(XLSXWriter.serial(days: 0), 25_569)
        XCTAssertNil(XLSXWriter.serial(days: daysFromCivil(year: 1899, month: 12, day: 31)))
    }

    func testTooManyColumnsIsRefused() {
        let columns = (0...XLSXCellReference.maxColumn).map { Column(name: "c\($0)", storage: .integer([])) }
        XCTAssertThrowsError(try XLSXWriter.encode(columns, rows: [])) {
            XCTAssertTrue("\($0)".contains("an Excel sheet holds at most 16384 columns; these are 16385"), "\($0)")
        }
    }
}
