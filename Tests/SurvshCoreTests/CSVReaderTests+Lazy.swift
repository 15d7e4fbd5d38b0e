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
}
