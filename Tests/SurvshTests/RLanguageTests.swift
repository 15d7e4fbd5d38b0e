// RLanguageTests.swift — survsh speaking R (issue 16): text levels in R's UTF-8 order, reference levels
// chosen by factor(x, ref =), relevel() and the levels/relevel commands, set collation=c; each case's
// commands run here and the last one's JSON is compared with R (Tests/SurvshTests/Reference/rlang.json,
// written by rlang.R) with CoxCommandTests' and KMCommandTests' comparisons.

import Foundation
import XCTest

enum RLangReference {
    static var all: [String: Any] {
        let url = repoRoot.appendingPathComponent("Tests/SurvshTests/Reference/rlang.json")
        guard let d = try? Data(contentsOf: url), let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return [:] }
        return o
    }

    static func find(_ kind: String, _ id: String) throws -> [String: Any] {
        let list = all[kind] as? [[String: Any]] ?? []
        return try XCTUnwrap(list.first { ($0["id"] as? [String])?.first ?? $0["id"] as? String == id }, "no \(kind) case \(id)")
    }

    static func string(_ x: Any?) -> String? { (x as? [String])?.first ?? x as? String }

    /// Runs the case's commands in a fresh shell; the JSON of the last one.
    static func run(_ c: [String: Any], file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        let sh = TestShell()
        let commands = c["commands"] as? [String] ?? []
        for cmd in commands.dropLast() { sh.run(cmd, file: file, at: line) }
        return sh.json(commands.last ?? "", file: file, at: line)
    }

    static func cox(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let c = try find("cox", id)
        CoxCommandTests.compare(run(c, file: file, line: line), toModel: c, id: id, file: file, line: line)
    }

    static func km(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let c = try find("km", id)
        KMCommandTests.compare(run(c, file: file, line: line), toCase: c, name: id, file: file, line: line)
    }

    /// A logrank result against survdiff: group labels, n, observed, expected, chisq, df, p.
    static func logrank(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let c = try find("logrank", id)
        let j = run(c, file: file, line: line)
        let groups = j["groups"] as? [[String: Any]] ?? []
        XCTAssertEqual(groups.compactMap { $0["label"] as? String }, c["labels"] as? [String], "\(id) labels", file: file, line: line)
        for (key, ref) in [("n", "n"), ("observed", "observed"), ("expected", "expected")] {
            let expected = CoxCommandTests.nums(c[ref])
            XCTAssertEqual(groups.count, expected.count, "\(id) groups", file: file, line: line)
            for (g, e) in zip(groups, expected) {
                CoxCommandTests.close(CoxCommandTests.num(g[key]), e, "\(id) \(key)", file: file, line: line)
            }
        }
        for key in ["chisq", "df", "p"] {
            CoxCommandTests.close(CoxCommandTests.num(j[key]), CoxCommandTests.num(c[key]), abs: 1e-300, "\(id) \(key)", file: file, line: line)
        }
    }
}

final class RLanguageTests: XCTestCase {
    func testReferenceLevelsAreRs() throws {
        for id in ["rotterdam_size", "rotterdam_size_age_nodes", "rotterdam_factor_ref", "rotterdam_factor_ref_numeric",
                   "rotterdam_relevel_call", "rotterdam_relevel_command", "rotterdam_levels_command",
                   "rotterdam_collation_c"] {
            try RLangReference.cox(id)
        }
    }

    func testFormulasAsRWritesThem() throws {
        for id in ["pbc_status_eq_2", "pbc_status_in", "rotterdam_transforms", "pbc_interaction_expr",
                   "pbc_interaction_colon", "pbc_factor_expr"] {
            try RLangReference.cox(id)
        }
        for id in ["rotterdam_size", "rotterdam_size_levels", "pbc_status_eq_2_sex"] { try RLangReference.km(id) }
        for id in ["rotterdam_size", "pbc_status_eq_2_sex", "pbc_status_eq_2_stage"] { try RLangReference.logrank(id) }
    }

    func testDeclaredOutcomeTakesExpressions() throws {
        let sh = TestShell()
        sh.run("load data/pbc.csv")
        XCTAssertEqual(sh.json("survival Surv(time, status == 2)")["events"] as? Int, 161)
        let m = try RLangReference.find("cox", "pbc_status_eq_2")
        CoxCommandTests.compare(sh.json("cox ~ age + sex + log(bili)"), toModel: m, id: "pbc_status_eq_2 (declared)")
        XCTAssertEqual(sh.json("survival")["outcome"] as? String, "Surv(time, status == 2)")
        sh.run("load data/rotterdam.csv")   // no 'time' or 'status': the declaration goes
        XCTAssertTrue(sh.json("survival")["outcome"] is NSNull)
    }

    func testDelayedEntryKaplanMeierAsSurvfit() throws {
        for id in ["pbc_age_scale", "pbc_age_scale_sex", "heart_counting"] { try RLangReference.km(id) }
        try RLangReference.cox("pbc_age_scale_cox")
    }

    func testPlotKMDrawsDelayedEntryCurvesWithoutALogrankP() throws {
        let sh = TestShell()
        sh.run("load data/pbc.csv")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rlang_delayed_\(getpid()).svg").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = sh.run("plot km Surv(age, age + time/365.25, status == 2) ~ sex risktable pvalue file=\(path)")
        XCTAssertTrue(r.outputLines.contains { $0.contains("2 curves: sex=f (n=374, 137 events), sex=m (n=44, 24 events)") }, "\(r.outputLines)")
        XCTAssertTrue(r.outputLines.contains { $0.contains("the log-rank test takes right-censored data only") }, "\(r.outputLines)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        // the risk table is the km curve's n.risk at the ticks, as summary(fit, times = ticks)
        let j = sh.json("plot km Surv(age, age + time/365.25, status == 2) risktable")
        let rows = ((j["risk_table"] as? [String: Any])?["rows"] as? [[String: Any]]) ?? []
        let ticks = ((j["risk_table"] as? [String: Any])?["times"] as? [Double]) ?? []
        let km = sh.json("km Surv(age, age + time/365.25, status == 2) times=\(ticks.map { String($0) }.joined(separator: ","))")
        let at = ((km["strata"] as? [[String: Any]])?.first?["at"] as? [[String: Any]]) ?? []
        XCTAssertEqual(rows.first?["n_risk"] as? [Int], at.compactMap { $0["n_risk"] as? Int })
        XCTAssertFalse(at.isEmpty)
    }

    func testLogrankRefusesCountingDataAsSurvdiffAndPointsToCox() throws {
        let sh = TestShell()
        sh.run("load data/heart.csv")
        let e = sh.error("logrank Surv(start, stop, event) ~ surgery")
        let r = try XCTUnwrap(RLangReference.string(RLangReference.all["survdiff_counting_error"]))
        XCTAssertEqual(r, "Right censored data only")
        XCTAssertTrue(e.contains(r), e)
        XCTAssertTrue(e.contains("cox Surv(START, STOP, EVENT) ~ GROUP"), e)
        // the pointer is right: cox takes the same data and reports the score test
        let cox = sh.json("cox Surv(start, stop, event) ~ surgery")
        XCTAssertNotNil((cox["score_test"] as? [String: Any])?["chisq"] as? Double)
    }

    func testFormulaErrorsPointAtTheTerm() {
        let sh = TestShell()
        sh.run("load data/pbc.csv")
        XCTAssertEqual(sh.error("cox Surv(time, status == 2) ~ age/10"),
                       "error: cox: in a formula '/' means nesting, as in R; wrap arithmetic in I(): I(age/10) (expected a column, an expression such as log(x + 1), or I(...))")
        XCTAssertTrue(sh.error("km Surv(time, status == 2) ~ log(nosuch)").hasPrefix("error: km: unknown column 'nosuch'"))
        XCTAssertTrue(sh.error("logrank Surv(time, sex == 2) ~ trt").hasPrefix("error: logrank: "))
        // a formula's columns live for its command only
        sh.run("cox Surv(time, status == 2) ~ log(bili)")
        XCTAssertTrue(sh.error("summarize log(bili)").hasPrefix("error: summarize: "))
    }

    func testTextOutputNamesTermsAsR() {
        let sh = TestShell()
        sh.run("load data/rotterdam.csv")
        let out = sh.run("cox Surv(rtime, recur) ~ size").outputLines
        XCTAssertTrue(out.contains { $0.hasPrefix("size>50 ") }, "\(out)")
        XCTAssertTrue(out.contains { $0.hasPrefix("size20-50 ") }, "\(out)")
        XCTAssertFalse(out.contains { $0.hasPrefix("size<=20") }, "<=20 is the reference: \(out)")
    }

    func testLevelOrderIsFollowedByTablesAndGroups() {
        let sh = TestShell()
        sh.run("load data/rotterdam.csv")
        XCTAssertEqual(sh.json("levels size")["levels"] as? [String], ["<=20", ">50", "20-50"])
        XCTAssertEqual(sh.json("levels size \">50\",20-50")["levels"] as? [String], [">50", "20-50", "<=20"])
        let tab = sh.run("tabulate size").outputLines
        let order = [">50", "20-50", "<=20"].map { l in tab.firstIndex { $0.hasPrefix(l + " ") } ?? -1 }
        XCTAssertEqual(order, order.sorted(), "tabulate follows the set order: \(tab)")
        XCTAssertFalse(order.contains(-1), "\(tab)")
        let km = sh.json("km Surv(rtime, recur) ~ size")["strata"] as? [[String: Any]] ?? []
        XCTAssertEqual(km.compactMap { $0["label"] as? String }, ["size=>50", "size=20-50", "size=<=20"])
        XCTAssertEqual(sh.json("relevel size \"<=20\"")["levels"] as? [String], ["<=20", ">50", "20-50"])
        XCTAssertEqual(sh.json("levels size sorted")["levels"] as? [String], ["<=20", ">50", "20-50"])
        sh.run("set collation=c")
        XCTAssertEqual(sh.json("levels size")["levels"] as? [String], ["20-50", "<=20", ">50"])
        XCTAssertEqual(sh.json("set")["collation"] as? String, "c")
        sh.run("set collation r")
        XCTAssertEqual(sh.json("levels size")["levels"] as? [String], ["<=20", ">50", "20-50"])
    }

    func testTextComparisonsUseTheCollation() throws {
        let ref = try XCTUnwrap(RLangReference.all["text_compare"] as? [String: Any])
        let levels = try XCTUnwrap(ref["levels"] as? [String])
        let sh = TestShell()
        sh.run("load data/rotterdam.csv")
        /// Whether rows of `level` satisfy `condition`.
        func holds(_ condition: String, _ level: String) -> Bool {
            sh.run("filter size == \"\(level)\" and \(condition)")
            defer { sh.run("unfilter") }
            return !sh.session.activeRows.isEmpty
        }
        XCTAssertEqual(levels.map { holds("size < \"20-50\"", $0) }, ref["lt_20_50"] as? [Bool])
        XCTAssertEqual(levels.map { holds("size >= \">50\"", $0) }, ref["ge_gt50"] as? [Bool])
        sh.run("set collation=c")
        XCTAssertEqual(levels.map { holds("size < \"20-50\"", $0) }, ref["lt_20_50_c"] as? [Bool])
    }

    func testLevelErrors() {
        let sh = TestShell()
        sh.run("load data/rotterdam.csv")
        XCTAssertEqual(sh.error("relevel size \"<=2\""),
                       "error: relevel: '<=2' is not a level of size (expected one of \"<=20\", \">50\" or \"20-50\"); did you mean '<=20'?")
        XCTAssertTrue(sh.error("levels size <=20,<=20").hasPrefix("error: levels: level '<=20' is listed twice"))
        XCTAssertTrue(sh.error("levels nosuch").hasPrefix("error: levels: unknown column 'nosuch'"))
        XCTAssertEqual(sh.error("cox Surv(rtime, recur) ~ factor(size, ref = \"x\")"),
                       "error: cox: 'x' is not a level of size (in factor(size, ref = \"x\")) (expected one of \"<=20\", \">50\" or \"20-50\")")
        XCTAssertTrue(sh.error("cox Surv(rtime, recur) ~ relevel(size)").hasPrefix("error: cox: relevel() needs the reference level"))
        XCTAssertTrue(sh.error("cox Surv(rtime, recur) ~ factor(size, \"x\")").hasPrefix("error: cox: factor() takes a column and ref ="))
        XCTAssertTrue(sh.error("set collation=icu").hasPrefix("error: set: unknown value 'icu' for collation"))
    }
}
