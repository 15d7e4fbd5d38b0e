// CumincCommandTests.swift — `cuminc` end to end on data/mgus2.csv: JSON against R (Tests/
// SurvivalStatsTests/Reference/cuminc.json, written by cuminc.R: cmprsk::cuminc, timepoints and
// survfit_confint), the text status read as the numeric one, export, and one-line errors.

import Foundation
import SurvshCore
import XCTest

final class CumincCommandTests: XCTestCase {
    typealias Ref = KMCommandReference

    func reference(_ name: String) throws -> [String: Any] {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/cuminc.json")
        let all = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        return (all["cases"] as? [[String: Any]] ?? []).first { $0["name"] as? String == name } ?? [:]
    }

    /// Every `at` value of the result against cmprsk::timepoints and survfit_confint (log) on R's grid.
    func compare(_ j: [String: Any], _ ref: [String: Any], confKey: String = "log", file: StaticString = #filePath, line: UInt = #line) {
        let grid = Ref.numbers(ref["grid"])
        let curves = j["curves"] as? [[String: Any]] ?? []
        for r in ref["curves"] as? [[String: Any]] ?? [] {
            let g = (r["group"] as? NSNumber)?.intValue ?? -1
            let cause = (r["cause"] as? NSNumber)?.intValue ?? -1
            let mine = (curves[g]["causes"] as? [[String: Any]] ?? []).first { $0["cause"] as? String == String(cause) }
            let at = mine?["at"] as? [[String: Any]] ?? []
            XCTAssertEqual(at.count, grid.count, "group \(g) cause \(cause): at rows", file: file, line: line)
            let est = Ref.numbers(r["at_est"]), vr = Ref.numbers(r["at_var"])
            let ci = (r["ci"] as? [String: Any])?[confKey] as? [String: Any] ?? [:]
            let lo = Ref.numbers(ci["lower"]), hi = Ref.numbers(ci["upper"])
            for (i, row) in at.enumerated() {
                let label = "group \(g) cause \(cause) at \(grid[i] ?? .nan)"
                Ref.close(Ref.number(row["time"]), grid[i], "\(label): time", file: file, line: line)
                Ref.close(Ref.number(row["estimate"]), est[i], "\(label): estimate", file: file, line: line)
                Ref.close(Ref.number(row["std_err"]), vr[i].map { $0.squareRoot() }, "\(label): std_err", file: file, line: line)
                Ref.close(Ref.number(row["lower"]), lo[i], "\(label): lower", file: file, line: line)
                Ref.close(Ref.number(row["upper"]), hi[i], "\(label): upper", file: file, line: line)
            }
        }
    }

    /// A shell with data/mgus2.csv loaded, the R case, and its time grid as a times= value.
    func mgus2(_ name: String) throws -> (TestShell, [String: Any], String) {
        let ref = try reference(name)
        let sh = TestShell()
        sh.run("load data/mgus2.csv")
        let times = Ref.numbers(ref["grid"]).compactMap { $0 }.map { NumberFormat.significant($0, digits: 17) }
        return (sh, ref, times.joined(separator: ","))
    }

    func testMgus2BySexMatchesCmprsk() throws {
        let (sh, ref, times) = try mgus2("mgus2_sex")
        let j = sh.json("cuminc Surv(etime, event) ~ sex times=\(times)")
        XCTAssertEqual(j["n"] as? Int, 1384)
        XCTAssertEqual(j["causes"] as? [String], ["1", "2"])
        XCTAssertEqual(j["events"] as? [Int], [115, 860])
        XCTAssertEqual((j["curves"] as? [[String: Any]])?.map { $0["label"] as? String }, ["sex=F", "sex=M"])
        compare(j, ref)
        let tests = j["tests"] as? [[String: Any]] ?? []
        let rtests = ref["tests"] as? [[String: Any]] ?? []
        XCTAssertEqual(tests.count, 2)
        for (t, r) in zip(tests, rtests) {
            Ref.close(Ref.number(t["chisq"]), Ref.number(r["stat"]), "Gray chisq")
            Ref.close(Ref.number(t["p"]), Ref.number(r["p"]), "Gray p")
            XCTAssertEqual(t["df"] as? Int, 1)
        }
        // log-log CIs by the same formula as survfit's conf.type = "log-log"
        compare(sh.json("cuminc Surv(etime, event) ~ sex times=\(times) conf=log-log"), ref, confKey: "loglog")
    }

    func testOverallAndTextStatus() throws {
        let (sh, ref, times) = try mgus2("mgus2_all")
        let j = sh.json("cuminc Surv(etime, event) times=\(times) conf=plain")
        compare(j, ref, confKey: "plain")
        XCTAssertEqual((j["tests"] as? [Any])?.count, 0)
        // etype: censor (first level) / death / pcm — the causes in level order: death = 2, pcm = 1
        let t = sh.json("cuminc Surv(etime, etype) times=100")
        XCTAssertEqual(t["causes"] as? [String], ["death", "pcm"])
        XCTAssertEqual(t["censor"] as? String, "censor")
        let n = sh.json("cuminc Surv(etime, event) times=100")
        func at(_ j: [String: Any], _ cause: String) -> Double? {
            let c = (j["curves"] as? [[String: Any]])?.first?["causes"] as? [[String: Any]] ?? []
            return Ref.number((c.first { $0["cause"] as? String == cause }?["at"] as? [[String: Any]])?.first?["estimate"])
        }
        XCTAssertEqual(at(t, "death"), at(n, "2"))
        XCTAssertEqual(at(t, "pcm"), at(n, "1"))
        XCTAssertNotNil(at(n, "1"))
    }

    func testTextOutputExportAndExplain() throws {
        let sh = TestShell()
        sh.run("load data/mgus2.csv")
        sh.run("cuminc Surv(etime, event) ~ sex times=120 table explain")
        let text = sh.sink.stdout.joined(separator: "\n")
        for s in ["Cumulative incidence (Aalen-Johansen): Surv(etime, event) ~ sex (1384 rows; failures: 1 115, 2 860)",
                  "Gray's test, groups sex=F, sex=M:", "status: event 0 = censored; causes 1, 2.",
                  "Aalen-Johansen steps, sex=F", "Life table, sex=M:", "0.0006416"] {
            XCTAssertTrue(text.contains(s), "text lacks \(s)")
        }
        let path = NSTemporaryDirectory() + "survsh_cuminc_test.csv"
        sh.run("export \(path) table=gray")
        let csv = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("cause,chisq,df,p"), csv)
        // explain in JSON: the increments add up to the estimate
        let j = sh.json("cuminc Surv(etime, event) explain")
        let steps = (j["curves"] as? [[String: Any]])?.first?["explain"] as? [[String: Any]] ?? []
        XCTAssertFalse(steps.isEmpty)
        var sum = 0.0
        for s in steps { sum += Ref.numbers(s["increment"])[0] ?? .nan }
        Ref.close(sum, Ref.numbers(steps.last?["estimate"])[0], "sum of increments")
    }

    func testPlotCumincDrawsTheSameNumbers() throws {
        let (sh, ref, _) = try mgus2("mgus2_sex")
        let j = sh.json("plot cuminc Surv(etime, event) ~ sex cause=1 pvalue risktable file=\(NSTemporaryDirectory())survsh_cuminc.svg")
        let rtest = (ref["tests"] as? [[String: Any]])?.first ?? [:]
        let gray = j["gray"] as? [String: Any] ?? [:]
        Ref.close(Ref.number(gray["chisq"]), Ref.number(rtest["stat"]), "plot Gray chisq")
        Ref.close(Ref.number(gray["p"]), Ref.number(rtest["p"]), "plot Gray p")
        let rows = (j["risk_table"] as? [String: Any])?["rows"] as? [[String: Any]] ?? []
        XCTAssertEqual(rows.map { ($0["n_risk"] as? [Int])?.first }, [631, 753])
        XCTAssertEqual(j["series"] as? [String], ["sex=F: 1", "sex=M: 1"])
        XCTAssertTrue(sh.error("plot cuminc Surv(etime, event) cause=3").hasPrefix("error: plot: cause=3 is not a cause of event"))
        XCTAssertTrue(sh.error("plot cuminc Surv(etime, event) cause=1 stacked").hasPrefix("error: plot: stacked draws every cause"))
    }

    func testErrors() {
        let sh = TestShell()
        sh.run("load data/mgus2.csv")
        sh.run("generate half = event / 2")
        XCTAssertEqual(sh.error("cuminc Surv(etime, half)"),
                       "error: cuminc: status half = 0.5 in row 56 is not an integer cause code (expected 0 = censored, 1, 2, ... = causes (whole numbers))")
        XCTAssertTrue(sh.error("cuminc Surv(etime, etype) censor=alive").hasPrefix("error: cuminc: censor=alive is not a level of etype"))
        XCTAssertTrue(sh.error("cuminc Surv(etime, event) conf=logit").hasPrefix("error: cuminc:"))
        XCTAssertTrue(sh.error("cuminc Surv(etime, event) + strata(sex)").hasPrefix("error: cuminc:"))
        XCTAssertTrue(sh.error("cuminc Surv(etime, event) ~ strata(sex)").hasPrefix("error: cuminc: strata() is used only by Gray's test"))
        sh.run("filter event == 0")
        XCTAssertTrue(sh.error("cuminc Surv(etime, event)").hasPrefix("error: cuminc: no events of any cause"))
    }
}
