import XCTest

/// assertClose(actual, expected, rel: 1e-8, abs: 1e-12, "label") — passes when
/// |a-e| <= abs + rel*|e|; nil/NaN handling: expected nil (JSON null) requires actual nil or NaN.
func assertClose(_ actual: Double?, _ expected: Double?, rel: Double = 1e-8, abs: Double = 1e-12,
                 _ label: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
    guard let expected, !expected.isNaN else {
        if let actual, !actual.isNaN {
            XCTFail("\(label()): expected missing, got \(actual)", file: file, line: line)
        }
        return
    }
    guard let actual, !actual.isNaN else {
        XCTFail("\(label()): expected \(expected), got missing", file: file, line: line)
        return
    }
    if actual == expected { return }
    let diff = Swift.abs(actual - expected)
    if !(diff <= abs + rel * Swift.abs(expected)) {
        XCTFail("\(label()): expected \(expected), got \(actual) (|diff| = \(diff))", file: file, line: line)
    }
}
