// ConventionTests.swift — `set convention=r|sas|stata` and `km/cox ... compare`.
//
// R's column comes from R (Reference/conventions.R wrote conventions.json). SAS's and Stata's are
// derived here from their manuals' formulas, applied to the life table survsh prints (whose S(t) and
// Greenwood std.err are checked against R elsewhere, and here against R's log-log run):
//   * log-log limits (SAS LIFETEST CONFTYPE=LOGLOG; Stata [ST] sts, Methods and formulas): with
//     se = std.err/S the standard error of log S (Greenwood), lower, upper = S^exp(+-z se/|log S|).
//   * SAS LIFETEST percentile (Details: Computational Formulas): q = min{t_j : S(t_j) < 1 - p}; when
//     S = 1 - p exactly from t_j to t_{j+1}, q = (t_j + t_{j+1})/2. Limits: the event times t_j with
//     |g(S_j) - g(1 - p)| <= z |g'(S_j)| std.err_j, g(x) = log(-log x), g'(x) = 1/(x log x); the lower
//     limit is the first of them, the upper the event time after the last of them.
//   * Stata stci: the first event time with S <= 1 - p (no midpoint; on the Statalist example below
//     stci printed 2); its limits where the log-log limits first fall to 1 - p or below.
//   * Cox: SAS PHREG and Stata stcox default to Breslow ties: R's coxph(ties = "breslow").

import Foundation
import SurvshCore
import XCTest

final class ConventionTests: XCTestCase {
    static var reference: [String: Any] {
        let url = repoRoot.appendingPathComponent("Tests/SurvshTests/Reference/conventions.json")
        guard let d = try? Data(contentsOf: url), let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return [:] }
        return o
    }

    static func ref(_ path: String...) -> [String: Any] {
        var o: [String: Any] = reference
        for k in path { o = o[k] as? [String: Any] ?? [:] }
        return o
    }

    let num = CoxCommandTests.num
    let nums = CoxCommandTests.nums
    func close(_ a: Double?, _ e: Double?, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        CoxCommandTests.close(a, e, label, file: file, line: line)
    }

    static let z = 1.959963984540054

    var tmp: URL!
    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-conv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: tmp) }

    /// A shell with `rows` (time, status) loaded and declared.
    func shell(times: [Double], status: [Int]) throws -> TestShell {
        let path = tmp.appendingPathComponent("d\(times.count)-\(UUID().uuidString.prefix(6)).csv").path
        let lines = ["time,status"] + zip(times, status).map { "\($0),\($1)" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let sh = TestShell()
        sh.run("load \(path)")
        sh.run("survival time status")
        return sh
    }

    /// A shell with data/lung.csv loaded and Surv(time, status) declared.
    func lungShell() -> TestShell {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        return sh
    }

    // MARK: derivations from the manuals

    struct LifeRow { let time: Double; let nEvent: Int; let surv: Double; let stdErr: Double? }

    /// The event rows of one curve of `km ... table` JSON.
    func lifeRows(_ stratum: [String: Any]) -> [LifeRow] {
        (stratum["table"] as? [[String: Any]] ?? []).compactMap { r in
            guard let t = num(r["time"]), let d = r["n_event"] as? Int, d > 0, let s = num(r["surv"]) else { return nil }
            return LifeRow(time: t, nEvent: d, surv: s, stdErr: num(r["std_err"]))
        }
    }

    /// Log-log limits from Greenwood's std.err (nil at S = 0 or 1, where they are undefined).
    static func logLog(_ r: LifeRow) -> (lower: Double, upper: Double)? {
        guard let se = r.stdErr, r.surv > 0, r.surv < 1 else { return nil }
        let w = z * (se / r.surv) / Swift.abs(log(r.surv))
        return (pow(r.surv, exp(w)), pow(r.surv, exp(-w)))
    }

    /// SAS LIFETEST's percentile and limits (see the header).
    static func lifetest(_ rows: [LifeRow], p: Double) -> (time: Double?, lower: Double?, upper: Double?) {
        let s = 1 - p
        var time: Double? = nil
        for (k, r) in rows.enumerated() {
            if Swift.abs(r.surv - s) < 1e-8 { time = k + 1 < rows.count ? (r.time + rows[k + 1].time) / 2 : nil; break }
            if r.surv < s { time = r.time; break }
        }
        let g = { (x: Double) in log(-log(x)) }
        let inSet = rows.indices.filter { k in
            let r = rows[k]
            guard let se = r.stdErr, r.surv > 0, r.surv < 1 else { return false }
            let gPrime = 1 / (r.surv * log(r.surv))
            return Swift.abs(g(r.surv) - g(s)) <= z * Swift.abs(gPrime) * se
        }
        return (time, inSet.first.map { rows[$0].time }, inSet.last.flatMap { $0 + 1 < rows.count ? rows[$0 + 1].time : nil })
    }

    /// Stata stci's percentile and limits (see the header).
    static func stci(_ rows: [LifeRow], p: Double) -> (time: Double?, lower: Double?, upper: Double?) {
        let s = 1 - p + 1e-8
        return (rows.first { $0.surv <= s }?.time, rows.first { logLog($0).map { $0.lower <= s } ?? false }?.time,
                rows.first { logLog($0).map { $0.upper <= s } ?? false }?.time)
    }

    /// The `km ... compare` column of a convention.
    func column(_ j: [String: Any], _ name: String) -> [[String: Any]] {
        let cols = j["conventions"] as? [[String: Any]] ?? []
        return cols.first { $0["convention"] as? String == name }?["strata"] as? [[String: Any]] ?? []
    }

    /// Checks the SAS and Stata columns of `km BODY compare` against the derivations from the
    /// log-log life table; returns the number of curves checked.
    @discardableResult
    func checkDerived(_ sh: TestShell, _ body: String, p: Double = 0.5, file: StaticString = #filePath, line: UInt = #line) -> Int {
        let life = sh.json("km \(body) table conf=log-log", file: file, at: line)["strata"] as? [[String: Any]] ?? []
        let q = p == 0.5 ? "" : " quantiles=\(p)"
        let j = sh.json("km \(body) compare\(q)", file: file, at: line)
        for (name, rule) in [("sas", ConventionTests.lifetest), ("stata", ConventionTests.stci)] {
            let col = column(j, name)
            XCTAssertEqual(col.count, life.count, file: file, line: line)
            for (i, stratum) in life.enumerated() where i < col.count {
                let want = rule(lifeRows(stratum), p)
                let got: [String: Any] = p == 0.5 ? col[i]
                    : ((col[i]["quantiles"] as? [[String: Any]])?.first.map { ["median": $0["time"] as Any, "median_lower": $0["lower"] as Any,
                                                                               "median_upper": $0["upper"] as Any] } ?? [:])
                let label = "\(name) \(body) \(stratum["label"] ?? "") p=\(p)"
                close(num(got["median"]), want.time, "\(label) point", file: file, line: line)
                close(num(got["median_lower"]), want.lower, "\(label) lower", file: file, line: line)
                close(num(got["median_upper"]), want.upper, "\(label) upper", file: file, line: line)
            }
        }
        return life.count
    }

    // MARK: km

    /// km ~ sex compare: R's column is R's default print; SAS's and Stata's S(365) and limits are
    /// the log-log limits from Greenwood's std.err, which also equal R's conf.type = "log-log".
    func testKMCompareOnLungAgainstRAndTheLogLogFormula() throws {
        let sh = lungShell()
        let j = sh.json("km ~ sex compare times=365 quantiles=0.25")
        XCTAssertEqual(j["kind"] as? String, "compare")
        let rLog = ConventionTests.ref("km_lung_sex", "log"), rLogLog = ConventionTests.ref("km_lung_sex", "loglog")
        for (name, ref) in [("r", rLog), ("sas", rLogLog), ("stata", rLogLog)] {
            let col = column(j, name)
            XCTAssertEqual(col.count, 2)
            for (i, s) in col.enumerated() {
                let label = "\(name) \(s["label"] ?? "")"
                if name == "r" {   // print.survfit and quantile.survfit
                    close(num(s["median"]), nums(ref["median"])[i], "\(label) median")
                    close(num(s["median_lower"]), nums(ref["lower"])[i], "\(label) lower")
                    close(num(s["median_upper"]), nums(ref["upper"])[i], "\(label) upper")
                    let q = (s["quantiles"] as? [[String: Any]])?.first ?? [:]
                    close(num(q["time"]), nums(ref["q25"])[i], "\(label) q25")
                    close(num(q["lower"]), nums(ref["q25_lower"])[i], "\(label) q25 lower")
                    close(num(q["upper"]), nums(ref["q25_upper"])[i], "\(label) q25 upper")
                }
                let at = (s["at"] as? [[String: Any]])?.first ?? [:]
                close(num(at["surv"]), nums(ref["surv365"])[i], "\(label) S(365)")
                close(num(at["lower"]), nums(ref["lower365"])[i], "\(label) S(365) lower")
                close(num(at["upper"]), nums(ref["upper365"])[i], "\(label) S(365) upper")
                if name != "r", let surv = nums(rLog["surv365"])[i], let se = nums(rLog["std_err365"])[i] {
                    let derived = try XCTUnwrap(ConventionTests.logLog(LifeRow(time: 365, nEvent: 1, surv: surv, stdErr: se)))
                    close(num(at["lower"]), derived.lower, "\(label) S(365) lower from Greenwood")
                    close(num(at["upper"]), derived.upper, "\(label) S(365) upper from Greenwood")
                }
            }
        }
        // No lung curve sits at exactly 0.5, so Stata's rule gives R's log-log median and limits.
        for (i, s) in column(j, "stata").enumerated() {
            close(num(s["median"]), nums(rLogLog["median"])[i], "stata median = R log-log")
            close(num(s["median_lower"]), nums(rLogLog["lower"])[i], "stata lower = R log-log")
            close(num(s["median_upper"]), nums(rLogLog["upper"])[i], "stata upper = R log-log")
        }
        let notes = (j["differences"] as? [String] ?? []).joined(separator: "\n")
        XCTAssertTrue(notes.contains("CI transform: R log"), notes)
        XCTAssertTrue(notes.contains("no curve here sits at exactly 0.5, so the medians agree"), notes)
        checkDerived(sh, "~ sex")
        checkDerived(sh, "~ sex", p: 0.25)
        checkDerived(sh, "~ ph.ecog")
    }

    /// The Statalist example: S = 0.5 exactly on [2, 4). R and SAS take the midpoint 3 (R's value is
    /// in the reference), Stata stci the first time S <= 0.5, 2.
    func testMedianOnAnExactStretch() throws {
        let sh = try shell(times: [1, 2, 2, 4, 6, 8], status: [1, 1, 1, 1, 1, 1])
        let j = sh.json("km compare")
        close(num(column(j, "r").first?["median"]), num(ConventionTests.ref("statalist")["median"]), "R")
        close(num(column(j, "sas").first?["median"]), 3, "SAS: (2 + 4)/2")
        close(num(column(j, "stata").first?["median"]), 2, "Stata: first S <= 0.5")
        let notes = (j["differences"] as? [String] ?? []).joined(separator: " ")
        XCTAssertTrue(notes.contains("differs here for: all"), notes)
        // Here SAS's and Stata's limits part too: the upper log-log limit never falls to 0.5 (Stata:
        // NA), while the CI still holds 0.5 at 6, so SAS's upper limit is the next event time, 8.
        XCTAssertTrue(notes.contains("SAS's and Stata's limits differ here for: all"), notes)
        close(num(column(j, "sas").first?["median_upper"]), 8, "SAS upper")
        XCTAssertNil(num(column(j, "stata").first?["median_upper"]), "Stata upper")
        checkDerived(sh, "")
        // The plain km under each convention prints its rule's median and says so.
        sh.run("set convention=stata")
        let stata = sh.run("km").outputLines.joined(separator: "\n")
        XCTAssertTrue(stata.contains("all  6       6       2        1       NA"), stata)
        XCTAssertTrue(stata.contains("median: Stata stci's rule"), stata)
        XCTAssertTrue(stata.contains("convention: Stata (sts, stci and stcox defaults)"), stata)
        sh.run("set convention=sas")
        XCTAssertEqual(num((sh.json("km")["strata"] as? [[String: Any]])?.first?["median"]), 3)
        sh.run("set convention=r")
        let r = sh.run("km").outputLines.joined(separator: "\n")
        XCTAssertFalse(r.contains("convention:"), "R's output has no convention line: \(r)")
    }

    /// A curve that ends flat at exactly 0.5: SAS's min{t : S < 0.5} is empty (missing); R's
    /// print.survfit and Stata take the time S reached 0.5.
    func testCurveEndingAtExactlyOneHalf() throws {
        let sh = try shell(times: [1, 2, 3, 4], status: [1, 1, 0, 0])
        let j = sh.json("km compare")
        close(num(column(j, "r").first?["median"]), 2, "R")
        XCTAssertNil(num(column(j, "sas").first?["median"]), "SAS: no t with S(t) < 0.5")
        close(num(column(j, "stata").first?["median"]), 2, "Stata")
        checkDerived(sh, "")
    }

    /// The SAS and Stata limits follow their formulas on other shipped data (several curves, ties).
    func testDerivedRulesOnShippedData() {
        for (file, body) in [("aml", "~ x"), ("veteran", "~ celltype"), ("ovarian", "~ rx")] {
            let sh = TestShell()
            sh.run("load data/\(file).csv")
            sh.run(file == "ovarian" ? "survival futime fustat" : "survival time status")
            XCTAssertGreaterThan(checkDerived(sh, body), 1)
            checkDerived(sh, body, p: 0.25)
        }
    }

    /// set convention changes the defaults only: conf= and ties= given still win; JSON says which.
    func testConventionChangesDefaultsOnly() {
        let sh = lungShell()
        let rLog = ConventionTests.ref("km_lung_sex", "log"), rLogLog = ConventionTests.ref("km_lung_sex", "loglog")
        for (convention, ref) in [("r", rLog), ("sas", rLogLog), ("stata", rLogLog)] {
            sh.run("set convention=\(convention)")
            let j = sh.json("km ~ sex times=365")
            XCTAssertEqual(j["convention"] as? String, convention)
            XCTAssertEqual(j["conf_type"] as? String, convention == "r" ? "log" : "log-log")
            let at = ((j["strata"] as? [[String: Any]])?.first?["at"] as? [[String: Any]])?.first ?? [:]
            close(num(at["lower"]), nums(ref["lower365"])[0], "\(convention) S(365) lower")
            let given = sh.json("km ~ sex times=365 conf=log")
            let atGiven = ((given["strata"] as? [[String: Any]])?.first?["at"] as? [[String: Any]])?.first ?? [:]
            close(num(atGiven["lower"]), nums(rLog["lower365"])[0], "\(convention) conf=log wins")
        }
        let efron = ConventionTests.ref("cox_lung", "efron"), breslow = ConventionTests.ref("cox_lung", "breslow")
        for (convention, ref) in [("r", efron), ("sas", breslow), ("stata", breslow)] {
            sh.run("set convention \(convention)")
            let j = sh.json("cox ~ age + sex + ph.ecog")
            XCTAssertEqual(j["ties"] as? String, ref["ties"] as? String)
            XCTAssertEqual(j["convention"] as? String, convention)
            close(num((j["terms"] as? [[String: Any]])?[1]["coef"]), nums(ref["coef"])[1], "\(convention) sex coef")
            let given = sh.json("cox ~ age + sex + ph.ecog ties=efron")
            close(num((given["terms"] as? [[String: Any]])?[1]["coef"]), nums(efron["coef"])[1], "\(convention) ties=efron wins")
            let text = sh.run("cox ~ age + sex").outputLines.joined(separator: "\n")
            XCTAssertEqual(text.contains("convention: "), convention != "r", text)
        }
        sh.run("set convention=sas")
        let set = sh.run("set").outputLines.joined()
        XCTAssertTrue(set.hasSuffix("collation r, convention sas"), set)
        XCTAssertTrue(sh.error("set convention=spss").contains("convention"))
        XCTAssertTrue(sh.error("set convention spss").contains("expected r, sas or stata"))
        sh.run("set convention=r")
        XCTAssertFalse(sh.run("set").outputLines.joined().contains("convention"), "R, the default, is not shown")
    }

    // MARK: cox

    /// cox ... compare: R's column is coxph's Efron fit, SAS's and Stata's coxph(ties = "breslow").
    func testCoxCompareAgainstR() {
        let sh = lungShell()
        let j = sh.json("cox ~ age + sex + ph.ecog compare")
        XCTAssertEqual(j["kind"] as? String, "compare")
        let cols = j["conventions"] as? [[String: Any]] ?? []
        XCTAssertEqual(cols.map { $0["ties"] as? String }, ["efron", "breslow", "breslow"])
        for c in cols {
            let ref = ConventionTests.ref("cox_lung", c["ties"] as? String ?? "")
            let terms = c["terms"] as? [[String: Any]] ?? []
            XCTAssertEqual(terms.compactMap { $0["name"] as? String }, ref["names"] as? [String])
            for (k, t) in terms.enumerated() {
                let label = "\(c["convention"] ?? "") \(t["name"] ?? "")"
                close(num(t["coef"]), nums(ref["coef"])[k], "\(label) coef")
                close(num(t["hr"]), nums(ref["hr"])[k], "\(label) HR")
                close(num(t["hr_lower"]), nums(ref["lower"])[k], "\(label) lower")
                close(num(t["hr_upper"]), nums(ref["upper"])[k], "\(label) upper")
            }
            let ll = nums(c["loglik"]), rl = nums(ref["loglik"])
            close(ll.last ?? nil, rl.last ?? nil, "loglik")
        }
        let notes = (j["differences"] as? [String] ?? []).joined(separator: " ")
        XCTAssertTrue(notes.contains("of the 164 events here share their time"), notes)
        let text = sh.run("cox ~ age + sex + ph.ecog compare").outputLines.joined(separator: "\n")
        XCTAssertTrue(text.contains("R (efron)  SAS (breslow)  Stata (breslow)"), text)
        // With no tied event times the two agree, and the note says so.
        let untied = try? shell(times: [1, 2, 3, 4, 5, 6, 7, 8], status: [1, 1, 0, 1, 1, 1, 0, 1])
        untied?.run("generate x = time > 4")
        let u = untied?.json("cox ~ x compare") ?? [:]
        XCTAssertTrue((u["differences"] as? [String] ?? []).joined().contains("no two events share a time"))
        XCTAssertTrue(sh.error("cox ~ age compare explain").contains("compare does not combine with explain"))
    }

    // MARK: documentation

    /// help set has the rules with their sources; the README's conventions table is the generated
    /// one. To refresh it: `SURVSH_UPDATE_README=1 swift test --filter testReadmeConventionsTableIsCurrent`.
    func testReadmeConventionsTableIsCurrent() throws {
        let help = TestShell().run("help set").outputLines.joined(separator: "\n")
        for rule in Convention.rules { XCTAssertTrue(help.contains(rule.name), "help set lacks \(rule.name)") }
        XCTAssertTrue(help.contains("SAS LIFETEST, Computational"), help)
        try assertReadmeSection(begin: "<!-- conventions-table:begin (generated from Convention.rules; a test keeps it current) -->",
                                end: "<!-- conventions-table:end -->", generated: Convention.markdownTable(),
                                test: "testReadmeConventionsTableIsCurrent")
    }
}
