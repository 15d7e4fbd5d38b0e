// CSVReaderTests+Compressed.swift — delimited text inside gzip and zip (CompressedTextReader).
//
// Fixtures/compressed/ (made with gzip -9 -n and Python's zipfile from data/*.csv): each compressed
// file must read to exactly the columns the plain CSV gives; a gzip named .csv is recognised by its
// first bytes; bad input (truncated, corrupt, 0 bytes, several zip members, an Excel workbook, a
// bomb-like gzip under a small memory budget) is one error naming the file and the container.

import XCTest
import TestSupport
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

    /// A truncated gzip fails on the inflating thread while the parsing thread still reads what was
    /// handed out as final: that memory must stay mapped until the stream goes (it was unmapped with
    /// the failed inflation, an occasional segfault). Many tries, so the race is met.
    func testTruncatedGzipWhileReadingTheHead() {
        for _ in 0..<300 {
            XCTAssertThrowsError(try CompressedTextReader.read(path: compressedFixture("truncated.csv.gz"), options: ReadOptions())) {
                XCTAssertTrue("\($0)".hasSuffix("gzip: the compressed data ends early (the file is truncated)"), "\($0)")
            }
        }
    }
}

extension CSVReaderTests {
    /// gzip-compresses `text` with the system's gzip into a temporary file.
    func gzipFile(_ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let plain = dir.appendingPathComponent("data.csv").path
        try text.write(toFile: plain, atomically: false, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -n -6 -k '\(plain)'"]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "gzip")
        return plain + ".gz"
    }

    /// Issue 14: a Ctrl-C at any poll of the assembly of a gzip pipeline's columns (the copy into
    /// the final arrays, each column's assembly, the text column's merge) ends the load
    /// `interrupted`; a text column stopped before its merge once trapped ("column kind without storage").
    func testGzipPipelineStopsAtAnyPollOfTheAssembly() throws {
        let rows = 40_000
        var text = "id,g\n"
        for i in 0..<rows { text += "\(i),\(i % 3 == 0 ? "a" : "b")\n" }
        let path = try gzipFile(text)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        var tuning = CSVTuning.standard
        tuning.streamStartBytes = 8 << 10
        tuning.streamSegmentBytes = 16 << 10
        tuning.inflateStepBytes = 4 << 10
        let counter = CSVReaderCancellationTests.PollsAfterParse(rows: rows, firesAt: nil)
        XCTAssertEqual(try CompressedTextReader.read(path: path, options: counter.options, tuning: tuning).rowCount, rows)
        let polls = counter.count.load(ordering: .relaxed)
        XCTAssertGreaterThanOrEqual(polls, 2, "the assembly polls")
        for k in 1...polls {
            XCTAssertThrowsError(try CompressedTextReader.read(path: path, options: CSVReaderCancellationTests.PollsAfterParse(rows: rows, firesAt: k).options,
                                                               tuning: tuning), "poll \(k) of \(polls) after the parse") {
                XCTAssertTrue("\($0)".hasSuffix("interrupted"), "\($0)")
            }
        }
    }

    /// The pipeline (tiny inflate steps and chunks, so the parse runs while inflating) gives exactly
    /// what the plain file gives: types that change late (integer -> real, number -> text), quoted
    /// fields with newlines, blank lines, missing cells, many chunks; and the plain file's errors.
    func testGzipPipelineEqualsPlainCSV() throws {
        var text = "id,x,code,note,when\n"
        for i in 0..<40_000 {
            let x = i < 30_000 ? "\(i % 97)" : "\(Double(i) / 8)"
            let code = i == 35_000 ? "A12" : "\(i % 13)"
            let note = i % 1_000 == 7 ? "\"line one\nline two, \"\"quoted\"\"\"" : (i % 11 == 0 ? "" : "n\(i % 5)")
            text += "\(i),\(x),\(code),\(note),2024-01-\(String(format: "%02d", i % 28 + 1))\n"
            if i % 5_000 == 0 { text += "\n" }
        }
        let path = try gzipFile(text)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let expected = try CSVReader.read(bytes: Array(text.utf8), name: "data.csv")
        var tuning = CSVTuning.standard
        tuning.streamStartBytes = 8 << 10
        tuning.streamSegmentBytes = 16 << 10
        tuning.inflateStepBytes = 4 << 10
        let progress = LoadProgress()
        var options = ReadOptions()
        options.progress = progress
        let got = try CompressedTextReader.read(path: path, options: options, tuning: tuning)
        assertSameResult(got, expected)
        XCTAssertEqual(got.formatDescription, "CSV (comma), UTF-8, gzip-compressed")
        XCTAssertEqual(progress.rows, 40_000)
        XCTAssertEqual(progress.bytes, try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        // Ctrl-C at any poll (inflating thread or parse) stops both threads with `interrupted`.
        let counter = PollCounter(firesAt: nil)
        options.cancel = counter.cancellation
        assertSameResult(try CompressedTextReader.read(path: path, options: options, tuning: tuning), expected)
        let polls = counter.count
        XCTAssertGreaterThan(polls, 20)
        // The parser's segments follow how far the inflation got, so the number of polls varies a
        // little from run to run (383-387 seen): the last k stays well inside every run's count.
        for k in [1, polls / 3, polls / 2, polls * 3 / 4] {
            options.cancel = PollCounter(firesAt: k).cancellation
            XCTAssertThrowsError(try CompressedTextReader.read(path: path, options: options, tuning: tuning), "poll \(k) of \(polls)") {
                XCTAssertTrue("\($0)".hasSuffix("interrupted"), "\($0)")
            }
        }
        // Default tuning (the file is smaller than the start: parsed whole) agrees too.
        assertSameResult(try CompressedTextReader.read(path: path, options: ReadOptions()), expected)
        // cols= while inflating: the skipped columns (a late text column, quoted newlines) have no
        // slots; the kept ones equal the full read's.
        var selecting = ReadOptions()
        selecting.columns = ["when", "x", "id"]
        let selected = try CompressedTextReader.read(path: path, options: selecting, tuning: tuning)
        XCTAssertEqual(selected.columns.map(\.name), ["id", "x", "when"])
        XCTAssertEqual(selected.columns, expected.columns.filter { ["id", "x", "when"].contains($0.name) })
        XCTAssertEqual(selected.rowCount, 40_000)

        // A bad row late in the file: the same error, naming the line of the decompressed text.
        let bad = try gzipFile(text + "1,2,3\n")
        defer { try? FileManager.default.removeItem(atPath: (bad as NSString).deletingLastPathComponent) }
        var plainError: DataReadError?
        do { _ = try CSVReader.read(bytes: Array((text + "1,2,3\n").utf8), name: bad) } catch { plainError = error }
        XCTAssertEqual(plainError?.message, "row has 3 fields, expected 5")
        XCTAssertThrowsError(try CompressedTextReader.read(path: bad, options: ReadOptions(), tuning: tuning)) {
            XCTAssertEqual($0 as? DataReadError, plainError)
        }
    }
}
