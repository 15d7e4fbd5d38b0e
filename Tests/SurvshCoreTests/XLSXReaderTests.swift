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
        let path = name.hasPrefix("/") ? name : Self.fixture(name)
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
            ("yyyy-mm-dd hh:mm:ss", .datetime), ("h:mm AM/PM", .time), ("[h]:mm:ss", .elapsed), ("mm:ss", .time),
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
        XCTAssertTrue(r.warnings.contains { $0.contains("'clock' holds times: read as seconds") })
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

    /// A small part that inflates past the memory limit is refused before it fills memory; the sheet,
    /// streamed, is refused once its cells pass half the limit.
    func testPartBeyondTheMemoryLimitIsRefused() {
        XCTAssertThrowsError(try XLSXReader.read(path: Self.fixture("lung.xlsx"), options: ReadOptions(), memoryLimit: 512)) { e in
            XCTAssertTrue("\(e)".contains("decompresses to more than the memory available"), "\(e)")
        }
        XCTAssertThrowsError(try XLSXReader.read(path: Self.fixture("lung.xlsx"), options: ReadOptions(), memoryLimit: 4096)) { e in
            XCTAssertTrue("\(e)".contains("xlsx: the cells of xl/worksheets/sheet1.xml need more than the memory available"), "\(e)")
        }
    }

    /// A workbook written around the sheet XML `sheet` (and the shared strings `shared`) by
    /// XLSXWriter's parts; returns its path (removed by the caller).
    static func workbook(sheet: String, shared: String = "<sst/>", compressed: Bool = true) throws -> String {
        let parts = XLSXWriter.workbookParts(sheet: Data(sheet.utf8), shared: Data(shared.utf8))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xlsxr-\(UUID().uuidString).xlsx").path
        try XLSXWriter.zipArchive(parts, compressed: compressed).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// What writers other than openxlsx produce: prefixed element names (the .NET Open XML SDK's
    /// `x:`), rich inline strings with entities and character references, CDATA, blanks around
    /// numbers, a date style, an empty cell; stored (not deflated) as well as deflated.
    func testPrefixedNamesEntitiesAndInlineStrings() throws {
        let ns = "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
        let sheet = """
            <?xml version="1.0" encoding="utf-8"?>\r
            <x:worksheet \(ns)><x:sheetData>\r
            <x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>name &amp; title</x:t></x:is></x:c>\
            <x:c r="B1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>when</x:t></x:is></x:c></x:row>
            <x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:r><x:t xml:space="preserve">a &lt;b&gt; </x:t></x:r>\
            <x:r><x:t>&#233;t&#xE9;</x:t></x:r><x:rPh sb="0" eb="1"><x:t>PH</x:t></x:rPh></x:is></x:c>\
            <x:c r="B2"><x:v> 1.25E2 </x:v></x:c><x:c r="C2" s="1"><x:v>45000</x:v></x:c></x:row>
            <x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:t><![CDATA[x < y & "z"]]></x:t></x:is></x:c>\
            <x:c r="B3"><x:v>-0.1</x:v></x:c><x:c r="C3" s="1"/></x:row>
            <!-- a comment --><x:row r="4"><x:c r="A4" t="inlineStr"><x:is><x:t>line1&#13;&#10;line2\r\nline3</x:t></x:is></x:c></x:row>
            </x:sheetData></x:worksheet>
            """
        let shared = "<x:sst \(ns) count=\"1\" uniqueCount=\"1\"><x:si><x:t>score</x:t></x:si></x:sst>"
        for compressed in [true, false] {
            let path = try Self.workbook(sheet: sheet, shared: shared, compressed: compressed)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let r = try DataReaders.read(path: path, options: ReadOptions())
            XCTAssertEqual(r.columns.map(\.name), ["name & title", "score", "when"])
            XCTAssertEqual(texts(column(r, "name & title")), ["a <b> été", "x < y & \"z\"", "line1\r\nline2\nline3"])
            XCTAssertEqual(column(r, "score").type, .real)
            XCTAssertEqual((0..<3).map { column(r, "score").number(at: $0) }, [125, -0.1, nil])
            XCTAssertEqual(column(r, "when").type, .date)
            XCTAssertEqual(texts(column(r, "when")), ["2023-03-15", nil, nil])
        }
    }

    /// A damaged sheet part is one error naming the part, the byte and what is wrong.
    func testMalformedSheetPart() throws {
        let cases = [
            ("<worksheet><sheetData><row><c><v>1</v></row></sheetData></worksheet>", "end tag </row> does not match <c>"),
            ("<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>a &bogus; b</t></is></c></row>", "unknown entity &bogus;"),
            ("<worksheet><sheetData><row><c><v>1</v></c></row>", "the part ends before element <sheetData> is closed"),
        ]
        for (sheet, message) in cases {
            let path = try Self.workbook(sheet: sheet)
            defer { try? FileManager.default.removeItem(atPath: path) }
            XCTAssertThrowsError(try DataReaders.read(path: path, options: ReadOptions())) { e in
                XCTAssertTrue("\(e)".contains("xlsx: the part xl/worksheets/sheet1.xml is not well-formed XML (at byte "), "\(e)")
                XCTAssertTrue("\(e)".contains(message), "\(e)")
            }
        }
    }

    /// Invalid UTF-8 in a sheet is refused (libxml2 refused it before the streaming scanner), naming
    /// the part, the byte, the sheet and the cell.
    func testInvalidUTF8InASheetIsRefused() throws {
        let sheet = Array("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>name</t></is></c></row>".utf8)
            + Array("<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>caf".utf8) + [0xE9] + Array("</t></is></c></row></sheetData></worksheet>".utf8)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xlsxr-\(UUID().uuidString).xlsx").path
        let parts = XLSXWriter.workbookParts(sheet: Data(sheet), shared: Data("<sst/>".utf8))
        try XLSXWriter.zipArchive(parts).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let offset = sheet.firstIndex(of: 0xE9)!
        XCTAssertThrowsError(try DataReaders.read(path: path, options: ReadOptions())) { e in
            XCTAssertTrue("\(e)".hasSuffix("\(path): xlsx: the part xl/worksheets/sheet1.xml is not well-formed XML "
                                           + "(at byte \(offset), sheet 'Sheet1', cell A2: invalid UTF-8 (byte 0xE9))"), "\(e)")
            XCTAssertFalse("\(e)".contains("\n"))
        }
    }

    /// A sheet part over 10 MB: XMLParser(data:) failed on these (libxml2's "Huge input lookup" for a
    /// chunk over 10,000,000 bytes); streamed, it loads to the frame written.
    func testSheetPartOverTenMegabytes() throws {
        let big = try XCTUnwrap(Self.bigWorkbook)
        let package = try XLSXPackage(path: big.path, limit: nil)
        XCTAssertGreaterThan(try XCTUnwrap(package.sizes("xl/worksheets/sheet1.xml")).inflated, 10_000_000)
        let r = try DataReaders.read(path: big.path, options: ReadOptions())
        XCTAssertEqual(r.rowCount, big.columns[0].count)
        XCTAssertEqual(r.columns.map(\.name), big.columns.map(\.name))
        for (a, b) in zip(r.columns, big.columns) { XCTAssertTrue(a == b, "\(a.name)") }
        // range= stops the scan at its last row.
        let head = try read(big.path, range: "A1:C11")
        XCTAssertEqual(head.rowCount, 10)
        XCTAssertEqual(texts(head.columns[2]), (0..<10).map { ["a", "b", "c"][$0 % 3] })
    }

    /// 80,000 rows x 6 columns (integer, real, text, date, boolean, real): a sheet part of ~14 MB.
    static let bigWorkbook: (path: String, columns: [Column])? = {
        let n = 80_000
        var missing = MissingMask(count: n)
        for i in stride(from: 3, to: n, by: 7) { missing[i] = true }
        let columns = [
            Column(name: "id", storage: .integer((0..<n).map { Int64($0) * 1_000_003 })),
            // Missing cells hold 0 / false, as the reader stores them.
            Column(name: "x", storage: .real((0..<n).map { missing[$0] ? 0 : Double($0) * 0.37 + 0.001 }), missing: missing),
            Column(name: "arm", storage: .text(codes: (0..<n).map { UInt32($0 % 3) }, levels: ["a", "b", "c"])),
            Column(name: "day", storage: .date((0..<n).map { Int32($0 % 20_000) })),
            Column(name: "flag", storage: .boolean((0..<n).map { !missing[$0] && $0 % 5 == 0 }), missing: missing),
            Column(name: "y", storage: .real((0..<n).map { 1e-7 * Double($0) - 3.5 })),
        ]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-big-\(UUID().uuidString).xlsx").path
        guard let data = try? XLSXWriter.encode(columns, rows: Array(0..<n)).data,
              (try? data.write(to: URL(fileURLWithPath: path))) != nil else { return nil }
        return (path, columns)
    }()
}
