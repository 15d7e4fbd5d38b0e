// CSVReaderTests+Lazy.swift — the lazy reader (CSVReader+Lazy.swift): its scan over many small chunks
// reports the rows, types and warnings of a full read, and the columns it parses later (some or all,
// reusing the scan's chunk plan and stopping each record after its last column read when no quoted
// field of the file holds a newline) equal the full read's.

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
            // (the quoted fields of `generatedFile` hold newlines)
            XCTAssertEqual(lazy.table.recordPlan != nil, !quotes)
            if let plan = lazy.table.recordPlan {
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

    /// The scan counts each chunk's newlines as it scans it (no counting pass), quotes or not: a
    /// newline inside a quoted field, found early (the probe of the first bytes) or late (in a chunk),
    /// sends it to the counting plan; either way the rows, types, warnings, errors (with their line
    /// numbers) and columns are a full read's.
    func testLazyScanFindsQuotesAndLinesWithoutACountingPass() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-lazy-quotes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = 6_000
        let plain = Array(generatedFile(rows: rows, quotes: false).utf8)
            .split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var lines = plain
        /// The lines with a quoted field holding a newline as the last field (note) of line `at` (with
        /// doubled quotes inside before it when `at` is odd).
        func quotedNewline(at: Int, in source: [String]) -> [String] {
            var lines = source
            var fields = lines[at].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let note = at % 2 == 1 ? "\"x, \"\"quoted\"\"\nover a line\"" : "\"x, quoted\nover a line\""
            fields[fields.count - 1] = note + (fields.last!.hasSuffix("\r") ? "\r" : "")
            lines[at] = fields.joined(separator: ",")
            return lines
        }
        // as R's write.csv writes it (every name and text value quoted, no newline inside), with the
        // tokenizer's other quoted forms here and there: a delimiter or doubled quotes inside, empty,
        // after blanks, data after the closing quote, a quoted number and a quoted NA
        var quoted = plain.enumerated().map { i, line in
            var l = line
            for g in ["A", "B", "C", "D"] { l = l.replacingOccurrences(of: ",\(g),", with: ",\"\(g)\",") }
            for n in ["x", "y", "z"] where l.hasSuffix(",\(n)") || l.hasSuffix(",\(n)\r") {
                l = l.replacingOccurrences(of: ",\(n)", with: ",\"\(n)\"")
            }
            return i == 0 ? l.split(separator: ",").map { "\"\($0)\"" }.joined(separator: ",") : l
        }
        for (at, note) in [(100, "\"a,b\""), (200, "\"x \"\"q\"\" y\""), (300, "\"\""), (400, "  \"lead, blank\""), (500, "\"q\"tail")] {
            quoted[at] = quoted[at].replacingOccurrences(of: ",\"x\"", with: "," + note)
                .replacingOccurrences(of: ",\"y\"", with: "," + note).replacingOccurrences(of: ",\"z\"", with: "," + note)
        }
        /// Line `at` with its field `field` replaced.
        func replacing(field: Int, at: Int, by value: (Substring) -> String) -> String {
            quoted[at].split(separator: ",", omittingEmptySubsequences: false).enumerated()
                .map { $0 == field ? value($1) : String($1) }.joined(separator: ",")
        }
        quoted[600] = replacing(field: 1, at: 600) { "\"\($0)\"" }  // time
        quoted[700] = replacing(field: 4, at: 700) { _ in "\"NA\"" }  // when
        var cases: [(name: String, text: String, recordPlan: Bool)] = [("plain", plain.joined(separator: "\n"), true),
                                                                       ("quoted", quoted.joined(separator: "\n"), true)]
        for (name, at) in [("early", 30), ("late", rows - 41)] {
            cases.append((name, quotedNewline(at: at, in: plain).joined(separator: "\n"), false))
            cases.append(("quoted, " + name, quotedNewline(at: at, in: quoted).joined(separator: "\n"), false))
        }
        for (name, at) in [("short row early", 40), ("short row late", rows - 50)] {
            lines = plain
            lines[at] = lines[at].split(separator: ",").dropLast(2).joined(separator: ",")
            cases.append((name, lines.joined(separator: "\n"), true))
            // a quoted field with a newline after the short row: the row's error is the full read's
            cases.append((name + ", quoted newline after", quotedNewline(at: at + 30, in: lines).joined(separator: "\n"), false))
        }
        for (name, text, recordPlan) in cases {
            let path = dir.appendingPathComponent("\(name).csv").path
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            for probe in [64 << 10, 0] {
                var tuning = CSVTuning.standard
                tuning.scanChunkBytes = 8 << 10
                tuning.quotedNewlineProbeBytes = probe
                let context = "\(name), probe \(probe)"
                guard let (lazy, full) = try assertLazyReadReportsAsFullRead(path: path, tuning: tuning, context: context) else {
                    XCTAssertTrue(name.hasPrefix("short row"), "\(context): an error")
                    continue
                }
                XCTAssertEqual(lazy.table.recordPlan != nil, recordPlan, context)
                if let plan = lazy.table.recordPlan {
                    XCTAssertGreaterThan(plan.newlines.count, 16, "\(context): many scan chunks")
                    // the data's lines: every newline after the header's, and the one the reader adds after a last record without
                    XCTAssertEqual(plan.totalNewlines, text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } - 1 + (text.hasSuffix("\n") ? 0 : 1),
                                   "\(context): every newline counted once")
                    XCTAssertEqual(plan.quoteFree, !text.contains("\""), context)
                }
                let columns = try lazy.table.columns(lazy.names, cancel: .never)
                for c in columns { XCTAssertTrue(c == full.columns.first { $0.name == c.name }, "\(context): \(c.name) differs") }
                for names in [["time"], ["group", "note"]] {
                    for c in try lazy.table.columns(names, cancel: .never) {
                        XCTAssertTrue(c == full.columns.first { $0.name == c.name }, "\(context): \(c.name) read alone differs")
                    }
                }
            }
        }
    }

    /// Records of numbers and quoted text only, which the type scan takes whole (`scanPlainRecords`):
    /// its quoted fields end as the tokenizer ends them, and one holding a newline (with or without
    /// doubled quotes, early or late) is found, so the load reports a full read's rows and types
    /// and keeps no plan that would cut records at newlines.
    func testPlainScanOfQuotedText() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-lazy-plain-quotes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = 4_000
        var rng = CSVTestRandom(seed: 11)
        let records = (1...rows).map { i in
            "\(i),\(Double(rng.next() % 10_000) / 10),\"\(["A", "B", "C"][Int(rng.next() % 3)])\",\"n\(i % 7)\",\(rng.next() % 2)"
        }
        let header = "\"id\",\"time\",\"group\",\"note\",\"status\""
        var cases: [(name: String, records: [String], recordPlan: Bool)] = [("plain", records, true)]
        for (name, at) in [("early", 20), ("middle", rows / 2), ("late", rows - 30)] {
            for note in ["\"two\nlines\"", "\"two \"\"quoted\"\"\nlines\"", "\"a,b\"", "\"\"", "  \"lead, blank\"", "\"q\"tail", "x\"y"] {
                var r = records
                r[at] = r[at].replacingOccurrences(of: ",\"n\((at + 1) % 7)\",", with: ",\(note),")
                XCTAssertTrue(r[at].contains(note), "\(note) at \(at)")
                cases.append(("\(name) \(note)", r, !note.contains("\n")))
            }
        }
        for (k, (name, records, recordPlan)) in cases.enumerated() {
            let path = dir.appendingPathComponent("case\(k).csv").path
            try ([header] + records).joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
            for probe in [64 << 10, 0] {
                var tuning = CSVTuning.standard
                tuning.scanChunkBytes = 4 << 10
                tuning.quotedNewlineProbeBytes = probe
                let context = "\(name), probe \(probe)"
                let (lazy, full) = try XCTUnwrap(try assertLazyReadReportsAsFullRead(path: path, tuning: tuning, context: context), context)
                XCTAssertEqual(lazy.types, [.integer, .real, .text, .text, .integer], context)
                // (the probe toggles at every quote: a stray one inside an unquoted field among the first
                // bytes sends the load to the counting plan, which reads it the same)
                if probe == 0 || !name.hasSuffix("x\"y") { XCTAssertEqual(lazy.table.recordPlan != nil, recordPlan, context) }
                for names in [["time"], ["note", "status"], lazy.names] {
                    for c in try lazy.table.columns(names, cancel: .never) {
                        XCTAssertTrue(c == full.columns.first { $0.name == c.name }, "\(context): \(c.name) differs")
                    }
                }
            }
        }
    }

    /// The probe for quoted newlines follows the quotes as the tokenizer does (a doubled quote inside
    /// a quoted field toggles twice).
    func testQuotedNewlineProbe() {
        func probe(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBufferPointer { ByteScan.hasQuotedNewline($0.baseAddress!, $0.count) }
        }
        XCTAssertFalse(probe("a,b\nc,d\n"))
        XCTAssertFalse(probe("\"a\",\"b,c\"\n\"\",\"x \"\"y\"\"\"\n"))
        XCTAssertTrue(probe("\"a\nb\",c\n"))
        XCTAssertTrue(probe("x,\"a \"\"q\"\"\nb\"\n"))
        XCTAssertTrue(probe("x,\"open\n"), "a quote left open before a newline")
        XCTAssertFalse(probe("x,\"open"), "a quote left open at the end, no newline after it")
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
