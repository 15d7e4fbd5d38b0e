// PAdjustTests.swift — PAdjust against R's p.adjust (Reference/ttests.json, from ttests.R).
// Tolerance: 1e-14 relative (the methods are a few multiplications and running minima/maxima).

import XCTest
@testable import SurvivalStats

final class PAdjustTests: XCTestCase {
    private typealias J = StatsReferenceJSON

    func testMatchesR() throws {
        let rows = J.rows(try J.load("ttests"), "padjust")
        XCTAssertGreaterThanOrEqual(rows.count, 30)
        for row in rows {
            let p = J.doubles(row["p"])
            let n = J.double(row["n"]).map { Int($0) }
            let name = J.string(row["method"])!
            let method = PAdjust.Method(rawValue: name)!
            let adjusted = PAdjust.adjust(p, method: method, n: n)
            let expected = J.doubles(row["adjusted"])
            XCTAssertEqual(adjusted.count, expected.count)
            for (k, (a, e)) in zip(adjusted, expected).enumerated() {
                assertClose(a, e.isNaN ? nil : e, rel: 1e-14, abs: 0, "p.adjust(\(p), \(name), n=\(n.map(String.init) ?? "default"))[\(k)]")
            }
        }
    }

    func testSmallCaseAsR() {
        // p.adjust(c(0.01, 0.04, 0.03, 0.2), m) in R 4.2.2
        let p = [0.01, 0.04, 0.03, 0.2]
        let expected: [PAdjust.Method: [Double]] = [
            .holm: [0.04, 0.09, 0.09, 0.2],
            .hochberg: [0.04, 0.08, 0.08, 0.2],
            .bonferroni: [0.04, 0.16, 0.12, 0.8],
            .bh: [0.04, 0.05333333333333334, 0.05333333333333334, 0.2],
            .by: [0.08333333333333333, 0.1111111111111111, 0.1111111111111111, 0.4166666666666667],
            .none: p,
        ]
        for (method, values) in expected {
            let ours = PAdjust.adjust(p, method: method)
            for i in 0..<p.count { assertClose(ours[i], values[i], rel: 1e-12, "\(method) [\(i)]") }
        }
    }
}
