// LowessTests.swift — Lowess against R's lowess() at its defaults, on martingale residuals of Cox
// fits against covariates (Reference/cox_followup.json `residual_smooth`, written by
// cox_followup.R): many ties (age, ph.karno), negative values (wt.loss). Tolerance rel 1e-9.
import XCTest
@testable import SurvivalStats

final class LowessTests: XCTestCase {
    func testMatchesRLowess() throws {
        let rows = StatsReferenceJSON.rows(try StatsReferenceJSON.load("cox_followup"), "residual_smooth")
        XCTAssertEqual(rows.count, 3)
        for r in rows {
            let label = "\(StatsReferenceJSON.string(r["id"]) ?? "") ~ \(StatsReferenceJSON.string(r["var"]) ?? "")"
            let fit = Lowess.fit(x: StatsReferenceJSON.doubles(r["x"]), y: StatsReferenceJSON.doubles(r["resid"]))
            XCTAssertEqual(fit.x, StatsReferenceJSON.doubles(r["lowess_x"]), label)
            let e = StatsReferenceJSON.doubles(r["lowess_y"])
            XCTAssertEqual(fit.y.count, e.count, label)
            for (k, (a, b)) in zip(fit.y, e).enumerated() { assertClose(a, b, rel: 1e-9, abs: 1e-12, "\(label) y[\(k)]") }
        }
    }

    /// A straight line is reproduced exactly; two points are returned as they are.
    func testLineAndTinyInput() {
        let x = (0..<20).map(Double.init)
        let fit = Lowess.fit(x: x, y: x.map { 2 * $0 + 1 })
        for (a, b) in zip(fit.y, x.map { 2 * $0 + 1 }) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertEqual(Lowess.fit(x: [2, 1], y: [5, 3]).x, [1, 2])
    }
}
