// DescriptiveTests.swift — Moments and Quantile against R's mean, sd, var, quantile(type 7), median
// (Reference/ttests.json, from ttests.R). Tolerance: 1e-14 relative.

import XCTest
@testable import SurvivalStats

final class DescriptiveTests: XCTestCase {
    private typealias J = StatsReferenceJSON

    func testMatchesR() throws {
        let rows = J.rows(try J.load("ttests"), "descriptive")
        XCTAssertGreaterThanOrEqual(rows.count, 5)
        for row in rows {
            let name = J.string(row["name"])!
            let x = J.doubles(row["x"]).filter { !$0.isNaN }
            assertClose(Moments.mean(x), J.double(row["mean"]), rel: 1e-14, abs: 0, "\(name): mean")
            assertClose(Moments.standardDeviation(x), J.double(row["sd"]), rel: 1e-14, abs: 0, "\(name): sd")
            assertClose(Moments.variance(x), J.double(row["var"]), rel: 1e-14, abs: 0, "\(name): var")
            assertClose(Quantile.median(x), J.double(row["median"]), rel: 1e-14, abs: 0, "\(name): median")
            let probs = J.doubles(row["probs"])
            let q = Quantile.type7(x, probabilities: probs)
            for (k, e) in J.doubles(row["quantiles"]).enumerated() {
                assertClose(q[k], e, rel: 1e-14, abs: 0, "\(name): quantile(\(probs[k]))")
            }
        }
    }

    func testEdgeCases() {
        XCTAssertTrue(Moments.mean([]).isNaN)
        XCTAssertTrue(Moments.variance([3]).isNaN)
        XCTAssertTrue(Quantile.type7([], probabilities: [0.5])[0].isNaN)
        XCTAssertTrue(Quantile.type7([1, 2], probabilities: [1.5])[0].isNaN)
        XCTAssertEqual(Quantile.type7([3, 1, 2], probabilities: [0, 0.5, 1]), [1, 2, 3])
    }
}
