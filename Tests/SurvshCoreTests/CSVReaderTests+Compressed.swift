// CSVReaderTests+Compressed.swift — delimited text inside gzip and zip (CompressedTextReader).
//
// Fixtures/compressed/ (made with gzip -9 -n and Python's zipfile from data/*.csv): each compressed
// file must read to exactly the columns the plain CSV gives; a gzip named .csv is recognised by its
// first bytes; bad input (truncated, corrupt, 0 bytes, several zip members, an Excel workbook, a
// bomb-like gzip under a small memory budget) is one error naming the file and the container.

import XCTest
@testable import SurvshCore

extension CSVReaderTests {
    func compressedFixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/compressed/\(name)").path
    }

    func readCompressed(_ name: String, tuning: CSVTuning = .standard) throws -> TableReadResult {
        let path = compressedFixture(name)
        XCTAssertTrue(DataReaders.reader(for: path) == CompressedTextReader.self, "\(name) goes to the compressed reader")
        return try CompressedTextReader.read(path: path, options: ReadOptions(), tuning: tuning)
    }

    func testGzipEqualsPlainCSV() throws {
        for (packed, plain) in [("lung.csv.gz", "lung.csv"), ("net_liver_mets.csv.gz", "net_liver_mets.csv"),
                                ("lung.tsv.gz", "lung.csv"), ("lung_gzip_named.csv", "lung.csv"),
                                ("two_members.csv.gz", "lung.csv")] {
            let expected = try CSVReader.read(path: dataPath(plain))
            let got = try readCompressed(packed)
            assertSameResult(got, expected)
        }
        XCTAssertEqual(try readCompressed("lung.csv.gz").formatDescription, "CSV (comma), UTF-8, gzip-compressed")
        // The delimiter the extension inside suggests: tab for .tsv.gz.
        XCTAssertEqual(try readCompressed("lung.tsv.gz").formatDescription, "TSV (tab), UTF-8, gzip-compressed")
    }

    func testGzipChunkedParse() throws {
        let single = try readCompressed("net_liver_mets.csv.gz", tuning: CSVTuning(singleChunk: true))
        assertSameResult(try readCompressed("net_liver_mets.csv.gz", tuning: CSVTuning(forcedChunkCount: 4)), single)
    }

    func testZipHoldingOneCSV() throws {
        let expected = try CSVReader.read(path: dataPath("lung.csv"))
        let deflated = try readCompressed("lung.zip")
        assertSameResult(deflated, expected)
        XCTAssertEqual(deflated.formatDescription, "CSV (comma), UTF-8, in a zip archive (lung.csv)")
        assertSameResult(try readCompressed("lung_stored.zip"), expected)
    }

    func testCompressedErrors() {
        let cases: [(String, String)] = [
            ("truncated.csv.gz", "gzip: the compressed data ends early (the file is truncated)"),
            ("corrupt.csv.gz", "gzip: corrupt compressed data (zlib: "),
            ("empty.csv.gz", "file is empty (0 bytes)"),
            ("two_files.zip", "zip: the archive holds 2 files (lung.csv, aml.csv); load reads a zip holding one CSV/TSV file"),
            ("workbook.xlsx", "the workbook has no sheets"), // a zip holding xl/workbook.xml goes to XLSXReader
        ]
        for (name, message) in cases {
            let path = compressedFixture(name)
            assertError({ try DataReaders.reader(for: path).read(path: path, options: ReadOptions()) },
                        file: path, line: nil, column: nil, contains: message)
        }
    }

    /// 64 MiB of text in 96 KiB of gzip: with a 4 MiB budget the inflation stops at the budget.
    func testGzipBombIsBounded() {
        var tuning = CSVTuning.standard
        tuning.memoryBudget = 4 << 20
        assertError({ try self.readCompressed("bomb.csv.gz", tuning: tuning) }, file: compressedFixture("bomb.csv.gz"),
                    line: nil, column: nil, contains: "gzip: decompresses to more than 4.19 MB, more than the memory available")
    }

    func testLoadThroughDataReaders() throws {
        let r = try DataReaders.read(path: compressedFixture("lung.csv.gz"), options: ReadOptions())
        XCTAssertEqual(r.rowCount, 228)
        XCTAssertThrowsError(try DataReaders.read(path: compressedFixture("truncated.csv.gz"), options: ReadOptions())) { e in
            XCTAssertTrue("\(e)".contains("load"), "\(e)")
        }
    }
}
