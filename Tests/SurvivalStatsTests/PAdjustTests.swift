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
}
