// CSVReaderTests+Lazy.swift — the lazy reader (CSVReader+Lazy.swift): its scan over many small chunks
// reports the rows, types and warnings of a full read, and the columns it parses later (some or all,
// reusing the scan's chunk plan and stopping each record after its last column read when the file
// has no quotes) equal the full read's.

import Foundation
import XCTest
@testable import SurvshCore

extension CSVReaderTests {
    func testLazyReadEqualsFullRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-lazy-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for quotes in [false, true] {
            let path = dir.appendingPathComponent("g\(quotes).csv").path
            try generatedFile(rows: 20_000, quotes: quotes).write(toFile: path, atomically: false, encoding: .utf8)
            let full = try CSVReader.read(path: path)
            var tuning = CSVTuning.standard
            tuning.scanChunkBytes = 16 << 10
            tuning.parallelMinimumBytes = 0
            let lazy = try XCTUnwrap(CSVReader.readLazily(path: path, options: ReadOptions(), tuning: tuning))
            XCTAssertEqual(lazy.names, full.columns.map(\.name))
            XCTAssertEqual(lazy.types, full.columns.map(\.type))
            XCTAssertEqual(lazy.rowCount, full.rowCount)
            XCTAssertEqual(lazy.warnings, full.warnings)
            XCTAssertEqual(lazy.table.quoteFreePlan != nil, !quotes)
            if let plan = lazy.table.quoteFreePlan {
                XCTAssertGreaterThan(plan.newlines.count, 16, "many scan chunks")
                let merged = plan.merged(into: 5)
                XCTAssertEqual(merged.newlines.count, 5)
                XCTAssertEqual(merged.newlines.reduce(0, +), plan.totalNewlines)
                XCTAssertEqual(merged.starts.first, plan.starts.first)
                XCTAssertEqual(merged.starts.last, plan.starts.last)
            }
            for names in [["group", "when"], ["id"], ["late_text", "sparse"], lazy.names] {
                let columns = try lazy.table.columns(names, cancel: .never)
                XCTAssertEqual(columns.map(\.name), names)
                for c in columns { XCTAssertTrue(c == full.columns.first { $0.name == c.name }, "quotes \(quotes): \(c.name) differs") }
            }
        }
    }

    /// The scan of quote-free data counts each chunk's newlines as it scans it (no counting pass): a
    /// quote found there, early (the probe of the first bytes) or late (in a chunk), sends it to the
    /// counting plan; either way the rows, types, warnings, errors (with their line numbers) and
    /// columns are a full read's.
    func testLazyScanFindsQuotesAndLinesWithoutACountingPass() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-lazy-quotes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = 6_000
        var lines = Array(generatedFile(rows: rows, quotes: false).utf8)
            .split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let plain = lines
        var cases: [(name: String, text: String, quoteFree: Bool)] = [("plain", plain.joined(separator: "\n"), true)]
        for (name, at) in [("early", 30), ("late", rows - 40)] {
            lines = plain
            lines[at] = lines[at].replacingOccurrences(of: ",x", with: ",\"x, \"\"quoted\"\"\nover a line\"")
                .replacingOccurrences(of: ",y", with: ",\"y\"").replacingOccurrences(of: ",z", with: ",\"z\"")
            cases.append((name, lines.joined(separator: "\n"), false))
        }
        for (name, at) in [("short row early", 40), ("short row late", rows - 50)] {
            lines = plain
            lines[at] = lines[at].split(separator: ",").dropLast(2).joined(separator: ",")
            cases.append((name, lines.joined(separator: "\n"), true))
        }
        for (name, text, quoteFree) in cases {
            let path = dir.appendingPathComponent("\(name).csv").path
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            for probe in [64 << 10, 0] {
                var tuning = CSVTuning.standard
                tuning.scanChunkBytes = 8 << 10
                tuning.quoteProbeBytes = probe
                let context = "\(name), probe \(probe)"
                guard let (lazy, full) = try assertLazyReadReportsAsFullRead(path: path, tuning: tuning, context: context) else {
                    XCTAssertTrue(name.hasPrefix("short row"), "\(context): an error")
                    continue
                }
                XCTAssertEqual(lazy.table.quoteFreePlan != nil, quoteFree, context)
                if let plan = lazy.table.quoteFreePlan {
                    XCTAssertGreaterThan(plan.newlines.count, 16, "\(context): many scan chunks")
                    // the data's lines: every newline after the header's, and the one the reader adds after a last record without
                    XCTAssertEqual(plan.totalNewlines, text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } - 1 + (text.hasSuffix("\n") ? 0 : 1),
                                   "\(context): every newline counted once")
                }
                let columns = try lazy.table.columns(lazy.names, cancel: .never)
                for c in columns { XCTAssertTrue(c == full.columns.first { $0.name == c.name }, "\(context): \(c.name) differs") }
            }
        }
    }
}

/// Reads the file at `path` in full and lazily (with `tuning`, its scan in many chunks) and asserts
/// that both fail with the same error or both report the same types, rows and warnings; gives both
/// reads when they succeed.
func assertLazyReadReportsAsFullRead(path: String, tuning: CSVTuning, context: String, file: StaticString = #filePath,
                                     line: UInt = #line) throws -> (lazy: LazyTableRead, full: TableReadResult)? {
    var tuning = tuning
    tuning.parallelMinimumBytes = 0
    let full = Result { try CSVReader.read(path: path) }
    let lazy = Result { try CSVReader.readLazily(path: path, options: ReadOptions(), tuning: tuning) }
    switch (full, lazy) {
    case (.success(let full), .success(let lazy)):
        let lazy = try XCTUnwrap(lazy, context, file: file, line: line)
        XCTAssertEqual(lazy.types, full.columns.map(\.type), context, file: file, line: line)
        XCTAssertEqual(lazy.rowCount, full.rowCount, context, file: file, line: line)
        XCTAssertEqual(lazy.warnings, full.warnings, context, file: file, line: line)
        return (lazy, full)
    case (.failure(let a), .failure(let b)):
        XCTAssertEqual("\(a)", "\(b)", context, file: file, line: line)
    default:
        XCTFail("\(context): \(full) against \(lazy)", file: file, line: line)
    }
    return nil
}
