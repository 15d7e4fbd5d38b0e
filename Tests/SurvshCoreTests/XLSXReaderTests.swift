// XLSXReaderTests.swift — Excel workbooks through XLSXReader.
//
// Fixtures/xlsx/ holds workbooks written by R's openxlsx and hand-written XML zipped by R
// (write_fixtures.R, versions.txt): lung and the NET set must give exactly the columns the CSV gives
// (values, missing cells, text levels, dates); the date systems, sheet=, range=, merged headers,
// inline and rich-text strings, sparse rows, booleans, error cells; bad input is one error.

import XCTest
@testable import SurvshCore

final class XLSXReaderTests: XCTestCase {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/xlsx/\(name)").path
    }

    static func dataPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/\(name)").path
    }

    func read(_ name: String, sheet: String? = nil, range: String? = nil) throws -> TableReadResult {
        var options = ReadOptions()
        options.sheet = sheet
        options.range = range
        let path = Self.fixture(name)
        return try DataReaders.reader(for: path).read(path: path, options: options)
    }

    func column(_ r: TableReadResult, _ name: String) -> Column {
        r.columns.first { $0.name == name } ?? Column(name: name, storage: .real([]))
    }

    func texts(_ c: Column) -> [String?] { (0..<c.count).map { c.text(at: $0) } }

    /// Columns equal to the CSV's: names, types, values, missing masks, text levels in order.
    func assertMatchesCSV(_ file: String, csv: String, line: UInt = #line) throws {
        let expected = try CSVReader.read(path: Self.dataPath(csv))
        let got = try read(file)
        XCTAssertEqual(got.rowCount, expected.rowCount, file, line: line)
        XCTAssertEqual(got.columns.map(\.name), expected.columns.map(\.name), file, line: line)
        for (g, e) in zip(got.columns, expected.columns) {
            XCTAssertEqual(g.type, e.type, "\(file) \(g.name)", line: line)
            XCTAssertEqual(texts(g), texts(e), "\(file) \(g.name)", line: line)
            XCTAssertTrue(g == e, "\(file) column \(g.name) differs from the CSV's", line: line)
        }
    }

    func testLungAndNETLoadAsTheCSV() throws {
        try assertMatchesCSV("lung.xlsx", csv: "lung.csv")
        try assertMatchesCSV("net.xlsx", csv: "net_liver_mets.csv")
        let net = try read("net.xlsx")
        XCTAssertEqual(column(net, "resection_date").type, .date)
        XCTAssertEqual(net.formatDescription, "Excel .xlsx, sheet 'Sheet 1', cells A1:P\(net.rowCount + 1)")
    }

    func testDateSystems() throws {
        let expected = try CSVReader.read(path: Self.fixture("dates_expected.csv"))
        let days = texts(column(expected, "day"))
        let d1900 = try read("dates1900.xlsx")
        XCTAssertEqual(column(d1900, "day").type, .date)
        XCTAssertEqual(texts(column(d1900, "day")), days)
        let d1904 = try read("dates1904.xlsx")
        XCTAssertTrue(d1904.formatDescription.hasSuffix(", 1904 date system"), d1904.formatDescription)
        XCTAssertEqual(column(d1904, "day").type, .date)
        // The 1904 system cannot hold days before 1904-01-01: R wrote those cells empty.
        XCTAssertEqual(texts(column(d1904, "day")), days.map { $0.flatMap { $0 < "1904-01-01" ? nil : $0 } })
        XCTAssertEqual(texts(column(d1904, "day"))[4], "1970-01-01")
    }

    func testSerialNumbers() {
        // 1900 system: serial 1 = 1900-01-01, 59 = 1900-02-28, 60 = the phantom 1900-02-29, 61 = 1900-03-01.
        func iso(_ s: Double, _ b1904: Bool = false) -> String? {
            XLSXColumns.days(serial: s, date1904: b1904).map { formatISODate(daysSinceEpoch: Int($0.rounded(.down))) }
        }
        XCTAssertEqual(iso(1), "1900-01-01")
        XCTAssertEqual(iso(59), "1900-02-28")
        XCTAssertNil(iso(60))
        XCTAssertEqual(iso(61), "1900-03-01")
        XCTAssertEqual(iso(25_569), "1970-01-01")
        XCTAssertEqual(iso(0, true), "1904-01-01")
        XCTAssertEqual(iso(24_107, true), "1970-01-01")
    }

    func testNumberFormats() {
        XCTAssertEqual(XLSXNumberFormat.kind(ofBuiltIn: 14), .date)
        XCTAssertEqual(XLSXNumberFormat.kind(ofBuiltIn: 22), .datetime)
        XCTAssertEqual(XLSXNumberFormat.kind(ofBuiltIn: 21), .time)
        XCTAssertEqual(XLSXNumberFormat.kind(ofBuiltIn: 2), .number)
        let cases: [(String, XLSXNumberFormat.Kind)] = [
            ("yyyy-mm-dd", .date), ("d/m/yy", .date), ("[$-409]mmmm d, yyyy;@", .date), ("mmm-yy", .date),
            ("yyyy-mm-dd hh:mm:ss", .datetime), ("h:mm AM/PM", .time), ("[h]:mm:ss", .time), ("mm:ss", .time),
            ("General", .number), ("0.00E+00", .number), ("#,##0.00 \"days\"", .number), ("0.0%", .number),
            ("\"date\" 0", .number), ("[Red]0.00;[Blue]-0.00", .number),
        ]
        for (code, kind) in cases { XCTAssertEqual(XLSXNumberFormat.kind(ofCode: code), kind, code) }
    }

    func testSheetAndRange() throws {
        let all = try read("sheets.xlsx")
        XCTAssertEqual(all.rowCount, 5)
        XCTAssertEqual(all.columns.map(\.name), ["inst", "time", "status", "age", "sex", "ph.ecog", "ph.karno", "pat.karno", "meal.cal", "wt.loss"])
        XCTAssertTrue(all.warnings.contains { $0.contains("the workbook has 2 sheets ('first', 'second'); read the first") }, "\(all.warnings)")
        for sheet in ["second", "SECOND", "2"] {
            let r = try read("sheets.xlsx", sheet: sheet, range: "B3:D7")
            XCTAssertEqual(r.columns.map(\.name), ["arm", "months", "n"], sheet)
            XCTAssertEqual(r.columns.map(\.type), [.text, .real, .integer])
            XCTAssertEqual(texts(column(r, "months")), ["1.5", "2.0", "3.25", "4.0"])
            XCTAssertEqual(texts(column(r, "arm")), ["a", "b", "a", "b"])
            XCTAssertTrue(r.warnings.isEmpty, "\(r.warnings)")
        }
        // A range past the data keeps its columns (empty: V<k>) and drops the empty rows at its end.
        let wide = try read("sheets.xlsx", sheet: "second", range: "B3:E100")
        XCTAssertEqual(wide.rowCount, 4)
        XCTAssertEqual(wide.columns.map(\.name), ["arm", "months", "n", "V4"])
        // Without a range the whole used area: the title is the header of column A.
        let whole = try read("sheets.xlsx", sheet: "second")
        XCTAssertEqual(whole.formatDescription, "Excel .xlsx, sheet 'second', cells A1:F10")
        XCTAssertEqual(whole.columns.first?.name, "A title above the table")
    }

    func testMergedHeaderAndBooleans() throws {
        let r = try read("merged.xlsx")
        XCTAssertEqual(r.columns.map(\.name), ["id", "bp", "bp_2", "treated"])
        XCTAssertEqual(texts(column(r, "bp")), ["120", "130", nil])
        XCTAssertEqual(texts(column(r, "bp_2")), ["80", "85", "90"])
        XCTAssertEqual(column(r, "treated").type, .boolean)
        XCTAssertEqual(texts(column(r, "treated")), ["TRUE", "FALSE", nil])
    }

    func testInlineRichSparseAndErrors() throws {
        let r = try read("handmade.xlsx")
        XCTAssertEqual(r.columns.map(\.name), ["name", "score", "when", "clock", "flag"])
        XCTAssertEqual(r.rowCount, 4) // row 4 is absent from the sheet: a row of missing cells
        // Rich text runs joined, the phonetic guide left out; a formula's cached string; an omitted row.
        XCTAssertEqual(texts(column(r, "name")), ["rich text", "plain", nil, "formula"])
        // #N/A is missing; -2 sits in a cell without a reference, after the formula cell.
        XCTAssertEqual(texts(column(r, "score")), ["1.5", nil, nil, "-2.0"])
        XCTAssertTrue(r.warnings.contains("column 'score': 1 error cell (#N/A, #DIV/0!, ...) read as missing"), "\(r.warnings)")
        // 45000.5 with format 22 (m/d/yy h:mm) is 2023-03-15 12:00 UTC.
        let when = column(r, "when")
        XCTAssertEqual(when.type, .real)
        XCTAssertEqual(when.number(at: 0), Double(daysFromCivil(year: 2023, month: 3, day: 15)) * 86_400 + 43_200)
        XCTAssertEqual(texts(column(r, "clock")), ["64800.0", nil, nil, "43200.0"])
        XCTAssertEqual(texts(column(r, "flag")), ["TRUE", "FALSE", nil, nil])
        XCTAssertTrue(r.warnings.contains { $0.contains("'when' holds date-times") })
        XCTAssertTrue(r.warnings.contains { $0.contains("'clock' holds times of day") })
    }

    func testRangeSyntax() {
        XCTAssertEqual(XLSXRange.parse("A1:H200"), XLSXRange(firstRow: 1, firstColumn: 1, lastRow: 200, lastColumn: 8))
        XCTAssertEqual(XLSXRange.parse("$b$3:aa10"), XLSXRange(firstRow: 3, firstColumn: 2, lastRow: 10, lastColumn: 27))
        XCTAssertEqual(XLSXRange.parse("C4"), XLSXRange(firstRow: 4, firstColumn: 3, lastRow: 4, lastColumn: 3))
        for bad in ["", "A", "1:2", "A1:", "H200:A1", "A1-H200", "A0:B2", "XFE1:XFE2", "A1:B2:C3", "AAAA1:B2"] {
            XCTAssertNil(XLSXRange.parse(bad), bad)
        }
        XCTAssertEqual(XLSXCellReference.letters(28), "AB")
        XCTAssertEqual(XLSXCellReference.letters(16_384), "XFD")
    }

    func testBadWorkbooks() {
        let cases: [(String, String?, String)] = [
            ("nosheets.xlsx", nil, "the workbook has no sheets"),
            ("truncated.xlsx", nil, "cannot read it as an Excel .xlsx workbook: the zip archive is damaged or truncated (ZIPFoundation says: "),
            ("encrypted.xlsx", nil, "a password-protected (encrypted) Excel workbook"),
            ("old.xls", nil, "unsupported format: an old Excel .xls or other OLE document; save it as .xlsx or CSV (load reads "),
            ("sheets.xlsx", "third", "no sheet 'third'; the workbook's sheets are 'first', 'second' (sheet=NAME or sheet=1..2)"),
            ("sheets.xlsx", "3", "no sheet '3'"),
        ]
        for (name, sheet, message) in cases {
            var options = ReadOptions()
            options.sheet = sheet
            XCTAssertThrowsError(try DataReaders.read(path: Self.fixture(name), options: options), name) { e in
                XCTAssertTrue("\(e)".contains(message), "\(name): \(e)")
                XCTAssertFalse("\(e)".contains("\n"), "\(name): one line")
            }
        }
        XCTAssertThrowsError(try read("sheets.xlsx", range: "A1-B2")) { XCTAssertTrue("\($0)".contains("range=A1-B2 is not a cell range")) }
        XCTAssertThrowsError(try read("sheets.xlsx", range: "X100:Z200")) { XCTAssertTrue("\($0)".contains("no cells with values in range X100:Z200")) }
    }

    /// A sheet with values far apart spans more cells than memory holds: refused, with advice.
    func testHugeRegionIsRefused() throws {
        let used = XLSXRange(firstRow: 1, firstColumn: 1, lastRow: XLSXCellReference.maxRow, lastColumn: XLSXCellReference.maxColumn)
        XCTAssertThrowsError(try XLSXReader.tableRegion(used: used, range: nil, memoryLimit: 1 << 30, file: "f.xlsx")) { e in
            XCTAssertTrue("\(e)".contains("the cells A1:XFD1048576 (17179869184 of them) would need more than the memory available"), "\(e)")
        }
        let range = XLSXRange.parse("B2:C1000")!
        let clipped = try XLSXReader.tableRegion(used: XLSXRange(firstRow: 2, firstColumn: 2, lastRow: 50, lastColumn: 9), range: range,
                                                 memoryLimit: 1 << 30, file: "f.xlsx")
        XCTAssertEqual(clipped.text, "B2:C50")
    }

    /// A part that inflates past the memory limit is refused before it fills memory.
    func testPartBeyondTheMemoryLimitIsRefused() {
        XCTAssertThrowsError(try XLSXReader.read(path: Self.fixture("lung.xlsx"), options: ReadOptions(), memoryLimit: 4096)) { e in
            XCTAssertTrue("\(e)".contains("decompresses to more than the memory available"), "\(e)")
        }
    }
}
