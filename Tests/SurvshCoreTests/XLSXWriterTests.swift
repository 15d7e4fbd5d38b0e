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

    /// The sheet part is made in blocks of rows, twice (counted, then streamed into the deflater): a
    /// sheet of several blocks reads back row for row, with text added to the shared strings while
    /// writing (dates before 1900) and missing cells.
    func testSheetOfManyBlocksRoundTrips() throws {
        let n = XLSXWriter.SheetXML.blockRows * 2 + 123
        var missing = MissingMask(count: n)
        for i in stride(from: 0, to: n, by: 7) { missing[i] = true }
        let early = (0..<n).map { Int32(daysFromCivil(year: 1800, month: 1, day: 1) + $0 % 5000) }
        let columns = [
            Column(name: "i", storage: .integer((0..<n).map { Int64($0) * 1_000_003 - 5_000_000 })),
            Column(name: "x", storage: .real((0..<n).map { Double($0) / 3 - 100 }), missing: missing),
            Column(name: "old", storage: .date(early)),
            Column(name: "g", storage: .text(codes: (0..<n).map { UInt32($0 % 3) }, levels: ["a", "b", "c"]), missing: missing),
        ]
        let (back, warnings) = try roundTrip(columns)
        XCTAssertEqual(warnings, ["\(n) dates before 1900-01-01 written as text: Excel's dates start there"])
        XCTAssertEqual(back.rowCount, n)
        XCTAssertTrue(back.columns[0] == columns[0])
        XCTAssertEqual(back.columns[1].type, .real)
        XCTAssertEqual((0..<n).map { back.columns[1].number(at: $0) }, (0..<n).map { columns[1].number(at: $0) })
        XCTAssertEqual((0..<n).map { back.columns[2].text(at: $0) }, early.map { formatISODate(daysSinceEpoch: Int($0)) })
        XCTAssertEqual((0..<n).map { back.columns[3].text(at: $0) }, (0..<n).map { columns[3].text(at: $0) })
    }

    /// A streamed zip entry must be as long as announced (else the entry would be corrupt); Ctrl-C
    /// stops the encoding between blocks.
    func testStreamedPartSizeAndInterrupt() throws {
        func part(size: Int) -> [(String, XLSXWriter.ZipPart)] {
            var pieces = 2
            return [("p", .stream(size: size) { out in
                pieces -= 1
                if pieces < 0 { return false }
                out += [UInt8](repeating: 65, count: 3)
                return true
            })]
        }
        XCTAssertNoThrow(try XLSXWriter.zipArchive(part(size: 6)))
        for size in [5, 7] {
            XCTAssertThrowsError(try XLSXWriter.zipArchive(part(size: size))) {
                XCTAssertEqual("\($0)", "the p part changed size while being written (an internal error)")
            }
        }
        Interrupt.raise()
        defer { Interrupt.clear() }
        XCTAssertThrowsError(try XLSXWriter.encode([Column(name: "n", storage: .integer([1]))], rows: [0])) {
            XCTAssertTrue($0 is CancellationError, "\($0)")
        }
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

    /// survsh's workbooks of lung and NET (Fixtures/xlsx/survsh: write.surv wrote them) as R's
    /// openxlsx read them (read_back.R -> read_back.json): the CSV's names, rows and values; numbers
    /// as numeric, text as character, dates as Date (read.xlsx's detectDates), missing as NA.
    func testROpenxlsxReadsSurvshWorkbooksBack() throws {
        let folder = URL(fileURLWithPath: XLSXReaderTests.fixture("survsh"))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("read_back.json"))) as? [String: Any])
        XCTAssertEqual(root["openxlsx_version"] as? String, "4.2.5.2")
        let files = try XCTUnwrap(root["files"] as? [[String: Any]])
        XCTAssertEqual(files.map { $0["file"] as? String }, ["lung.xlsx", "net.xlsx"])
        for (file, csv) in zip(files, ["lung.csv", "net_liver_mets.csv"]) {
            let expected = try CSVReader.read(path: XLSXReaderTests.dataPath(csv))
            XCTAssertEqual(file["rows"] as? Int, expected.rowCount, csv)
            let columns = try XCTUnwrap(file["columns"] as? [[String: Any]])
            XCTAssertEqual(columns.map { $0["name"] as? String }, expected.columns.map(\.name), csv)
            for (r, e) in zip(columns, expected.columns) {
                let rClass: [ColumnType: String] = [.integer: "numeric", .real: "numeric", .text: "character", .date: "Date"]
                XCTAssertEqual(r["class"] as? String, rClass[e.type], "\(csv) \(e.name)")
                let values = try XCTUnwrap(r["values"] as? [Any], "\(csv) \(e.name)")
                XCTAssertEqual(values.count, e.count, "\(csv) \(e.name)")
                for (i, v) in values.enumerated() {
                    switch v {
                    case let x as NSNumber: XCTAssertEqual(x.doubleValue, e.number(at: i), "\(csv) \(e.name) row \(i + 1)")
                    case let t as String: XCTAssertEqual(t, e.text(at: i), "\(csv) \(e.name) row \(i + 1)")
                    default: XCTAssertNil(e.text(at: i), "\(csv) \(e.name) row \(i + 1): NA")
                    }
                }
            }
            // The committed workbook loads back to the CSV's frame.
            let back = try DataReaders.read(path: folder.appendingPathComponent(file["file"] as? String ?? "").path, options: ReadOptions())
            for (a, b) in zip(back.columns, expected.columns) { XCTAssertTrue(a == b, "\(csv) \(a.name)") }
        }
    }
}
