// LoadFormatTests.swift — what `load` does with files beyond plain text: compressed Stata/SPSS files
// (`lung.dta.gz`, a zip holding a .dta) read exactly as the uncompressed file; files no reader takes
// (unknown binary, old .xls, binary inside gzip) and broken files (truncated .dta, a .sav that is
// text, 0-byte files, a bomb-like gzip) are one error line naming the file, the format and the
// supported formats or what ReadStat said; `isDataFile` tells data files from scripts.

import Foundation
import XCTest
@testable import SurvshCore

final class LoadFormatTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func fixture(_ path: String) -> String { Self.fixtures.appendingPathComponent(path).path }

    /// Columns, missing cells and values equal.
    func assertSameFrame(_ a: TableReadResult, _ b: TableReadResult, line: UInt = #line) {
        XCTAssertEqual(a.rowCount, b.rowCount, line: line)
        XCTAssertEqual(a.columns.map(\.name), b.columns.map(\.name), line: line)
        for (x, y) in zip(a.columns, b.columns) {
            XCTAssertEqual(x.type, y.type, x.name, line: line)
            XCTAssertEqual(x.missing, y.missing, x.name, line: line)
            XCTAssertEqual((0..<x.count).map { x.text(at: $0) }, (0..<y.count).map { y.text(at: $0) }, x.name, line: line)
        }
    }

    /// The one-line message of `load`'s error for `path`.
    func loadError(_ path: String, line: UInt = #line) -> String {
        do {
            _ = try DataReaders.read(path: path, options: ReadOptions())
            XCTFail("\(path) should not load", line: line)
            return ""
        } catch {
            let text = SurvshError.rendered(error, command: "load")
            XCTAssertFalse(text.contains("\n"), "one line: \(text)", line: line)
            return text
        }
    }

    func testCompressedStataAndSPSS() throws {
        for (packed, plain) in [("compressed/lung.dta.gz", "readstat/lung.dta"), ("compressed/lung.sav.gz", "readstat/lung.sav"),
                                ("compressed/lung_dta.zip", "readstat/net.dta")] {
            let expected = try DataReaders.read(path: fixture(plain), options: ReadOptions())
            let got = try DataReaders.read(path: fixture(packed), options: ReadOptions())
            assertSameFrame(got, expected)
            XCTAssertTrue(got.formatDescription.hasPrefix(expected.formatDescription), got.formatDescription)
        }
        XCTAssertEqual(try DataReaders.read(path: fixture("compressed/lung.dta.gz"), options: ReadOptions()).formatDescription,
                       "Stata .dta, gzip-compressed")
    }

    func testUnsupportedFormatsListTheSupportedOnes() {
        for name in ["compressed/unknown.parquet", "compressed/old.xls", "compressed/binary.gz"] {
            let message = loadError(fixture(name))
            XCTAssertTrue(message.hasPrefix("error: load: "), message)
            XCTAssertTrue(message.contains(name), message)
            XCTAssertTrue(message.contains("unsupported format"), message)
            XCTAssertTrue(message.contains("Stata .dta (.dta)") && message.contains("CSV/TSV (.csv"), message)
        }
        XCTAssertTrue(loadError(fixture("compressed/old.xls")).contains("old Excel .xls"))
        XCTAssertTrue(loadError(fixture("compressed/binary.gz")).contains("gzip-compressed file: unsupported format"))
    }

    func testBrokenFilesNameTheFormat() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-loadformat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, String)] = [
            (fixture("readstat/truncated.dta"), "cannot read it as Stata .dta: ReadStat says: "),
            (fixture("readstat/text.sav"), "cannot read it as SPSS .sav: ReadStat says: "),
            (fixture("compressed/empty.csv.gz"), "file is empty (0 bytes)"),
        ]
        var all = cases
        let textPor = dir.appendingPathComponent("text.por").path
        FileManager.default.createFile(atPath: textPor, contents: Data("a,b\n1,2\n".utf8))
        all.append((textPor, "cannot read it as SPSS .por: ReadStat says: "))
        for (ext, format) in [("dta", "Stata .dta"), ("sav", "SPSS .sav"), ("por", "SPSS .por"), ("csv", "no header row"), ("xpt", "SAS transport .xpt")] {
            let path = dir.appendingPathComponent("empty.\(ext)").path
            FileManager.default.createFile(atPath: path, contents: Data())
            all.append((path, ext == "csv" ? format : "file is empty (0 bytes), not a \(format) file"))
        }
        for (path, expected) in all {
            let message = loadError(path)
            XCTAssertTrue(message.contains(expected), message)
            XCTAssertTrue(message.contains(path), message)
        }
    }

    func testDataFilesAreToldFromScripts() {
        XCTAssertTrue(DataReaders.isDataFile("x.dta"))
        XCTAssertTrue(DataReaders.isDataFile("dir/x.csv.gz"))
        XCTAssertTrue(DataReaders.isDataFile("X.SAV"))
        XCTAssertTrue(DataReaders.isDataFile(fixture("compressed/lung_gzip_named.csv")))
        XCTAssertFalse(DataReaders.isDataFile("analysis.surv"))
        XCTAssertFalse(DataReaders.isDataFile("commands.txt"))
        XCTAssertFalse(DataReaders.isDataFile("script"))
    }
}
