// Tolerance.swift — the one tolerance helper for comparisons with reference values.
//
// assertClose(actual, expected, rel:, abs:, label) passes when |actual − expected| ≤ abs + rel·|expected|.
//   - expected nil (JSON null) or NaN: actual must be nil or NaN.
//   - expected ±inf: actual must be the same infinity.
//   - actual nil or NaN with a finite expected value fails.
// Defaults: rel 1e-8, abs 1e-12. Each test states the tolerance it needs and why.

import XCTest

func assertClose(_ actual: Double?, _ expected: Double?, rel: Double = 1e-8, abs: Double = 1e-12,
                 _ label: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
    guard let e = expected, !e.isNaN else {
        if let a = actual, !a.isNaN {
            XCTFail("\(label()): expected nil/NaN, got \(a)", file: file, line: line)
        }
        return
    }
    guard let a = actual, !a.isNaN else {
        XCTFail("\(label()): expected \(e), got \(actual.map { "\($0)" } ?? "nil")", file: file, line: line)
        return
    }
    if e.isInfinite || a.isInfinite {
        if a != e {
            XCTFail("\(label()): expected \(e), got \(a)", file: file, line: line)
        }
        return
    }
    let difference = Swift.abs(a - e)
    let allowed = abs + rel * Swift.abs(e)
    if !(difference <= allowed) {
        let relative = e == 0 ? Double.infinity : difference / Swift.abs(e)
        XCTFail("\(label()): expected \(e), got \(a) (|diff| \(difference), rel \(relative); allowed abs \(abs) + rel \(rel))",
                file: file, line: line)
    }
}
