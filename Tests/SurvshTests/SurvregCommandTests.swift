// SurvregCommandTests.swift — `survreg` end to end: the JSON of each fit, of `hr` and of `survreg
// predict` against R's survreg (Tests/SurvivalStatsTests/Reference/survreg.json, written by
// survreg.R) within 1e-6 relative, model.matrix column names as R's (factors, relevel, I(), a*b),
// strata scales, and one-line errors for bad input.

import Foundation
import XCTest

final class SurvregCommandTests: XCTestCase {
    static var cases: [[String: Any]] {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/survreg.json")
        guard let d = try? Data(contentsOf: url), let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return [] }
        return o["cases"] as? [[String: Any]] ?? []
    }

    typealias C = CoxCommandTests
    static let rel = 1e-6

    func testEveryReferenceCaseThroughTheCommand() throws {
        XCTAssertGreaterThanOrEqual(Self.cases.count, 15)
        for c in Self.cases {
            let id = c["id"] as? String ?? "?"
            let sh = TestShell()
            sh.run("load data/\(c["data"] as? String ?? "").csv")
            let j = sh.json(c["sh"] as? String ?? "")
            XCTAssertEqual(j["command"] as? String, "survreg", id)
            XCTAssertEqual(j["dist"] as? String, c["dist"] as? String, id)
            XCTAssertEqual(j["n"] as? Int, c["n"] as? Int, id)
            XCTAssertEqual(j["events"] as? Int, c["events"] as? Int, id)
            let terms = j["terms"] as? [[String: Any]] ?? []
            XCTAssertEqual(terms.compactMap { $0["name"] as? String }, ["(Intercept)"] + C.strings(c["names_sh"]), "\(id): R's names")
            let table = c["table"] as? [String: Any] ?? [:]
            let rows = terms + (j["log_scale"] as? [[String: Any]] ?? [])
            let value = C.nums(table["value"]), se = C.nums(table["se"]), z = C.nums(table["z"]), p = C.nums(table["p"])
            XCTAssertEqual(rows.count, value.count, id)
            for (k, r) in rows.enumerated() where k < value.count {
                C.close(C.num(r["coef"]), value[k], rel: Self.rel, "\(id) coef \(k)")
                C.close(C.num(r["se"]), se[k], rel: Self.rel, "\(id) se \(k)")
                C.close(C.num(r["z"]), z[k], rel: Self.rel, "\(id) z \(k)")
                C.close(C.num(r["p"]), p[k], rel: Self.rel, abs: 1e-15, "\(id) p \(k)")
                let zq = 1.959963984540054
                C.close(C.num(r["lower"]), value[k]! - zq * se[k]!, rel: Self.rel, abs: 1e-12, "\(id) lower \(k)")
            }
            let rnames = C.strings(table["names"])
            for (k, r) in rows.enumerated().dropFirst(terms.count) where rnames[k].contains("=") || rnames[k] == "Log(scale)" {
                XCTAssertEqual(r["name"] as? String, rnames[k], "\(id): scale row names")
            }
            for (a, e) in zip(C.nums(j["scale"]), C.nums(c["scale"])) { C.close(a, e, rel: Self.rel, "\(id) scale") }
            for (a, e) in zip(C.nums(j["loglik"]), C.nums(c["loglik"])) { C.close(a, e, rel: 1e-8, "\(id) loglik") }
            C.close(C.num(j["aic"]), C.num(c["aic"]), rel: 1e-8, "\(id) AIC")
            if let lr = j["lr_test"] as? [String: Any] {
                C.close(C.num(lr["chisq"]), C.num(c["chisq"]), rel: Self.rel, "\(id) LR chisq")
                XCTAssertEqual(lr["df"] as? Int, c["df"] as? Int, "\(id) LR df")
                C.close(C.num(lr["p"]), C.num(c["p"]), rel: Self.rel, abs: 1e-15, "\(id) LR p")
            } else {
                XCTAssertEqual(C.num(c["df"]), 0, "\(id): no LR test only for the intercept-only model")
            }
            if let preds = c["predict"] as? [[String: Any]] {
                try checkPredictions(sh, c, preds, id: id)
            }
            if let hrs = c["hr"] as? [[String: Any]] {
                let h = sh.json((c["sh"] as? String ?? "") + " hr")["hazard_ratios"] as? [[String: Any]] ?? []
                XCTAssertEqual(h.count, hrs.count, "\(id) hr rows")
                for (a, e) in zip(h, hrs) {
                    for (ka, ke) in [("coef", "coef"), ("hr", "hr"), ("se", "se"), ("z", "z"), ("hr_lower", "lower"), ("hr_upper", "upper")] {
                        C.close(C.num(a[ka]), C.num(e[ke]), rel: Self.rel, "\(id) hr \(ka)")
                    }
                    C.close(C.num(a["p"]), C.num(e["p"]), rel: Self.rel, abs: 1e-15, "\(id) hr p")
                }
            }
        }
    }

    /// `survreg predict p=0.25,0.5,0.75 at ...` against R's predict(type = "quantile", se.fit = TRUE).
    func checkPredictions(_ sh: TestShell, _ c: [String: Any], _ preds: [[String: Any]], id: String) throws {
        let at = c["sh_at"] as? String ?? ""
        let out = sh.json("survreg predict p=0.25,0.5,0.75 \(at)")["predictions"] as? [[String: Any]] ?? []
        for pr in preds {
            let row = (pr["row"] as? [String: Any] ?? [:]).filter { at.contains($0.key + "=") }
            func same(_ a: String?, _ v: Any) -> Bool {
                guard let a else { return false }
                if let s = v as? String { return a == s }
                return Double(a) == C.num(v)
            }
            let mine = out.filter { o in
                let profile = o["profile"] as? [String: String] ?? [:]
                return row.allSatisfy { k, v in
                    same(profile[k], v) || ((o["stratum"] as? String).map { $0.hasPrefix(k + "=") && same(String($0.dropFirst(k.count + 1)), v) } ?? false)
                }
            }
            let q = C.nums(pr["quantile"]), se = C.nums(pr["se"]), u = C.nums(pr["uquantile"]), use = C.nums(pr["use"])
            XCTAssertEqual(mine.count, q.count, "\(id): one prediction per p for \(row)")
            for (k, m) in mine.enumerated() where k < q.count {
                C.close(C.num(m["time"]), q[k], rel: Self.rel, "\(id) quantile \(k)")
                C.close(C.num(m["se"]), se[k], rel: Self.rel, "\(id) quantile se \(k)")
                C.close(C.num(m["uquantile"]), u[k], rel: Self.rel, "\(id) uquantile \(k)")
                C.close(C.num(m["uquantile_se"]), use[k], rel: Self.rel, "\(id) uquantile se \(k)")
                let zq = 1.959963984540054
                let logTime = ["weibull", "exponential", "lognormal", "loglogistic", "rayleigh"].contains(c["dist"] as? String ?? "")
                let lower = u[k]! - zq * use[k]!
                C.close(C.num(m["lower"]), logTime ? exp(lower) : lower, rel: Self.rel, "\(id) quantile lower \(k)")
            }
        }
    }

    func testTextShowsTheConventions() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        let text = sh.run("survreg ~ age + sex hr").outputLines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Weibull distribution: Surv(time, status) ~ age + sex (228 rows, 165 events)"), text)
        XCTAssertTrue(text.contains("Log(scale)"), text)
        XCTAssertTrue(text.contains("AFT scale (R's survreg)"), text)
        XCTAssertTrue(text.contains("exp(-coef / scale)"), text)
        // the tables are exportable
        let path = NSTemporaryDirectory() + "survsh_survreg_test.csv"
        sh.run("export \(path) table=hr")
        let csv = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        XCTAssertTrue(csv.contains("age") && csv.contains("HR"), csv)
        XCTAssertTrue(sh.run("streg ~ age dist=exponential").outputLines.joined().contains("Scale fixed at 1"))
    }

    func testBadInput() {
        let sh = TestShell()
        XCTAssertTrue(sh.error("survreg predict").contains("no survreg model"))
        sh.run("load data/lung.csv")
        let allCensored = sh.error("survreg Surv(time, status == 3) ~ age")
        XCTAssertTrue(allCensored.hasPrefix("error: survreg: there are no events among the 228 rows used"), allCensored)
        let typo = sh.error("survreg Surv(time, status) ~ age dist=weibul")
        XCTAssertTrue(typo.contains("unknown value 'weibul' for dist") && typo.contains("did you mean 'weibull'?"), typo)
        XCTAssertTrue(sh.error("survreg Surv(time, status) ~ age dist=lognormal hr").contains("hr (hazard ratios) needs a proportional-hazards distribution"))
        XCTAssertTrue(sh.error("survreg Surv(time, status) ~ age + strata(sex) hr").contains("hr needs one scale"))
        XCTAssertTrue(sh.error("survreg Surv(time, status) ~ age + strata(sex) dist=exponential").contains("fixes the scale"))
        sh.run("generate t0 = time - 5")
        let nonpositive = sh.error("survreg Surv(t0, status) ~ age dist=lognormal")
        XCTAssertTrue(nonpositive.contains("is not positive") && nonpositive.contains("dist=gaussian"), nonpositive)
        XCTAssertTrue(sh.error("survreg Surv(time, status) ~ age + cluster(inst)").contains("cluster()"))
        sh.run("survreg Surv(time, status) ~ age + factor(ph.ecog)")
        XCTAssertTrue(sh.error("survreg predict at ph.ecog=7").contains("'7' is not a level of factor(ph.ecog)"))
        XCTAssertTrue(sh.error("survreg predict at wt=7").contains("'wt' is not a covariate of the last model"))
        XCTAssertTrue(sh.error("survreg predict p=1").contains("not a probability"))
        for line in ["survreg Surv(time, status) ~ age hr level=2", "survreg predict p=0.5 age=60"] {
            XCTAssertTrue(sh.error(line).hasPrefix("error: survreg: "), line)
        }
    }
}

extension SurvregCommandTests {
    /// `plot km ~ sex overlay=weibull`: the overlay is R's survreg(Surv ~ factor(sex)) (its coefficients,
    /// scale and log-likelihood in the JSON), and the curves are its S(t | group): 1 at t = 0, S at the
    /// group's predicted median is 1/2 (checked through survreg predict on the same model).
    func testPlotOverlayIsTheSurvregFitOfTheGroups() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        let fit = sh.json("survreg ~ factor(sex)")
        let plot = sh.json("plot km ~ factor(sex) overlay=weibull file=\(NSTemporaryDirectory())survsh_overlay.svg")
        let overlay = try XCTUnwrap(plot["overlay"] as? [String: Any])
        XCTAssertEqual(overlay["dist"] as? String, "weibull")
        let coefs = (overlay["coefficients"] as? [[String: Any]] ?? []).map { C.num($0["coef"]) }
        let terms = (fit["terms"] as? [[String: Any]] ?? []).map { C.num($0["coef"]) }
        XCTAssertEqual(coefs.count, 2)
        for (a, e) in zip(coefs, terms) { C.close(a, e, rel: 1e-12, "overlay coefficient") }
        C.close(C.nums(overlay["scale"]).first ?? nil, C.nums(fit["scale"]).first ?? nil, rel: 1e-12, "overlay scale")
        let times = C.nums(overlay["times"]).map { $0 ?? .nan }
        let curves = overlay["curves"] as? [[String: Any]] ?? []
        XCTAssertEqual(curves.count, 2)
        let medians = (sh.json("survreg predict at sex=1,2")["predictions"] as? [[String: Any]] ?? []).map { C.num($0["time"]) ?? .nan }
        for (g, c) in curves.enumerated() {
            let s = C.nums(c["surv"]).map { $0 ?? .nan }
            XCTAssertEqual(s.first, 1, "S(0) = 1")
            XCTAssertTrue(zip(s, s.dropFirst()).allSatisfy { $0 >= $1 }, "S falls")
            // the grid brackets the median: S crosses 1/2 there
            if let k = times.firstIndex(where: { $0 > medians[g] }), k > 0 {
                XCTAssertTrue(s[k - 1] >= 0.5 && s[k] < 0.5, "group \(g): S crosses 1/2 at the predicted median \(medians[g])")
            }
        }
        XCTAssertTrue(sh.error("plot loglog ~ sex overlay=weibull").contains("plot km only"))
        XCTAssertTrue(sh.error("plot km ~ sex overlay=weibul").contains("did you mean 'weibull'?"))
    }
}
