// PrintedNumbers.swift — reading the numbers a command printed, so tests can redo the arithmetic an
// `explain` shows; and the relative tolerance those checks use.

import Foundation
import XCTest

/// Reading the numbers an explanation printed.
struct PrintedNumbers {
    let lines: [String]

    init(_ text: String) { lines = text.split(separator: "\n").map(String.init) }

    /// Every number in a piece of text (integers, decimals, exponents, a sign written against the
    /// digits), skipping digits that belong to a name or a power (`n1`, `R2`, `sd1^2`).
    static func numbers(in text: Substring) -> [Double] {
        let s = String(text)
        let regex = try! NSRegularExpression(pattern: #"(?<![A-Za-z0-9_.^])-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?"#)
        return regex.matches(in: s, range: NSRange(s.startIndex..., in: s)).compactMap { m in
            Range(m.range, in: s).flatMap { Double(s[$0]) }
        }
    }

    /// The first line containing `marker` (the test fails when there is none).
    func line(_ marker: String, file: StaticString = #filePath, at: UInt = #line) -> String {
        guard let l = lines.first(where: { $0.contains(marker) }) else {
            XCTFail("no line with '\(marker)' in:\n\(lines.joined(separator: "\n"))", file: file, line: at)
            return ""
        }
        return l
    }

    /// The numbers after `marker` on its line.
    func after(_ marker: String, file: StaticString = #filePath, at: UInt = #line) -> [Double] {
        let l = line(marker, file: file, at: at)
        guard let r = l.range(of: marker) else { return [] }
        return PrintedNumbers.numbers(in: l[r.upperBound...])
    }

    /// The numbers after `marker` in a given line.
    func after(_ marker: String, in line: String) -> [Double] {
        guard let r = line.range(of: marker) else { XCTFail("'\(marker)' not in '\(line)'"); return [] }
        return PrintedNumbers.numbers(in: line[r.upperBound...])
    }

    /// The last number on the line containing `marker` (the result of the printed arithmetic).
    func result(_ marker: String, file: StaticString = #filePath, at: UInt = #line) -> Double {
        after(marker, file: file, at: at).last ?? .nan
    }
}

/// Relative closeness for numbers printed with 12 significant digits.
func assertClose(_ a: Double, _ b: Double, rel: Double = 1e-9, _ what: String = "", file: StaticString = #filePath, at: UInt = #line) {
    XCTAssertTrue(abs(a - b) <= rel * max(abs(a), abs(b), 1e-300), "\(what): \(a) vs \(b)", file: file, line: at)
}

/// Solves A x = b by Gaussian elimination with partial pivoting (small systems in tests).
func solveLinear(_ a: [[Double]], _ b: [Double]) -> [Double] {
    var m = a, x = b
    let n = b.count
    for c in 0..<n {
        let pivot = (c..<n).max { abs(m[$0][c]) < abs(m[$1][c]) }!
        m.swapAt(c, pivot)
        x.swapAt(c, pivot)
        for r in (c + 1)..<max(n, c + 1) {
            let f = m[r][c] / m[c][c]
            for j in c..<n { m[r][j] -= f * m[c][j] }
            x[r] -= f * x[c]
        }
    }
    for c in stride(from: n - 1, through: 0, by: -1) {
        for j in (c + 1)..<max(n, c + 1) { x[c] -= m[c][j] * x[j] }
        x[c] /= m[c][c]
    }
    return x
}

/// x'y.
func dot(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
