// ColumnFiniteValuesTests.swift — `Column.finiteValues`: what the CSV reader found of a real column's
// values (no NaN or Inf: known finite), kept while the storage is unchanged, forgotten at a change,
// not part of the column's ==; and `requireFinite` still finds an Inf whenever it is not known. A lazy
// table's parse takes the fact from its load's scan (LazyCSVTable.finiteColumns) instead of looking again.

import Foundation
import XCTest
@testable import SurvshCore

final class ColumnFiniteValuesTests: XCTestCase {
    /// A real column's values are known finite after a full read and after a lazy table's parse when
    /// no NaN or Inf was found in them, never for a column with one; a change of the storage forgets
    /// it (without that, requireFinite would miss the Inf put there), and == ignores it.
    func testFiniteValuesAreKnownFromTheReadAndForgottenOnAChange() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-finite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("f.csv").path
        var text = "fin,inf,nan,int,late\n"
        for i in 0..<20_000 { text += "\(Double(i) / 8),\(i == 17 ? "Inf" : "1.5"),\(i == 3 ? "NaN" : "2.5"),\(i),\(i == 19_990 ? "-Inf" : "0.25")\n" }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let full = try CSVReader.read(path: path)
        var tuning = CSVTuning.standard   // (many small scan chunks)
        tuning.scanChunkBytes = 16 << 10
        tuning.parallelMinimumBytes = 0
        let lazy = try XCTUnwrap(CSVReader.readLazily(path: path, options: ReadOptions(), tuning: tuning))
        XCTAssertEqual(lazy.warnings, full.warnings)
        let parsed = try lazy.table.columns(lazy.names, cancel: .never)
        // the parse takes the scan's finding instead of looking again: given a wrong one (the Inf
        // column said finite) it neither warns nor looks
        XCTAssertEqual(lazy.table.finiteColumns, [true, false, false, false, false])
        let told = try CSVReader.parse(lazy.table.input, name: path, options: lazy.table.options, checked: lazy.table.recordPlan,
                                       finite: [true, true, false, false, false], tuning: .standard)
        XCTAssertTrue(told.columns[1].finiteValues.known)
        XCTAssertEqual(told.warnings.filter { $0.contains("'inf'") }, [])
        XCTAssertEqual(full.warnings.filter { $0.contains("'inf'") }.count, 1)
        let want = [true, false, false, false, false]   // (an integer column is not real: nothing to know)
        XCTAssertEqual(full.columns.map(\.finiteValues.known), want)
        XCTAssertEqual(parsed.map(\.finiteValues.known), want)
        for (a, b) in zip(parsed, full.columns) where a.name != "nan" { XCTAssertTrue(a == b, a.name) }   // (NaN != NaN)
        XCTAssertThrowsError(try parsed[4].requireFinite(rows: nil, command: "t"))   // the late -Inf is found
        var changed = parsed[0]
        guard case .real(var v) = changed.storage else { return XCTFail("fin is real") }
        v[5] = .infinity
        changed.storage = .real(v)
        XCTAssertFalse(changed.finiteValues.known)
        XCTAssertThrowsError(try changed.requireFinite(rows: [4, 5], command: "t"))
        var unmarked = parsed[0]
        unmarked.finiteValues.known = false
        XCTAssertTrue(unmarked == parsed[0])
    }
}
