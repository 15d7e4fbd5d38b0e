// SurvregTests.swift — SurvivalStats' parametric regression (SurvregFit, SurvregPrediction) against
// R's survreg on the model matrices R built (Reference/survreg.R wrote Reference/survreg.json).
//
// Tolerances: the fit follows survreg.fit step for step (same start, same Newton-Raphson path and
// convergence test), so estimates agree to rounding: 1e-7 relative on everything R reports
// (coefficients, se, scale, loglik, LR chisq, AIC, quantiles and their se, hazard ratios and CIs).

import XCTest
@testable import SurvivalStats

final class SurvregTests: XCTestCase {
    typealias J = StatsReferenceJSON

    static let rel = 1e-7

    func cases() throws -> [[String: Any]] {
        let ref = try J.load("survreg")
        XCTAssertEqual(J.string(ref["survival_version"]), "3.5.3")
        return J.rows(ref, "cases")
    }

    /// The case's data as SurvregData (the model matrix R built, without its intercept).
    static func data(_ c: [String: Any]) -> SurvregData {
        let xs = (c["x"] as? [Any] ?? []).map { J.doubles($0) }
        let names = (c["names"] as? [String] ?? []).dropFirst()
        let strata = (c["strata"] as? [Any]).map { J.doubles($0).map { Int32($0) - 1 } }
        return SurvregData(time: J.doubles(c["time"]), event: J.doubles(c["status"]).map { $0 != 0 }, columns: xs,
                           columnNames: Array(names), strata: strata,
                           strataCount: (c["strata_labels"] as? [String])?.count)
    }

    func testEveryCaseMatchesR() throws {
        let all = try cases()
        XCTAssertGreaterThanOrEqual(all.count, 15)
        var distributions = Set<String>()
        for c in all {
            let id = J.string(c["id"]) ?? "?"
            let dist = try XCTUnwrap(SurvregDistribution(rawValue: J.string(c["dist"]) ?? ""), id)
            distributions.insert(dist.rawValue)
            let fit = try SurvregFit.fit(Self.data(c), distribution: dist)
            XCTAssertTrue(fit.converged, id)
            XCTAssertEqual(fit.n, Int(J.double(c["n"]) ?? -1), id)
            XCTAssertEqual(fit.events, Int(J.double(c["events"]) ?? -1), id)
            XCTAssertEqual(fit.iterations, Int(J.double(c["iter"]) ?? -1), "\(id): iterations as R")
            let coef = J.doubles(c["coefficients"])
            XCTAssertEqual(fit.nvar, coef.count, id)
            for (k, e) in coef.enumerated() { assertClose(fit.coefficients[k], e, rel: Self.rel, "\(id) coef \(k)") }
            let scale = J.doubles(c["scale"])
            XCTAssertEqual(fit.scales.count, scale.count, id)
            for (k, e) in scale.enumerated() { assertClose(fit.scales[k], e, rel: Self.rel, "\(id) scale \(k)") }
            let v = (c["var"] as? [Any] ?? []).map { J.doubles($0) }
            XCTAssertEqual(v.count, fit.parameterCount, id)
            for i in 0..<v.count { for j in 0..<v.count { assertClose(fit.cov(i, j), v[i][j], rel: Self.rel, abs: 1e-14, "\(id) var[\(i),\(j)]") } }
            let loglik = J.doubles(c["loglik"])
            assertClose(fit.loglik.null, loglik[0], rel: Self.rel, "\(id) loglik0")
            assertClose(fit.loglik.model, loglik[1], rel: Self.rel, "\(id) loglik")
            assertClose(fit.aic, J.double(c["aic"]), rel: Self.rel, "\(id) AIC")
            let df = Int(J.double(c["df"]) ?? -1)
            if df > 0 {
                let lr = try XCTUnwrap(fit.lrTest, id)
                XCTAssertEqual(lr.df, df, id)
                assertClose(lr.chisq, J.double(c["chisq"]), rel: 1e-6, abs: 1e-9, "\(id) chisq")
                assertClose(lr.p, J.double(c["p"]), rel: 1e-6, abs: 1e-15, "\(id) LR p")
            } else {
                XCTAssertNil(fit.lrTest, id)
            }
            // summary.survreg's table
            let table = c["table"] as? [String: Any] ?? [:]
            let rows = fit.table(strataLabels: (c["strata_labels"] as? [String]) ?? [])
            let names = table["names"] as? [String] ?? []
            XCTAssertEqual(rows.map(\.name), names, id)
            for (k, r) in rows.enumerated() {
                assertClose(r.value, J.doubles(table["value"])[k], rel: Self.rel, "\(id) value \(r.name)")
                assertClose(r.se, J.doubles(table["se"])[k], rel: Self.rel, "\(id) se \(r.name)")
                assertClose(r.z, J.doubles(table["z"])[k], rel: Self.rel, "\(id) z \(r.name)")
                assertClose(r.p, J.doubles(table["p"])[k], rel: 1e-6, abs: 1e-15, "\(id) p \(r.name)")
            }
            for pr in (c["predict"] as? [[String: Any]] ?? []) {
                let q = fit.quantiles(J.doubles(pr["x"]), stratum: Int(J.double(pr["stratum"]) ?? 1) - 1,
                                      probabilities: J.doubles(pr["p"]))
                for (t, e) in zip(J.doubles(pr["surv_times"]), J.doubles(pr["surv"])) {
                    assertClose(fit.survival(at: t, J.doubles(pr["x"]), stratum: Int(J.double(pr["stratum"]) ?? 1) - 1), e,
                                rel: Self.rel, abs: 1e-12, "\(id) S(\(t))")
                }
                for (k, e) in J.doubles(pr["quantile"]).enumerated() {
                    assertClose(q[k].time, e, rel: Self.rel, "\(id) quantile \(k)")
                    assertClose(q[k].se, J.doubles(pr["se"])[k], rel: Self.rel, "\(id) quantile se \(k)")
                    assertClose(q[k].linear, J.doubles(pr["uquantile"])[k], rel: Self.rel, "\(id) uquantile \(k)")
                    assertClose(q[k].linearSE, J.doubles(pr["use"])[k], rel: Self.rel, "\(id) uquantile se \(k)")
                }
            }
            if let hrs = c["hr"] as? [[String: Any]] {
                let mine = try XCTUnwrap(fit.hazardRatios(), id)
                XCTAssertEqual(mine.count, hrs.count, id)
                for (h, e) in zip(mine, hrs) {
                    for (label, a, key) in [("coef", h.coef, "coef"), ("se", h.se, "se"), ("hr", h.hr, "hr"),
                                            ("lower", h.lower, "lower"), ("upper", h.upper, "upper"), ("z", h.z, "z")] {
                        assertClose(a, J.double(e[key]), rel: Self.rel, "\(id) hr \(h.name) \(label)")
                    }
                    assertClose(h.p, J.double(e["p"]), rel: 1e-6, abs: 1e-15, "\(id) hr \(h.name) p")
                }
            } else if fit.strataCount == 1 {
                XCTAssertNil(fit.hazardRatios(), "\(id): no hazard ratios for \(dist)")
            }
        }
        XCTAssertEqual(distributions, Set(["weibull", "exponential", "lognormal", "loglogistic", "gaussian", "logistic",
                                           "extreme", "rayleigh"]))
    }

    /// The fitted survival curve: S at the predicted median is one half; S falls with t.
    func testSurvivalAtTheMedianIsOneHalf() throws {
        for c in try cases() {
            let dist = SurvregDistribution(rawValue: J.string(c["dist"]) ?? "")!
            let fit = try SurvregFit.fit(Self.data(c), distribution: dist)
            let row = [Double](repeating: 0, count: fit.nvar - 1)
            let m = fit.quantiles(row, probabilities: [0.5])[0].time
            assertClose(fit.survival(at: m, row), 0.5, rel: 1e-12, J.string(c["id"]) ?? "")
            XCTAssertGreaterThan(fit.survival(at: m * 0.5, row), fit.survival(at: m * 2, row))
        }
    }

    func testBadInput() {
        let t = [1.0, 2, 3, 4]
        XCTAssertThrowsError(try SurvregFit.fit(SurvregData(time: t, event: [false, false, false, false], columns: [],
                                                            columnNames: []), distribution: .weibull)) {
            XCTAssertEqual($0 as? SurvregError, .noEvents)
        }
        XCTAssertThrowsError(try SurvregFit.fit(SurvregData(time: [0, 2, 3, 4], event: [true, true, false, true], columns: [],
                                                            columnNames: []), distribution: .lognormal)) {
            XCTAssertEqual($0 as? SurvregError, .nonPositiveTime(index: 0, value: 0))
        }
        XCTAssertThrowsError(try SurvregFit.fit(SurvregData(time: t, event: [true, true, false, true], columns: [],
                                                            columnNames: [], strata: [0, 1, 0, 1]), distribution: .exponential)) {
            XCTAssertEqual($0 as? SurvregError, .fixedScaleWithStrata(.exponential))
        }
    }
}
