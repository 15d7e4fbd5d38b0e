// CSVReaderTests.swift — the delimited-text reader behind `load`.
//
// Shipped data (data/*.csv, with NA counts from data/README.md and data/net_liver_mets.md), crafted
// fixtures for every error (Fixtures/csv/, each asserting file, line and column), quoting, BOM, CRLF,
// TSV, semicolon, custom NA tokens, duplicate names, type inference, number parsing against Swift's
// correctly rounded Double(String), and the parallel chunked path against the single-piece path.

import XCTest
@testable import SurvshCore

final class CSVReaderTests: XCTestCase {
    // MARK: - Helpers

    /// Repository root, found from this file's path (Tests/SurvshCoreTests/CSVReaderTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func dataPath(_ name: String) -> String { Self.root.appendingPathComponent("data/\(name)").path }

    func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/csv/\(name)").path
    }

    func read(_ text: String, name: String = "test.csv", options: ReadOptions = ReadOptions(),
              tuning: CSVTuning = .standard) throws -> TableReadResult {
        try CSVReader.read(bytes: Array(text.utf8), name: name, options: options, tuning: tuning)
    }

    func column(_ r: TableReadResult, _ name: String, file: StaticString = #filePath, line: UInt = #line) -> Column {
        guard let c = r.columns.first(where: { $0.name == name }) else {
            XCTFail("no column \(name) in \(r.columns.map(\.name))", file: file, line: line)
            return Column(name: name, storage: .real([]))
        }
        return c
    }

    func texts(_ c: Column) -> [String?] { (0..<c.count).map { c.text(at: $0) } }

    func levels(_ c: Column) -> [String] {
        if case .text(_, let levels) = c.storage { return levels }
        return []
    }

    func reals(_ c: Column) -> [Double?] { (0..<c.count).map { c.number(at: $0) } }

    /// Asserts that reading fails with exactly this error.
    func assertError(_ body: () throws -> TableReadResult, file errorFile: String, line errorLine: Int?, column: Int?,
                     contains: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let r = try body()
            XCTFail("expected an error containing '\(contains)', read \(r.rowCount) rows", file: file, line: line)
        } catch let e as DataReadError {
            XCTAssertEqual(e.file, errorFile, "file", file: file, line: line)
            XCTAssertEqual(e.line, errorLine, "line of: \(e)", file: file, line: line)
            XCTAssertEqual(e.column, column, "column of: \(e)", file: file, line: line)
            XCTAssertTrue(e.message.contains(contains), "message '\(e.message)' lacks '\(contains)'", file: file, line: line)
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
    }

    // MARK: - Shipped data

    func testLung() throws {
        let r = try CSVReader.read(path: dataPath("lung.csv"))
        XCTAssertEqual(r.rowCount, 228)
        XCTAssertEqual(r.columns.map(\.name),
                       ["inst", "time", "status", "age", "sex", "ph.ecog", "ph.karno", "pat.karno", "meal.cal", "wt.loss"])
        let expectedNA = ["inst": 1, "time": 0, "status": 0, "age": 0, "sex": 0, "ph.ecog": 1, "ph.karno": 1,
                          "pat.karno": 3, "meal.cal": 47, "wt.loss": 14]
        for c in r.columns {
            XCTAssertEqual(c.count, 228, c.name)
            XCTAssertEqual(c.type, .integer, c.name)
            XCTAssertEqual(c.missing.missingCount, expectedNA[c.name], c.name)
        }
        // First data line: 3,306,2,74,1,1,90,100,1175,NA
        XCTAssertEqual(r.columns.map { $0.text(at: 0) }, ["3", "306", "2", "74", "1", "1", "90", "100", "1175", nil])
        XCTAssertEqual(r.formatDescription, "CSV (comma), UTF-8")
        XCTAssertEqual(r.warnings, [])
    }

    func testVeteran() throws {
        let r = try CSVReader.read(path: dataPath("veteran.csv"))
        XCTAssertEqual(r.rowCount, 137)
        XCTAssertEqual(r.columns.count, 8)
        let celltype = column(r, "celltype")
        XCTAssertEqual(celltype.type, .text)
        XCTAssertEqual(levels(celltype), ["squamous", "smallcell", "adeno", "large"]) // first-seen order
        XCTAssertEqual(celltype.missing.missingCount, 0)
        for name in ["trt", "time", "status", "karno", "diagtime", "age", "prior"] {
            XCTAssertEqual(column(r, name).type, .integer, name)
            XCTAssertFalse(column(r, name).missing.hasMissing, name)
        }
        XCTAssertEqual(column(r, "time").number(at: 1), 411)
    }

    func testNetLiverMets() throws {
        let r = try CSVReader.read(path: dataPath("net_liver_mets.csv"))
        XCTAssertEqual(r.rowCount, 70)
        XCTAssertEqual(r.columns.count, 16)
        let expectedNA = ["primary_size_cm": 1, "mitoses_primary": 2, "ki67_primary": 4, "ki67_liver": 2,
                          "sstr_primary": 3, "sstr_liver": 1, "cea_primary": 4]
        for c in r.columns {
            XCTAssertEqual(c.missing.missingCount, expectedNA[c.name] ?? 0, c.name)
        }
        let expectedTypes: [String: ColumnType] = [
            "id": .integer, "age": .integer, "sex": .text, "primary_site": .text, "primary_size_cm": .real,
            "mitoses_primary": .integer, "mitoses_liver": .integer, "ki67_primary": .real, "ki67_liver": .real,
            "sstr_primary": .text, "sstr_liver": .text, "cea_primary": .text, "resection_date": .date,
            "last_followup_date": .date, "died": .integer, "months": .real,
        ]
        for c in r.columns { XCTAssertEqual(c.type, expectedTypes[c.name], c.name) }
        XCTAssertEqual(Set(levels(column(r, "primary_site"))),
                       ["pancreas", "small_bowel", "colorectal", "stomach", "lung", "unknown"])
        // Row 1: resection 2004-03-11, last follow-up 2010-06-30, months 75.6.
        let resection = column(r, "resection_date")
        XCTAssertEqual(resection.number(at: 0), Double(daysFromCivil(year: 2004, month: 3, day: 11)))
        XCTAssertEqual(resection.text(at: 0), "2004-03-11")
        XCTAssertEqual(column(r, "last_followup_date").text(at: 0), "2010-06-30")
        XCTAssertEqual(column(r, "months").number(at: 0), 75.6)
        // months = (last - resection) / 30.4375, rounded to 1 dp: the dates really are dates.
        let last = column(r, "last_followup_date"), months = column(r, "months")
        for i in 0..<r.rowCount {
            let days = last.number(at: i)! - resection.number(at: i)!
            XCTAssertEqual((days / 30.4375 * 10).rounded() / 10, months.number(at: i)!, accuracy: 1e-9, "row \(i + 1)")
        }
    }

    // MARK: - Errors

    func testTooFewFields() {
        let path = fixture("too_few_fields.csv")
        // Line 1 header, lines 2-3 one quoted record, line 4 "2,bob".
        assertError({ try CSVReader.read(path: path) }, file: path, line: 4, column: 3, contains: "row has 2 fields, expected 3")
    }

    func testTooManyFields() {
        let path = fixture("too_many_fields.csv")
        assertError({ try CSVReader.read(path: path) }, file: path, line: 3, column: 4, contains: "row has 5 fields, expected 3")
    }

    func testUnterminatedQuote() {
        let path = fixture("unterminated_quote.csv")
        assertError({ try CSVReader.read(path: path) }, file: path, line: 3, column: 2, contains: "unterminated quoted field")
    }

    func testUnterminatedQuoteInHeader() {
        assertError({ try self.read("a,\"b\nc\n") }, file: "test.csv", line: 1, column: 2, contains: "unterminated quoted field")
    }

    func testEmptyFiles() {
        for name in ["empty.csv", "bom_only.csv", "blank_lines_only.csv"] {
            let path = fixture(name)
            assertError({ try CSVReader.read(path: path) }, file: path, line: nil, column: nil, contains: "file is empty (no header row)")
        }
    }

    func testBinaryFile() {
        let path = fixture("binary.csv")
        assertError({ try CSVReader.read(path: path) }, file: path, line: nil, column: nil, contains: "looks like a binary file")
    }

    func testInvalidUTF8() {
        let path = fixture("latin1.csv")
        assertError({ try CSVReader.read(path: path) }, file: path, line: 2, column: nil, contains: "looks like a binary file")
    }

    func testUTF16() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x61, 0x00, 0x0A, 0x00]
        XCTAssertThrowsError(try CSVReader.read(bytes: bytes, name: "u16.csv")) { e in
            XCTAssertTrue((e as? DataReadError)?.message.contains("UTF-16") ?? false, "\(e)")
        }
    }

    func testMissingFile() {
        let path = fixture("does_not_exist.csv")
        assertError({ try CSVReader.read(path: path) }, file: path, line: nil, column: nil, contains: "no such file")
    }

    func testDirectory() {
        let path = fixture("")
        assertError({ try CSVReader.read(path: path) }, file: path, line: nil, column: nil, contains: "is a directory")
    }

    func testUnreadableFile() throws {
        if geteuid() == 0 { throw XCTSkip("running as root: permissions are not enforced") }
        let path = NSTemporaryDirectory() + "survsh-unreadable-\(getpid()).csv"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("a\n1\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        chmod(path, 0)
        assertError({ try CSVReader.read(path: path) }, file: path, line: nil, column: nil, contains: "permission denied")
    }

    func testRelativePathUsesWorkingDirectory() throws {
        let saved = FileManager.default.currentDirectoryPath
        defer { _ = FileManager.default.changeCurrentDirectoryPath(saved) }
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(Self.root.appendingPathComponent("data").path))
        let r = try CSVReader.read(path: "aml.csv")
        XCTAssertEqual(r.rowCount, 23)
        XCTAssertEqual(levels(column(r, "x")), ["Maintained", "Nonmaintained"])
    }

    func testErrorDescription() {
        let e = DataReadError(file: "d.csv", line: 12, column: 3, message: "row has 9 fields, expected 10")
        XCTAssertEqual(e.description, "d.csv:12: column 3: row has 9 fields, expected 10")
        XCTAssertEqual(DataReadError(file: "d.csv", message: "no such file").description, "d.csv: no such file")
    }

    // MARK: - Formats

    func testBOMCRLFAndQuoting() throws {
        let r = try CSVReader.read(path: fixture("bom_crlf_quoted.csv"))
        XCTAssertEqual(r.formatDescription, "CSV (comma), UTF-8 with BOM, CRLF line ends")
        XCTAssertEqual(r.columns.map(\.name), ["id", "name", "value"]) // no BOM in the first name
        XCTAssertEqual(r.rowCount, 3)
        XCTAssertEqual(texts(column(r, "name")), ["Smith, J.", "say \"hi\"", "multi\r\nline"])
        let value = column(r, "value")
        XCTAssertEqual(value.type, .real)
        XCTAssertEqual(reals(value), [2.5, 3, nil])
        XCTAssertEqual(column(r, "id").type, .integer)
    }

    func testTSVByExtension() throws {
        let r = try CSVReader.read(path: fixture("tabs.tsv"))
        XCTAssertEqual(r.formatDescription, "TSV (tab), UTF-8")
        XCTAssertEqual(r.columns.map(\.name), ["id", "group", "x"])
        XCTAssertEqual(reals(column(r, "x")), [0.5, 0.001, nil])
    }

    func testTSVBySniffing() throws {
        let r = try CSVReader.read(path: fixture("tabs_sniffed.txt"))
        XCTAssertEqual(r.formatDescription, "TSV (tab), UTF-8")
        XCTAssertEqual(texts(column(r, "group")), ["A", "B"])
    }

    func testSemicolonSniffedDespiteCSVExtension() throws {
        let r = try CSVReader.read(path: fixture("semicolon.csv"))
        XCTAssertEqual(r.formatDescription, "CSV (semicolon), UTF-8")
        XCTAssertEqual(texts(column(r, "group")), ["A", "B", "C;D"])
        XCTAssertEqual(reals(column(r, "x")), [0.5, 2.25, nil])
    }

    func testExplicitDelimiter() throws {
        let r = try read("a|b\n1|x\n", options: ReadOptions(delimiter: UInt8(ascii: "|")))
        XCTAssertEqual(r.columns.map(\.name), ["a", "b"])
        XCTAssertEqual(r.formatDescription, "delimited text (pipe), UTF-8")
        // The same file read with a comma is one column.
        let one = try read("a|b\n1|x\n", options: ReadOptions(delimiter: UInt8(ascii: ",")))
        XCTAssertEqual(one.columns.map(\.name), ["a|b"])
    }

    func testSpaceDelimiterAndInvalidDelimiter() throws {
        let r = try read("a b\n1 x\n2 \ty\n", options: ReadOptions(delimiter: UInt8(ascii: " ")))
        XCTAssertEqual(r.columns.map(\.name), ["a", "b"])
        XCTAssertEqual(texts(column(r, "b")), ["x", "\ty"])
        assertError({ try self.read("a\n1\n", options: ReadOptions(delimiter: UInt8(ascii: "\""))) },
                    file: "test.csv", line: nil, column: nil, contains: "cannot use byte 34 as the delimiter")
    }

    func testSniffingKeepsCommaWhenTextHasSemicolons() throws {
        let r = try read("a,b\n1,x;y\n2,z;w\n")
        XCTAssertEqual(r.columns.map(\.name), ["a", "b"])
        XCTAssertEqual(texts(column(r, "b")), ["x;y", "z;w"])
    }

    func testNoFinalNewline() throws {
        let r = try CSVReader.read(path: fixture("no_final_newline.csv"))
        XCTAssertEqual(r.rowCount, 2)
        XCTAssertEqual(reals(column(r, "value")), [2.5, 3])
        let crlf = try read("a,b\r\n1,2\r\n3,4")
        XCTAssertEqual(reals(column(crlf, "b")), [2, 4])
        let quoted = try read("a,b\n1,\"x\"")
        XCTAssertEqual(texts(column(quoted, "b")), ["x"])
    }

    func testBlankLinesSkippedAndLineNumbersKept() throws {
        let r = try read("\n\na,b\n1,2\n\n3,4\r\n\r\n5,6\n\n")
        XCTAssertEqual(r.rowCount, 3)
        XCTAssertEqual(reals(column(r, "b")), [2, 4, 6])
        assertError({ try self.read("\na,b\n1,2\n\n3\n") }, file: "test.csv", line: 5, column: 2, contains: "row has 1 field, expected 2")
    }

    func testHeaderOnly() throws {
        let r = try read("a,b\n")
        XCTAssertEqual(r.rowCount, 0)
        XCTAssertEqual(r.columns.map(\.name), ["a", "b"])
        XCTAssertEqual(r.columns.map(\.type), [.real, .real])
        XCTAssertEqual(r.warnings.count, 2)
    }

    func testSingleColumn() throws {
        let r = try read("x\n1\n2\n")
        XCTAssertEqual(r.columns.count, 1)
        XCTAssertEqual(reals(r.columns[0]), [1, 2])
    }

    func testDuplicateAndEmptyNames() throws {
        let r = try CSVReader.read(path: fixture("duplicate_names.csv"))
        // R: make.unique(c("x", "x", "x.1", "V4", "y")) == c("x", "x.2", "x.1", "V4", "y")
        XCTAssertEqual(r.columns.map(\.name), ["x", "x.2", "x.1", "V4", "y"])
        XCTAssertEqual(r.warnings.count, 2, "\(r.warnings)")
        XCTAssertTrue(r.warnings.contains { $0.contains("x -> x.2") }, "\(r.warnings)")
        XCTAssertTrue(r.warnings.contains { $0.contains("V4") }, "\(r.warnings)")
        let three = try read("a,a,a\n1,2,3\n")
        XCTAssertEqual(three.columns.map(\.name), ["a", "a.1", "a.2"])
    }

    func testNamesTrimmedAndKeptAsWritten() throws {
        let r = try read(" ph.ecog , \"wt loss\" ,Age\n1,2,3\n")
        XCTAssertEqual(r.columns.map(\.name), ["ph.ecog", "wt loss", "Age"])
    }

    // MARK: - Missing values

    func testCustomNATokens() throws {
        let path = fixture("custom_na.csv")
        let r = try CSVReader.read(path: path, options: ReadOptions(naTokens: ["-99", "unknown", "NA"]))
        let age = column(r, "age")
        XCTAssertEqual(age.type, .real) // -99.5 is a value, not the token -99
        XCTAssertEqual(reals(age), [34, nil, 51, -99.5])
        XCTAssertEqual(texts(column(r, "town")), ["Leeds", nil, "York", nil])
        XCTAssertEqual(levels(column(r, "town")), ["Leeds", "York"])
        // Default tokens: -99 is a number and "unknown" a town.
        let d = try CSVReader.read(path: path)
        XCTAssertEqual(reals(column(d, "age")), [34, -99, 51, -99.5])
        XCTAssertEqual(texts(column(d, "town")), ["Leeds", "unknown", "York", nil])
    }

    func testQuotedNAIsMissingAndQuotedNumbersAreNumbers() throws {
        let r = try read("a,b,c\n\"1\",\"NA\",\"x\"\n\" 2 \",\"3.5\",\"NA\"\n")
        XCTAssertEqual(column(r, "a").type, .integer)
        XCTAssertEqual(reals(column(r, "a")), [1, 2])
        XCTAssertEqual(reals(column(r, "b")), [nil, 3.5])
        XCTAssertEqual(texts(column(r, "c")), ["x", nil])
    }

    func testEmptyAndDotAreMissing() throws {
        let r = try read("a,b,c\n1,,x\n.,2,\n3, NA ,y\n")
        XCTAssertEqual(reals(column(r, "a")), [1, nil, 3])
        XCTAssertEqual(reals(column(r, "b")), [nil, 2, nil])
        XCTAssertEqual(texts(column(r, "c")), ["x", nil, "y"])
    }

    func testEmptyTextKeptWhenEmptyIsNotAToken() throws {
        let options = ReadOptions(naTokens: ["NA"])
        let r = try read("n,t\n,\n1,a\n,\n2,b\n", options: options)
        XCTAssertEqual(reals(column(r, "n")), [nil, 1, nil, 2]) // empty is always missing in numbers
        XCTAssertEqual(texts(column(r, "t")), ["", "a", "", "b"])
        XCTAssertEqual(levels(column(r, "t")), ["", "a", "b"])
    }

    func testAllMissingColumnIsRealWithWarning() throws {
        let r = try read("a,b\n1,NA\n2,\n")
        XCTAssertEqual(column(r, "b").type, .real)
        XCTAssertEqual(column(r, "b").missing.missingCount, 2)
        XCTAssertEqual(r.warnings, ["column 'b' has no non-missing values; read as real"])
    }

    // MARK: - Types

    func testTypeInference() throws {
        let text = """
        int,real,bool,date,text,mixed,special,big,spaced,baddate
        1,.5,TRUE,2020-02-29,a,1,Inf,9223372036854775807,  7 ,2020-02-29
        -2,5.,false,1970-01-01,b,2.5,-Inf,-9223372036854775808, 8,2021-02-29
        +3,1e3,true,1969-12-31,a,,NaN,9223372036854775808,9 ,2020-13-01
        0007,-0.0,FALSE,NA,,3,inf,1,10,NA

        """
        let r = try read(text)
        XCTAssertEqual(r.columns.map(\.type),
                       [.integer, .real, .boolean, .date, .text, .real, .real, .real, .integer, .text])
        XCTAssertEqual(texts(column(r, "int")), ["1", "-2", "3", "7"])
        XCTAssertEqual(reals(column(r, "real")), [0.5, 5, 1000, 0])
        XCTAssertEqual(texts(column(r, "bool")), ["TRUE", "FALSE", "TRUE", "FALSE"])
        XCTAssertEqual(texts(column(r, "date")), ["2020-02-29", "1970-01-01", "1969-12-31", nil])
        XCTAssertEqual(column(r, "date").number(at: 2), -1)
        XCTAssertEqual(texts(column(r, "text")), ["a", "b", "a", nil])
        XCTAssertEqual(reals(column(r, "mixed")), [1, 2.5, nil, 3])
        let special = reals(column(r, "special"))
        XCTAssertEqual(special[0], .infinity)
        XCTAssertEqual(special[1], -.infinity)
        XCTAssertNil(special[2])
        XCTAssertTrue(column(r, "special").missing[2]) // NaN is missing (R: is.na(NaN)), with a warning
        XCTAssertTrue(r.warnings.contains("column 'special': 1 NaN cell read as missing"), "\(r.warnings)")
        XCTAssertEqual(reals(column(r, "big")), [9223372036854775807.0, -9223372036854775808.0, 9223372036854775808.0, 1])
        XCTAssertEqual(reals(column(r, "spaced")), [7, 8, 9, 10])
        XCTAssertEqual(levels(column(r, "baddate")), ["2020-02-29", "2021-02-29", "2020-13-01"])
        if case .real(let v) = column(r, "real").storage { XCTAssertEqual(v[3].sign, .minus) } else { XCTFail("real") }
    }

    func testInt64Extremes() throws {
        let r = try read("a\n9223372036854775807\n-9223372036854775808\n")
        guard case .integer(let v) = column(r, "a").storage else { return XCTFail("integer") }
        XCTAssertEqual(v, [Int64.max, Int64.min])
    }

    func testMixedTypesBecomeText() throws {
        let r = try read("a,b,c\n1,TRUE,2020-01-01\n2,3,x\nz,FALSE,2020-01-02\n")
        XCTAssertEqual(texts(column(r, "a")), ["1", "2", "z"])
        XCTAssertEqual(levels(column(r, "a")), ["1", "2", "z"])
        XCTAssertEqual(texts(column(r, "b")), ["TRUE", "3", "FALSE"])
        XCTAssertEqual(texts(column(r, "c")), ["2020-01-01", "x", "2020-01-02"])
    }

    func testTextKeepsSpacesAndStrayQuotes() throws {
        let r = try read("a,b\n x ,ab\"c\n\"q\" ,d\n")
        XCTAssertEqual(texts(column(r, "a")), [" x ", "q"])
        XCTAssertEqual(texts(column(r, "b")), ["ab\"c", "d"])
    }

    /// The fast path (Clinger) and the slow path agree with Swift's correctly rounded Double(String).
    func testNumberParsingIsCorrectlyRounded() throws {
        var rng = CSVTestRandom(seed: 42)
        var lines = ["x"]
        var expected: [Double] = []
        for i in 0..<20_000 {
            let digits = 1 + Int(rng.next() % 20)
            var mantissa = ""
            for _ in 0..<digits { mantissa += String(rng.next() % 10) }
            let point = Int(rng.next() % UInt64(digits + 1))
            var s = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
            if i % 3 == 0 { s += "e" + String(Int(rng.next() % 60) - 30) }
            if i % 2 == 0 { s = "-" + s }
            if s.hasPrefix(".e") || s == "." || s == "-." { continue }
            lines.append(s)
            expected.append(Double(s)!)
        }
        // Hard cases: halfway points, subnormals, overflow, 2^53 + 1, long mantissas.
        let hard = ["9007199254740993", "9007199254740993.0", "2.2250738585072011e-308", "4.9e-324", "1e-400", "1e400",
                    "0.1", "0.30000000000000004", "123456789012345678901234567890", "1.7976931348623157e308",
                    "8.98846567431158e307", "2.4703282292062328e-324", "9007199254740991.5", "1e22", "1e23",
                    "0.000000000000000000000000000001", "7.1e-10", "1.0000000000000002", "3.0517578125e-05"]
        for h in hard {
            lines.append(h)
            expected.append(Double(h)!)
        }
        let r = try read(lines.joined(separator: "\n") + "\n")
        guard case .real(let got) = r.columns[0].storage else { return XCTFail("real") }
        XCTAssertEqual(got.count, expected.count)
        for (i, (g, e)) in zip(got, expected).enumerated() where g.bitPattern != e.bitPattern {
            XCTFail("\(lines[i + 1]): got \(g), expected \(e)")
            break
        }
    }

    // MARK: - Parallel path

    /// A quote-free file with every type, missing cells, blank lines, CRLF, and type changes that only
    /// show up in late chunks (integer -> real, integer -> text, all-missing early).
    func generatedFile(rows: Int, quotes: Bool) -> String {
        var rng = CSVTestRandom(seed: 7)
        var out = "id,time,status,group,when,flag,late_real,late_text,sparse,note\n"
        for i in 1...rows {
            let time = Double(rng.next() % 10_000) / 10
            let group = ["A", "B", "C", "D"][Int(rng.next() % 4)]
            let day = 1 + Int(rng.next() % 28)
            let when = i % 97 == 0 ? "NA" : "2001-02-\(day < 10 ? "0" : "")\(day)"
            let flag = rng.next() % 2 == 0 ? "TRUE" : "FALSE"
            let lateReal = i > rows * 3 / 4 && i % 5 == 0 ? "\(i).25" : "\(i % 50)"
            let lateText = i == rows - 3 ? "oops" : "\(i % 7)"
            let sparse = i > rows / 2 && i % 11 == 0 ? "\(i)" : ""
            var note = ["x", "y", "z"][Int(rng.next() % 3)]
            if quotes && i % 13 == 0 { note = "\"multi, \"\"quoted\"\"\nline \(i % 5)\"" }
            out += "\(i),\(time),\(rng.next() % 2),\(group),\(when),\(flag),\(lateReal),\(lateText),\(sparse),\(note)"
            out += i % 17 == 0 ? "\r\n" : "\n"
            if i % 101 == 0 { out += "\n" }
        }
        return out
    }

    func assertSameResult(_ a: TableReadResult, _ b: TableReadResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.rowCount, b.rowCount, file: file, line: line)
        XCTAssertEqual(a.warnings, b.warnings, file: file, line: line)
        XCTAssertEqual(a.columns.count, b.columns.count, file: file, line: line)
        for (x, y) in zip(a.columns, b.columns) {
            XCTAssertEqual(x.type, y.type, x.name, file: file, line: line)
            XCTAssertTrue(x == y, "column \(x.name) differs", file: file, line: line)
        }
    }

    func testChunkedMatchesSingleThreaded() throws {
        let text = generatedFile(rows: 5000, quotes: false)
        let single = try read(text, tuning: CSVTuning(singleChunk: true))
        XCTAssertEqual(single.rowCount, 5000)
        XCTAssertEqual(single.columns.map(\.type), [.integer, .real, .integer, .text, .date, .boolean, .real, .text, .integer, .text])
        XCTAssertEqual(column(single, "when").missing.missingCount, 5000 / 97)
        XCTAssertEqual(column(single, "late_text").text(at: 4996), "oops")
        XCTAssertEqual(column(single, "late_real").number(at: 3999), 4000.25)
        for chunks in [2, 3, 7, 64] {
            var tuning = CSVTuning(forcedChunkCount: chunks)
            tuning.sampleBytes = 512 // the guess sees only early rows
            let parallel = try read(text, tuning: tuning)
            assertSameResult(parallel, single)
        }
    }

    func testChunkedWithQuotesMatchesSingleThreaded() throws {
        let text = generatedFile(rows: 3000, quotes: true)
        let single = try read(text, tuning: CSVTuning(singleChunk: true))
        XCTAssertEqual(single.rowCount, 3000)
        XCTAssertEqual(column(single, "note").text(at: 12), "multi, \"quoted\"\nline 3")
        for chunks in [2, 5, 16] {
            assertSameResult(try read(text, tuning: CSVTuning(forcedChunkCount: chunks)), single)
        }
    }

    func testStrayQuoteFallsBackToOnePiece() throws {
        // An unquoted field with a quote in it (row 10) flips the quote parity the split relies on, so
        // later cuts can land inside real quoted fields; the reader must notice and parse in one piece.
        var text = "a,b\n"
        for i in 0..<3000 {
            if i == 10 {
                text += "5\"in,x\n"
            } else if i % 3 == 0 {
                text += "\(i),\"note\n\(i % 4)\"\n"
            } else {
                text += "\(i),y\(i % 3)\n"
            }
        }
        let single = try read(text, tuning: CSVTuning(singleChunk: true))
        XCTAssertEqual(single.rowCount, 3000)
        XCTAssertEqual(column(single, "a").text(at: 10), "5\"in")
        XCTAssertEqual(column(single, "b").text(at: 3), "note\n3")
        for chunks in [2, 3, 8, 13] {
            assertSameResult(try read(text, tuning: CSVTuning(forcedChunkCount: chunks)), single)
        }
    }

    func testErrorLineInLaterChunk() {
        var text = "a,b\n"
        for i in 0..<1000 { text += "\(i),\(i)\n" }
        text += "1,2,3\n"
        for i in 0..<1000 { text += "\(i),\(i)\n" }
        for tuning in [CSVTuning(singleChunk: true), CSVTuning(forcedChunkCount: 6)] {
            assertError({ try self.read(text, tuning: tuning) }, file: "test.csv", line: 1002, column: 3,
                        contains: "row has 3 fields, expected 2")
        }
    }

    func testWideTableUsesCopyPath() throws {
        let text = generatedFile(rows: 300, quotes: false)
        let nested = try read(text, tuning: CSVTuning(singleChunk: true))
        var tuning = CSVTuning(forcedChunkCount: 3)
        tuning.maxNestedColumns = 2
        assertSameResult(try read(text, tuning: tuning), nested)
    }

    /// A memory-mapped file larger than a page: parsed pages are dropped from the mapping and mapped
    /// again by the later re-scans; the columns must not notice.
    func testMappedFileChunkedMatchesInMemory() throws {
        let text = generatedFile(rows: 6000, quotes: true)
        let path = NSTemporaryDirectory() + "survsh-csv-\(getpid())-mapped.csv"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let inMemory = try read(text, name: path, tuning: CSVTuning(singleChunk: true))
        for chunks in [3, 9] {
            let mapped = try CSVReader.read(path: path, options: ReadOptions(), tuning: CSVTuning(forcedChunkCount: chunks))
            assertSameResult(mapped, inMemory)
        }
        assertSameResult(try CSVReader.read(path: path), inMemory)
    }

    func testChunkedMatchesOnShippedData() throws {
        for name in ["lung.csv", "veteran.csv", "net_liver_mets.csv", "ovarian.csv", "aml.csv"] {
            let single = try CSVReader.read(path: dataPath(name), options: ReadOptions(), tuning: CSVTuning(singleChunk: true))
            let parallel = try CSVReader.read(path: dataPath(name), options: ReadOptions(), tuning: CSVTuning(forcedChunkCount: 5))
            assertSameResult(parallel, single)
        }
    }
}

/// Deterministic 64-bit generator for test data (Steele, Lea & Flood 2014).
struct CSVTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
