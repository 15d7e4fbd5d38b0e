// CoxResidualTests.swift — residuals.coxph of every type against R (Reference/cox_followup.json,
// written by Reference/cox_followup.R; the models' inputs come from cox.json, same ids).
//
// Tolerances: rel 1e-6 with abs 1e-9 (residuals near 0 carry the rounding of sums of O(1) terms).
import XCTest
@testable import SurvivalStats

final class CoxResidualTests: XCTestCase {
    /// The first and last 5 of `all` (R's `ends`).
    func ends(_ all: [Double]) -> [Double] { Array(all.prefix(5)) + Array(all.suffix(5)) }

    func assertEnds(_ mine: [Double], _ ref: Any?, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let r = StatsReferenceJSON.doubles(ref)
        let m = ends(mine)
        XCTAssertEqual(m.count, r.count, "\(label) length", file: file, line: line)
        for (k, (a, e)) in zip(m, r).enumerated() { assertClose(a, e, rel: 1e-6, abs: 1e-9, "\(label)[\(k)]", file: file, line: line) }
    }

    func testEveryTypeMatchesR() throws {
        let models = try CoxReference.followUps("residuals")
        XCTAssertEqual(models.count, 5)
        for f in models {
            let (r, id, data, fit) = (f.ref, f.id, f.data, f.fit)
            let ties = fit.ties
            let mart = try CoxResiduals.martingale(data, coefficients: fit.beta, ties: ties)
            assertEnds(mart, r["martingale"], "\(id) martingale")
            assertEnds(CoxResiduals.deviance(martingale: mart, event: data.event), r["deviance"], "\(id) deviance")
            let score = try CoxResiduals.score(data, coefficients: fit.beta, ties: ties)
            let dfbeta = try CoxResiduals.dfbeta(data, coefficients: fit.beta, variance: fit.naiveVariance, ties: ties)
            let sch = try CoxResiduals.schoenfeld(data, coefficients: fit.beta, ties: ties)
            let rs = r["score"] as? [Any] ?? [], rd = r["dfbeta"] as? [Any] ?? [], rsch = r["schoenfeld"] as? [Any] ?? []
            XCTAssertEqual(rs.count, data.p)
            for j in 0..<data.p {
                assertEnds(score[j], rs[j], "\(id) score col \(j)")
                assertEnds(dfbeta[j], rd[j], "\(id) dfbeta col \(j)")
                assertEnds(sch.values[j], rsch[j], "\(id) schoenfeld col \(j)")
            }
            XCTAssertEqual(sch.rows.count, Int(StatsReferenceJSON.double(r["schoenfeld_n"]) ?? -1), "\(id) events")
            assertEnds(sch.time, r["schoenfeld_time"], "\(id) schoenfeld time")
            for (k, row) in sch.rows.enumerated() { XCTAssertEqual(data.stop[row], sch.time[k]); XCTAssertTrue(data.event[row]) }
        }
    }

    /// Martingale residuals sum to 0 (per stratum) at the estimate; deviance keeps their sign.
    func testMartingaleSumsToZero() throws {
        let m = try CoxReference.model("lung_ties_efron")
        let data = try m.input.coxData()
        let fit = try CoxFit.fit(data, concordance: false)
        let mart = try CoxResiduals.martingale(data, coefficients: fit.beta)
        XCTAssertEqual(mart.reduce(0, +), 0, accuracy: 1e-9)
        let dev = CoxResiduals.deviance(martingale: mart, event: data.event)
        for (a, b) in zip(mart, dev) { XCTAssertEqual(a < 0, b < 0) }
    }
}
