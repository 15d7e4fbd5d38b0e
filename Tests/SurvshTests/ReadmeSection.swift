// ReadmeSection.swift — checks that a generated part of README.md (between two marker comments) is
// the one the code generates now, and rewrites it when SURVSH_UPDATE_README=1.

import Foundation
import XCTest

/// Fails unless README.md holds `generated` between `begin` and `end`; with SURVSH_UPDATE_README=1
/// it writes `generated` there instead. `test` names the test that refreshes it, for the message.
func assertReadmeSection(begin: String, end: String, generated: String, test: String,
                         file: StaticString = #filePath, line: UInt = #line) throws {
    let url = repoRoot.appendingPathComponent("README.md")
    let text = try String(contentsOf: url, encoding: .utf8)
    guard let b = text.range(of: begin), let e = text.range(of: end), b.upperBound <= e.lowerBound else {
        return XCTFail("README.md lacks the markers \(begin) ... \(end)", file: file, line: line)
    }
    let current = text[b.upperBound..<e.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
    if current != generated, ProcessInfo.processInfo.environment["SURVSH_UPDATE_README"] == "1" {
        try text.replacingCharacters(in: b.upperBound..<e.lowerBound, with: "\n" + generated + "\n")
            .write(to: url, atomically: true, encoding: .utf8)
        return
    }
    XCTAssertEqual(current, generated, "README section is stale: run SURVSH_UPDATE_README=1 swift test --filter \(test)",
                   file: file, line: line)
}
