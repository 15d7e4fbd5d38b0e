// AalenJohansen and GrayTest against R (Reference/cuminc.R -> cuminc.json: cmprsk::cuminc, timepoints,
// survfit multi-state, survfit_confint), plus a hand-computed 5-row case.
import XCTest
@testable import SurvivalStats

final class CompetingRisksTests: XCTestCase {
    struct Case {
        let name: String
        let time: [Double]
        let cause: [Int32]
        let group: [Int32]
        let groupCount: Int
        let strata: [Int32]?
        let stratumCount: Int
        let causes: [Double]
        let raw: [String: Any]
    }

    func cases() throws -> [Case] {
        let ref = try StatsReferenceJSON.load("cuminc")
        return StatsReferenceJSON.rows(ref, "cases").map { c in
            let causes = StatsReferenceJSON.doubles(c["causes"])
            let status = StatsReferenceJSON.doubles(c["status"])
            // cause code 1...K in the order of the sorted status codes (as CompetingRisksOutcome codes them)
            let cause = status.map { s in s == 0 ? Int32(0) : Int32(causes.firstIndex(of: s)! + 1) }
            let strata = c["strata"] as? [Any]
            return Case(name: c["name"] as! String, time: StatsReferenceJSON.doubles(c["time"]), cause: cause,
                        group: StatsReferenceJSON.doubles(c["group"]).map { Int32($0) },
                        groupCount: (c["group_labels"] as! [Any]).count,
                        strata: strata.map { StatsReferenceJSON.doubles($0).map { Int32($0) } },
                        stratumCount: Int(StatsReferenceJSON.double(c["stratum_count"]) ?? 1),
                        causes: causes, raw: c)
        }
    }

    func testCumulativeIncidenceAndGrayVarianceMatchCmprsk() throws {
        let all = try cases()
        XCTAssertEqual(all.count, 7)
        for c in all {
            let curves = try AalenJohansen.fit(time: c.time, cause: c.cause, causeCount: c.causes.count,
                                               group: c.group, groupCount: c.groupCount)
            let grid = StatsReferenceJSON.doubles(c.raw["grid"])
            for r in StatsReferenceJSON.rows(c.raw, "curves") {
                let g = Int(StatsReferenceJSON.double(r["group"])!)
                let k = c.causes.firstIndex(of: StatsReferenceJSON.double(r["cause"])!)! + 1
                let curve = curves[g]
                let label = "\(c.name) group \(g) cause \(k)"
                // cmprsk's jump points: the value after each failure of the cause.
                let times = StatsReferenceJSON.doubles(r["time"])
                let est = StatsReferenceJSON.doubles(r["est"]), vr = StatsReferenceJSON.doubles(r["var"])
                XCTAssertEqual(times.count, curve.nEvent[k - 1].filter { $0 > 0 }.count, "\(label): jumps")
                for (i, t) in times.enumerated() {
                    let v = curve.value(cause: k, at: t)
                    assertClose(v?.incidence, est[i], rel: 1e-10, abs: 1e-14, "\(label) est at \(t)")
                    assertClose(v?.variance, vr[i], rel: 1e-8, abs: 1e-15, "\(label) var at \(t)")
                }
                // timepoints() on the grid (NA before 0 and after the last follow-up).
                let atEst = StatsReferenceJSON.doubles(r["at_est"]), atVar = StatsReferenceJSON.doubles(r["at_var"])
                let ci = r["ci"] as! [String: Any]
                let limits = [("log", KaplanMeierConfType.log), ("loglog", .logLog), ("plain", .plain)].map { key, type in
                    let lim = ci[key] as! [String: Any]
                    return (key, type, StatsReferenceJSON.doubles(lim["lower"]), StatsReferenceJSON.doubles(lim["upper"]))
                }
                for (i, t) in grid.enumerated() {
                    let v = curve.value(cause: k, at: t)
                    assertClose(v?.incidence, atEst[i], rel: 1e-10, abs: 1e-14, "\(label) timepoints est at \(t)")
                    assertClose(v?.variance, atVar[i], rel: 1e-8, abs: 1e-15, "\(label) timepoints var at \(t)")
                    for (key, type, lower, upper) in limits {
                        let lo = lower[i], hi = upper[i]
                        let mine = v.flatMap { CompetingRisksCI.limits(incidence: $0.incidence, variance: $0.variance,
                                                                        type: type, level: 0.95) }
                        assertClose(mine?.lower, lo, rel: 1e-8, abs: 1e-14, "\(label) \(key) lower at \(t)")
                        assertClose(mine?.upper, hi, rel: 1e-8, abs: 1e-14, "\(label) \(key) upper at \(t)")
                    }
                }
            }
            // survfit multi-state pstate: the same Aalen-Johansen estimate.
            for r in StatsReferenceJSON.rows(c.raw, "survfit") {
                let g = Int(StatsReferenceJSON.double(r["group"])!)
                let times = StatsReferenceJSON.doubles(r["times"])
                let pstate = (r["pstate"] as! [Any]).map { StatsReferenceJSON.doubles($0) }
                for k in 1...c.causes.count {
                    for (i, t) in times.enumerated() {
                        assertClose(curves[g].value(cause: k, at: t)?.incidence, pstate[k - 1][i], rel: 1e-10, abs: 1e-14,
                                    "\(c.name) survfit pstate group \(g) cause \(k) at \(t)")
                    }
                }
            }
        }
    }

    func testGrayTestMatchesCmprsk() throws {
        for c in try cases() where c.groupCount > 1 {
            let tests = try GrayTest.test(time: c.time, cause: c.cause, causeCount: c.causes.count, group: c.group,
                                          groupCount: c.groupCount, strata: c.strata, stratumCount: c.stratumCount)
            let ref = StatsReferenceJSON.rows(c.raw, "tests")
            XCTAssertEqual(tests.count, ref.count, c.name)
            for (t, r) in zip(tests, ref) {
                assertClose(t.chisq, StatsReferenceJSON.double(r["stat"]), rel: 1e-8, abs: 1e-12, "\(c.name) stat cause \(t.cause)")
                XCTAssertEqual(Double(t.df), StatsReferenceJSON.double(r["df"]), c.name)
                assertClose(t.p, StatsReferenceJSON.double(r["p"]), rel: 1e-7, abs: 1e-14, "\(c.name) p cause \(t.cause)")
            }
        }
    }

    /// 5 rows by hand: times 1 (cause 1), 2 (cause 2), 3 (censored), 4 (cause 1), 5 (cause 2).
    /// S(1-) = 1, n = 5: F1(1) = 1/5; S(1) = 4/5. At 2: F2 = 4/5 * 1/4 = 1/5; S = 3/5.
    /// At 4 (n = 2): F1 = 1/5 + 3/5 * 1/2 = 1/2; S = 3/10. At 5 (n = 1): F2 = 1/5 + 3/10 = 1/2; S = 0.
    func testHandCase() throws {
        let c = try AalenJohansen.fit(time: [4, 2, 5, 1, 3], cause: [1, 2, 2, 1, 0], causeCount: 2,
                                      group: [0, 0, 0, 0, 0], groupCount: 1)[0]
        XCTAssertEqual(c.time, [1, 2, 3, 4, 5])
        XCTAssertEqual(c.nRisk, [5, 4, 3, 2, 1])
        XCTAssertEqual(c.nEvent, [[1, 0, 0, 1, 0], [0, 1, 0, 0, 1]])
        XCTAssertEqual(c.nCensor, [0, 0, 1, 0, 0])
        for (a, e) in zip(c.incidence[0], [0.2, 0.2, 0.2, 0.5, 0.5]) { assertClose(a, e, rel: 1e-15, "F1") }
        for (a, e) in zip(c.incidence[1], [0, 0.2, 0.2, 0.2, 0.5]) { assertClose(a, e, rel: 1e-15, abs: 1e-16, "F2") }
        for (a, e) in zip(c.survival, [0.8, 0.6, 0.6, 0.3, 0]) { assertClose(a, e, rel: 1e-15, abs: 1e-16, "S") }
        // Var F1(1): t6 = 1/25, a = 1 + F/S = 1 + 0.25, b = 1/S = 1.25:
        // v1 + F^2 v3 - 2 F v2 = t6 (a - F b)^2 = t6 * 1 = 0.04 (the binomial variance 0.2 * 0.8 / 5 = 0.032 differs by Gray's form).
        assertClose(c.variance[0][0], 0.04, rel: 1e-14, "Var F1(1)")
        XCTAssertNil(c.value(cause: 1, at: 5.5))
        XCTAssertNil(c.value(cause: 1, at: -1))
        XCTAssertEqual(c.value(cause: 1, at: 0.5)?.incidence, 0)
        XCTAssertEqual(c.nRisk(at: 3.5), 2)
        XCTAssertEqual(c.nRisk(at: 4), 2)
    }
}
