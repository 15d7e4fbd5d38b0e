// CoxCommandTests.swift — `cox` end to end: JSON against R's coxph / cox.zph and the derived Firth
// values (Tests/SurvivalStatsTests/Reference/cox.json, written by cox.R) within 1e-6 relative
// (log-likelihoods 1e-8), model.matrix column names as R's, and clear errors for bad input.

import Foundation
import SurvivalStats
import XCTest

final class CoxCommandTests: XCTestCase {
    static var reference: [String: Any] {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/cox.json")
        guard let d = try? Data(contentsOf: url), let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return [:] }
        return o
    }

    static func model(_ id: String, in section: String = "models") throws -> [String: Any] {
        let list = reference[section] as? [[String: Any]] ?? []
        return try XCTUnwrap(list.first { $0["id"] as? String == id }, "no reference \(section) \(id)")
    }

    static func num(_ x: Any?) -> Double? { (x as? NSNumber)?.doubleValue }
    static func nums(_ x: Any?) -> [Double?] {
        if let a = x as? [Any] { return a.map { num($0) } }
        return [num(x)]
    }
    static func strings(_ x: Any?) -> [String] { (x as? [String]) ?? ((x as? String).map { [$0] } ?? []) }

    /// |a - e| <= abs + rel |e|; expected nil requires nil.
    static func close(_ a: Double?, _ e: Double?, rel: Double = 1e-6, abs: Double = 1e-12, _ label: String,
                      file: StaticString = #filePath, line: UInt = #line) {
        guard let e else {
            if let a, a.isFinite { XCTFail("\(label): expected null, got \(a)", file: file, line: line) }
            return
        }
        guard let a else { XCTFail("\(label): expected \(e), got nil", file: file, line: line); return }
        if !(Swift.abs(a - e) <= abs + rel * Swift.abs(e)) {
            XCTFail("\(label): expected \(e), got \(a)", file: file, line: line)
        }
    }

    /// Compares the JSON of a cox fit with a reference model.
    func compare(_ j: [String: Any], to id: String, file: StaticString = #filePath, line: UInt = #line) throws {
        Self.compare(j, toModel: try Self.model(id), id: id, file: file, line: line)
    }

    /// Compares the JSON of a cox fit with a reference model in cox.R's layout (also rlang.R's).
    static func compare(_ j: [String: Any], toModel m: [String: Any], id: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(j["command"] as? String, "cox", file: file, line: line)
        XCTAssertEqual(j["n"] as? Int, m["n"] as? Int, "\(id) n", file: file, line: line)
        XCTAssertEqual(j["events"] as? Int, m["nevent"] as? Int, "\(id) events", file: file, line: line)
        let terms = j["terms"] as? [[String: Any]] ?? []
        let input = m["input"] as? [String: Any] ?? [:]
        XCTAssertEqual(terms.compactMap { $0["name"] as? String }, Self.strings(input["columns"]), "\(id) R's column names",
                       file: file, line: line)
        let coef = Self.nums(m["coef"]), se = Self.nums(m["se"]), p = Self.nums(m["p"]), hr = Self.nums(m["hr"])
        let lo = Self.nums(m["hr_lower"]), hi = Self.nums(m["hr_upper"]), z = Self.nums(m["z"])
        let rse = m["robust_se"] is NSNull ? nil : m["robust_se"].map { Self.nums($0) }
        for (k, t) in terms.enumerated() where k < coef.count {
            if coef[k] == nil {   // aliased: R reports NA
                XCTAssertEqual(t["aliased"] as? Bool, true, "\(id) aliased column", file: file, line: line)
                continue
            }
            let lab = "\(id) \(t["name"] as? String ?? "")"
            Self.close(Self.num(t["coef"]), coef[k], "\(lab) coef", file: file, line: line)
            Self.close(Self.num(t["hr"]), hr[k], "\(lab) hr", file: file, line: line)
            Self.close(Self.num(t["se"]), se[k], "\(lab) se", file: file, line: line)
            if let rse { Self.close(Self.num(t["robust_se"]), rse[k], "\(lab) robust se", file: file, line: line) }
            Self.close(Self.num(t["z"]), z[k], "\(lab) z", file: file, line: line)
            Self.close(Self.num(t["p"]), p[k], abs: 1e-300, "\(lab) p", file: file, line: line)
            Self.close(Self.num(t["hr_lower"]), lo[k], "\(lab) lower", file: file, line: line)
            Self.close(Self.num(t["hr_upper"]), hi[k], "\(lab) upper", file: file, line: line)
        }
        let ll = Self.nums(j["loglik"]), rll = Self.nums(m["loglik"])
        Self.close(ll.first ?? nil, rll[0], rel: 1e-8, "\(id) loglik0", file: file, line: line)
        Self.close(ll.last ?? nil, rll[1], rel: 1e-8, "\(id) loglik1", file: file, line: line)
        for (key, ref) in [("lr_test", "lr_test"), ("wald_test", "wald_test"), ("score_test", "score_test")] {
            let t = j[key] as? [String: Any] ?? [:]
            let r = Self.nums(m[ref])
            Self.close(Self.num(t["chisq"]), r[0], "\(id) \(key) chisq", file: file, line: line)
            XCTAssertEqual(Self.num(t["df"]), r[1], "\(id) \(key) df", file: file, line: line)
            Self.close(Self.num(t["p"]), r[2], abs: 1e-300, "\(id) \(key) p", file: file, line: line)
        }
        let conc = Self.nums(m["concordance"])
        Self.close(Self.num(j["concordance"]), conc[5], "\(id) concordance", file: file, line: line)
        Self.close(Self.num(j["concordance_se"]), conc[6], "\(id) concordance se", file: file, line: line)
    }

    func lungShell() -> TestShell {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        return sh
    }

    func testLungModelsMatchR() throws {
        let sh = lungShell()
        try compare(sh.json("cox Surv(time, status) ~ age + sex + ph.ecog"), to: "lung_efron")
        try compare(sh.json("cox ~ age + sex + ph.ecog ties=breslow"), to: "lung_breslow")
        try compare(sh.json("cox ~ age + factor(ph.ecog)"), to: "lung_factor_ecog")
        try compare(sh.json("cox ~ factor(sex) * age"), to: "lung_fac_x_num")
        try compare(sh.json("cox ~ age * ph.karno"), to: "lung_num_x_num")
        try compare(sh.json("cox ~ age + wt.loss + strata(sex) + strata(ph.ecog)"), to: "lung_strata2")
        try compare(sh.json("cox ~ age + sex + ph.ecog + cluster(inst)"), to: "lung_cluster")
        let j = sh.json("cox ~ age + sex + ph.ecog + cluster(inst)")
        let rs = Self.nums(try Self.model("lung_cluster")["robust_score_test"])
        Self.close(Self.num((j["robust_score_test"] as? [String: Any])?["chisq"]), rs[0], "robust score test")
    }

    func testOtherDataMatchR() throws {
        let sh = TestShell()
        sh.run("load data/veteran.csv")
        try compare(sh.json("cox Surv(time, status) ~ trt + celltype + karno + diagtime + age + prior"), to: "veteran_full")
        try compare(sh.json("cox Surv(time, status) ~ celltype * factor(trt)"), to: "veteran_fac_x_fac")
        sh.run("load data/heart.csv")
        try compare(sh.json("cox Surv(start, stop, event) ~ age + year + surgery + transplant"), to: "heart_efron")
        try compare(sh.json("cox Surv(start, stop, event) ~ age + transplant + cluster(id)"), to: "heart_cluster")
        sh.run("load data/net_liver_mets.csv")
        sh.run("generate mitoses_liver_gt2 = mitoses_liver > 2")
        sh.run("generate ki67_liver_gt1 = ki67_liver > 1")
        sh.run("generate sstr_liver_weak = sstr_liver == \"weak\"")
        try compare(sh.json("cox Surv(months, died) ~ mitoses_liver_gt2 + ki67_liver_gt1 + sstr_liver_weak"), to: "net_liver")
    }

    /// Real columns over all rows go to the numerics without a copy: same fit as from the arrays.
    func testDirectColumnPathMatchesNumerics() throws {
        let sh = TestShell()
        sh.run("load data/heart.csv")
        let j = sh.json("cox Surv(start, stop, event) ~ age + year")
        let input = try Self.model("heart_efron")["input"] as? [String: Any] ?? [:]
        let x = input["x"] as? [[Double]] ?? []
        let data = try CoxData(columns: [x[0], x[1]], columnNames: ["age", "year"], start: input["start"] as? [Double],
                               stop: input["time"] as? [Double] ?? [], event: (input["event"] as? [Double] ?? []).map { $0 != 0 })
        let fit = try CoxFit.fit(data)
        let terms = j["terms"] as? [[String: Any]] ?? []
        XCTAssertEqual(terms.count, 2)
        for (k, t) in terms.enumerated() {
            Self.close(Self.num(t["coef"]), fit.beta[k], rel: 1e-12, "direct path coef \(k)")
            Self.close(Self.num(t["se"]), fit.coefficients[k].se, rel: 1e-12, "direct path se \(k)")
        }
        Self.close(Self.num(j["concordance"]), fit.concordance?.concordance, rel: 1e-12, "direct path C")
    }

    func testInfiniteCoefficientWarning() throws {
        let sh = TestShell()
        sh.run("load data/ovarian.csv")
        sh.run("generate nodeath = fustat == 0 and ecog.ps == 2")
        let j = sh.json("cox Surv(futime, fustat) ~ age + nodeath")
        try compare(j, to: "ovarian_infinite")
        let terms = j["terms"] as? [[String: Any]] ?? []
        XCTAssertEqual(terms.map { $0["possibly_infinite"] as? Bool }, [false, true])
        let w = (j["warnings"] as? [String] ?? []).joined(separator: " ")
        XCTAssertTrue(w.contains("nodeath") && w.contains("without limit"), w)
        // Firth gives a finite estimate (reference derived in cox.R)
        let fj = sh.json("cox firth Surv(futime, fustat) ~ age + nodeath")
        let fr = try Self.model("ovarian_infinite", in: "firth")
        let ft = fj["terms"] as? [[String: Any]] ?? []
        for (k, t) in ft.enumerated() {
            Self.close(Self.num(t["coef"]), Self.nums(fr["coef"])[k], "firth coef \(k)")
            Self.close(Self.num(t["hr_lower"]), Self.nums(fr["hr_lower"])[k], "firth lower \(k)")
            Self.close(Self.num(t["hr_upper"]), Self.nums(fr["hr_upper"])[k], "firth upper \(k)")
            Self.close(Self.num(t["p"]), Self.nums(fr["p"])[k], "firth p \(k)")
        }
    }

    /// Issue 16, defect 2: `generate big = time * 100; cox ~ big` on aml. R runs out of iterations
    /// with coef -0.1392 (se 4.127, loglik -3.4657); the header and the warning name the same count.
    func testLargeCovariateAsCoxph() throws {
        let sh = TestShell()
        sh.run("load data/aml.csv")
        sh.run("survival time status")
        sh.run("generate big = time * 100")
        try compare(sh.json("cox ~ big"), to: "aml_big")
        try compare(sh.json("cox ~ big ties=breslow"), to: "aml_big_breslow")
        let text = sh.run("cox ~ big").outputLines.joined(separator: "\n")
        XCTAssertTrue(text.contains("did not converge in 20 iterations"), text)
        XCTAssertFalse(text.contains("-Inf") || text.contains("21 iterations"), text)
        sh.run("load data/lung.csv")
        sh.run("generate age_p8 = age + 100000000")
        try compare(sh.json("cox Surv(time, status) ~ age_p8 + sex + ph.ecog"), to: "lung_offset_e8")
        sh.run("generate age_e8 = age * 100000000")
        sh.run("generate wt_e6 = wt.loss * 1000000")
        try compare(sh.json("cox Surv(time, status) ~ age_e8 + wt_e6 + sex"), to: "lung_scaled_e8")
    }

    /// Issue 16, item 9: `cox residuals type=...` as residuals.coxph (first and last 5 rows, from
    /// Reference/cox_followup.R), and gen= saves them as columns (NA on unused rows).
    func testResidualsMatchR() throws {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/cox_followup.json")
        let ref = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let r = try XCTUnwrap((ref["residuals"] as? [[String: Any]])?.first { $0["id"] as? String == "lung_ties_efron" })
        let sh = lungShell()
        sh.run("generate month = ceiling(time / 30)")
        sh.run("cox Surv(month, status) ~ age + sex + ph.ecog")
        for type in CoxResidualType.allCases {
            let j = sh.json("cox residuals type=\(type.rawValue)")
            XCTAssertEqual(j["type"] as? String, type.rawValue)
            let cols = (j["values"] as? [[Any]] ?? []).map { $0.map { Self.num($0) } }
            let refCols: [[Double?]] = type.perColumn ? (r[type.rawValue] as? [Any] ?? []).map { Self.nums($0) } : [Self.nums(r[type.rawValue])]
            XCTAssertEqual(cols.count, refCols.count, type.rawValue)
            for (c, (mine, theirs)) in zip(cols, refCols).enumerated() {
                let ends = Array(mine.prefix(5)) + Array(mine.suffix(5))
                for (k, (a, e)) in zip(ends, theirs).enumerated() { Self.close(a, e, abs: 1e-9, "\(type.rawValue) col \(c) [\(k)]") }
            }
        }
        let gen = sh.json("cox residuals type=martingale gen=mres")
        XCTAssertEqual(gen["generated"] as? [String], ["mres"])
        let col = try XCTUnwrap(sh.session.frame.column("mres"))
        XCTAssertEqual(col.missing.missingCount, 1)   // the row with ph.ecog missing
        XCTAssertTrue(sh.error("cox residuals gen=mres").contains("already exists"))
        XCTAssertTrue(sh.error("cox residuals type=pearson").contains("type"))
    }

    /// Issue 16, item 9: `cox curves at ...` as survfit.coxph(fit, newdata) (Reference/cox_followup.R):
    /// every row of the curves, S(t) at times= and the medians; covariates not set at fit$means.
    func testCurvesMatchSurvfitCoxph() throws {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/cox_followup.json")
        let ref = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let all = ref["curves"] as? [[String: Any]] ?? []
        let sh = lungShell()
        func check(_ j: [String: Any], _ id: String) throws {
            let r = try XCTUnwrap(all.first { $0["id"] as? String == id })
            let mine = j["curves"] as? [[String: Any]] ?? [], theirs = r["curves"] as? [[String: Any]] ?? []
            XCTAssertEqual(mine.count, theirs.count, id)
            for (c, rc) in zip(mine, theirs) {
                let label = "\(id) \(c["label"] as? String ?? "")"
                Self.close(Self.num(c["median"]), Self.num(rc["median"]), "\(label) median")
                Self.close(Self.num(c["median_lower"]), Self.num(rc["median_lower"]), "\(label) median lower")
                Self.close(Self.num(c["median_upper"]), Self.num(rc["median_upper"]), "\(label) median upper")
                let at = c["at"] as? [[String: Any]] ?? []
                for (key, rkey) in [("surv", "at_surv"), ("lower", "at_lower"), ("upper", "at_upper"), ("std_err", "at_std_err")] {
                    let e = Self.nums(rc[rkey])
                    XCTAssertEqual(at.count, e.count, "\(label) times")
                    for (k, (a, ee)) in zip(at, e).enumerated() { Self.close(Self.num(a[key]), ee, "\(label) \(key)[\(k)]") }
                }
                let table = c["table"] as? [[String: Any]] ?? []
                let surv = Self.nums(rc["surv"])
                XCTAssertEqual(table.count, surv.count, "\(label) rows")
                for (k, (row, e)) in zip(table, surv).enumerated() { Self.close(Self.num(row["surv"]), e, "\(label) surv[\(k)]") }
            }
        }
        sh.run("cox ~ age + sex + ph.ecog")
        try check(sh.json("cox curves at sex=1,2 age=60 times=180,365,730"), "lung_efron")
        sh.run("cox ~ age + ph.ecog + strata(sex)")
        let j = sh.json("cox curves at ph.ecog=0,2 times=100,300")
        try check(j, "lung_strata1")
        XCTAssertEqual((j["curves"] as? [[String: Any]])?.first?["label"] as? String, "ph.ecog=0, sex=1")
        XCTAssertTrue(sh.error("cox curves at wt.loss=5").contains("not a covariate"))
        XCTAssertTrue(sh.error("cox curves at age=old").contains("not a number"))
        sh.run("cox ~ age + factor(ph.ecog)")
        XCTAssertTrue(sh.error("cox curves at ph.ecog=7").contains("not a level"))
    }

    func testCollinearColumnIsDropped() throws {
        let sh = lungShell()
        sh.run("generate agesex = age + 2 * sex")
        let j = sh.json("cox ~ age + sex + ph.ecog + agesex")
        try compare(j, to: "lung_collinear")
        let terms = j["terms"] as? [[String: Any]] ?? []
        XCTAssertEqual(terms.last?["aliased"] as? Bool, true)
        XCTAssertTrue(terms.last?["coef"] is NSNull)
        XCTAssertTrue((j["warnings"] as? [String] ?? []).contains { $0.contains("agesex") })
    }

    func testPHTestMatchesCoxZph() throws {
        let sh = lungShell()
        sh.run("cox ~ age + sex + ph.ecog")
        let zph = (try Self.model("lung_efron")["zph"] as? [[String: Any]]) ?? []
        for tr in ["km", "rank", "identity"] {
            let j = sh.json("cox phtest transform=\(tr)")
            XCTAssertEqual(j["kind"] as? String, "phtest")
            let ref = try XCTUnwrap(zph.first { $0["transform"] as? String == tr })
            let rows = (j["terms"] as? [[String: Any]] ?? []) + [j["global"] as? [String: Any] ?? [:]]
            XCTAssertEqual(rows.compactMap { $0["term"] as? String }, Self.strings(ref["rows"]))
            let chisq = Self.nums(ref["chisq"]), p = Self.nums(ref["p"])
            for (k, r) in rows.enumerated() {
                Self.close(Self.num(r["chisq"]), chisq[k], "zph \(tr) chisq \(k)")
                Self.close(Self.num(r["p"]), p[k], "zph \(tr) p \(k)")
            }
        }
    }

    func testFirthMatchesDerivedReference() throws {
        let sh = TestShell()
        sh.run("load data/aml.csv")
        let j = sh.json("cox firth Surv(time, status) ~ x")
        XCTAssertEqual(j["kind"] as? String, "firth")
        let r = try Self.model("aml_x", in: "firth")
        let t = (j["terms"] as? [[String: Any]] ?? []).first ?? [:]
        XCTAssertEqual(t["name"] as? String, "xNonmaintained")
        Self.close(Self.num(t["coef"]), Self.nums(r["coef"])[0], "coef")
        Self.close(Self.num(t["se"]), Self.nums(r["se"])[0], "se")
        Self.close(Self.num(t["hr_lower"]), Self.nums(r["hr_lower"])[0], "lower")
        Self.close(Self.num(t["hr_upper"]), Self.nums(r["hr_upper"])[0], "upper")
        Self.close(Self.num(t["p"]), Self.nums(r["p"])[0], "p")
        let ll = Self.nums(j["loglik"]), rl = Self.nums(r["loglik"])
        Self.close(ll[0], rl[0], rel: 1e-8, "penalised loglik 0")
        Self.close(ll[1], rl[1], rel: 1e-8, "penalised loglik 1")
    }

    func testScreenTableAndMultivariableModel() throws {
        let sh = lungShell()
        let j = sh.json("cox screen ~ age + sex + ph.ecog + wt.loss keep=0.05")
        XCTAssertEqual(j["kind"] as? String, "screen")
        XCTAssertEqual(j["selected"] as? [String], ["age", "sex", "ph.ecog"])
        let uni = j["univariable"] as? [[String: Any]] ?? []
        XCTAssertEqual(uni.map { $0["n"] as? Int }, [228, 228, 227, 214])
        // the multivariable model equals lung_efron (same terms, same complete cases)
        let multi = j["multivariable"] as? [String: Any] ?? [:]
        XCTAssertEqual(multi["n"] as? Int, 227)
        let ref = try Self.model("lung_efron")
        let mterms = multi["terms"] as? [[String: Any]] ?? []
        for (k, t) in mterms.enumerated() {
            Self.close(Self.num(t["hr"]), Self.nums(ref["hr"])[k], "multivariable hr \(k)")
            Self.close(Self.num(t["p"]), Self.nums(ref["p"])[k], "multivariable p \(k)")
        }
        // export writes the screen table
        let path = NSTemporaryDirectory() + "survsh_cox_screen_test.csv"
        sh.run("export \(path)")
        let csv = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("variable,univariable HR (95% CI),p,multivariable HR (95% CI),p"), csv)
        XCTAssertTrue(csv.contains("wt.loss"))
        // phtest now refers to the multivariable model
        let ph = sh.json("cox phtest")
        XCTAssertEqual((ph["terms"] as? [[String: Any]])?.count, 3)
        // the univariable age model is the ordinary cox fit of age alone
        let age = sh.json("cox ~ age")
        let uAge = (uni[0]["terms"] as? [[String: Any]])?.first
        Self.close(Self.num(uAge?["hr"]), Self.num((age["terms"] as? [[String: Any]])?.first?["hr"]), rel: 1e-14, "univariable age")
    }

    func testExplainShowsIterations() throws {
        let sh = lungShell()
        let j = sh.json("cox ~ age + sex explain")
        let trace = j["iterations_trace"] as? [[String: Any]] ?? []
        XCTAssertEqual(trace.count, (j["iterations"] as? Int ?? 0) + 1)
        XCTAssertEqual(trace.first?["iteration"] as? Int, 0)
        let e = sh.json("cox explain")
        XCTAssertEqual(e["kind"] as? String, "explain")
        XCTAssertEqual((e["trace"] as? [Any])?.count, trace.count)
    }

    func testNonConvergenceWarning() throws {
        let sh = lungShell()
        let j = sh.json("cox ~ age + sex + ph.ecog iter.max=2")
        XCTAssertEqual(j["converged"] as? Bool, false)
        XCTAssertTrue((j["warnings"] as? [String] ?? []).contains { $0.contains("did not converge in 2 iterations") })
    }

    func testErrorsAreClear() {
        let sh = lungShell()
        XCTAssertTrue(sh.error("cox").contains("no covariates"))
        XCTAssertTrue(sh.error("cox ~ nosuchcolumn").contains("nosuchcolumn"))
        XCTAssertTrue(sh.error("cox ~ age ties=exact").contains("ties"))
        XCTAssertTrue(sh.error("cox ~ age level=1").contains("level"))
        XCTAssertTrue(sh.error("cox ~ age iter.max=2.5").contains("iter.max"))
        XCTAssertTrue(sh.error("cox firth ~ age + cluster(inst)").contains("cluster"))
        XCTAssertTrue(sh.error("cox phtest age").contains("phtest"))
        XCTAssertTrue(sh.error("cox explain age").contains("explain"))
        let fresh = lungShell()
        XCTAssertTrue(fresh.error("cox phtest").contains("no Cox model"))
        XCTAssertTrue(fresh.error("cox explain").contains("no Cox model"))
        fresh.run("generate alive = 0")
        XCTAssertTrue(fresh.error("cox Surv(time, alive) ~ age").contains("no events"))
    }
}
