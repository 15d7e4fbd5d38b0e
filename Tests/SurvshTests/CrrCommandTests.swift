// CrrCommandTests.swift — `crr` / `finegray` and `cox ... cause=K` end to end: JSON against R's
// cmprsk::crr and coxph(Surv(time, status == K) ~ ...) (Tests/SurvivalStatsTests/Reference/crr.json,
// written by crr.R) within 1e-6 relative, on data/mgus2.csv and the synthetic three-cause fixture;
// R's column names; the convention lines; export; one-line errors for bad input.

import Foundation
import XCTest

final class CrrCommandTests: XCTestCase {
    static var reference: [String: Any] {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/crr.json")
        guard let d = try? Data(contentsOf: url), let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return [:] }
        return o
    }

    static func models(_ section: String) -> [[String: Any]] { reference[section] as? [[String: Any]] ?? [] }

    static func shell(_ data: String) -> TestShell {
        let sh = TestShell()
        sh.run(data == "mgus2" ? "load data/mgus2.csv" : "load Tests/SurvshTests/Fixtures/\(data).csv")
        return sh
    }

    /// Compares a crr JSON result with a reference model of crr.json.
    static func compare(_ j: [String: Any], to m: [String: Any], file: StaticString = #filePath, line: UInt = #line) {
        let id = m["id"] as? String ?? "?"
        let num = CoxCommandTests.num, nums = CoxCommandTests.nums
        XCTAssertEqual(j["command"] as? String, "crr", file: file, line: line)
        for (key, ref) in [("n", "n"), ("events", "n_cause"), ("competing_events", "n_competing"), ("censored", "n_censored"),
                           ("dropped", "dropped")] {
            XCTAssertEqual(num(j[key]), num(m[ref]), "\(id) \(key)", file: file, line: line)
        }
        let terms = j["terms"] as? [[String: Any]] ?? []
        let input = m["input"] as? [String: Any] ?? [:]
        XCTAssertEqual(terms.compactMap { $0["name"] as? String }, CoxCommandTests.strings(input["columns"]), "\(id) R's column names",
                       file: file, line: line)
        for key in ["coef", "se", "z", "p", "shr", "shr_lower", "shr_upper"] {
            let expected = nums(m[key])
            XCTAssertEqual(expected.count, terms.count, "\(id) \(key) count", file: file, line: line)
            for (k, t) in terms.enumerated() where k < expected.count {
                CoxCommandTests.close(num(t[key]), expected[k], abs: key == "p" ? 1e-300 : 1e-12,
                                      "\(id) \(t["name"] as? String ?? "") \(key)", file: file, line: line)
            }
        }
        let ll = nums(j["loglik"])
        CoxCommandTests.close(ll.first ?? nil, num(m["loglik_null"]), rel: 1e-8, "\(id) loglik null", file: file, line: line)
        CoxCommandTests.close(ll.last ?? nil, num(m["loglik"]), rel: 1e-8, "\(id) loglik", file: file, line: line)
        let lr = j["lr_test"] as? [String: Any] ?? [:], rlr = nums(m["lr_test"])
        CoxCommandTests.close(num(lr["chisq"]), rlr[0], "\(id) LR chisq", file: file, line: line)
        XCTAssertEqual(num(lr["df"]), rlr[1], "\(id) LR df", file: file, line: line)
        CoxCommandTests.close(num(lr["p"]), rlr[2], abs: 1e-300, "\(id) LR p", file: file, line: line)
        XCTAssertEqual(j["converged"] as? Bool, true, "\(id) converged", file: file, line: line)
    }

    func testCrrMatchesR() {
        let models = Self.models("crr")
        XCTAssertGreaterThanOrEqual(models.count, 7)
        for m in models {
            let command = m["command"] as? String ?? ""
            let j = Self.shell(m["data"] as? String ?? "").json(command)
            Self.compare(j, to: m)
            XCTAssertEqual(j["cause"] as? String, CoxCommandTests.num(m["cause"]).map { String(Int($0)) }, command)
        }
    }

    /// The text status of mgus2 (etype: censor, death, pcm) names the same causes.
    func testTextStatusNamesTheSameCause() throws {
        let m = try XCTUnwrap(Self.models("crr").first { $0["id"] as? String == "mgus2_pcm" })
        let sh = Self.shell("mgus2")
        let j = sh.json("crr Surv(etime, etype) ~ sex + age cause=pcm")
        Self.compare(j, to: m)
        XCTAssertEqual(j["cause"] as? String, "pcm")
        XCTAssertEqual(j["competing_causes"] as? [String], ["death"])
        // censor= names the censoring value explicitly: the same fit
        Self.compare(sh.json("crr Surv(etime, event) ~ sex + age cause=1 censor=0"), to: m)
    }

    func testCauseSpecificCoxMatchesR() {
        let models = Self.models("cause_cox")
        XCTAssertGreaterThanOrEqual(models.count, 4)
        for m in models {
            let command = m["command"] as? String ?? ""
            let id = m["id"] as? String ?? "?"
            let j = Self.shell(m["data"] as? String ?? "").json(command)
            CoxCommandTests.compare(j, toModel: m, id: id)
            XCTAssertEqual(j["cause"] as? String, CoxCommandTests.num(m["cause"]).map { String(Int($0)) }, id)
            XCTAssertEqual(CoxCommandTests.num(j["competing_events"]), CoxCommandTests.num(m["n_competing"]), id)
            XCTAssertEqual(j["model"] as? String, m["formula"] as? String, "\(id): the model says which cause")
        }
    }

    func testTextSaysWhatItDid() {
        let sh = Self.shell("mgus2")
        let crr = sh.run("crr Surv(etime, event) ~ sex + age cause=2").outputLines.joined(separator: "\n")
        XCTAssertTrue(crr.contains("Fine–Gray model for cause 2: Surv(etime, event) ~ sex + age"), crr)
        XCTAssertTrue(crr.contains("1384 rows: 860 events of cause 2, 115 competing events (cause 1), 409 censored"), crr)
        XCTAssertTrue(crr.contains("Fine–Gray subdistribution hazards as cmprsk::crr; censoring weights from the KM of censoring;"), crr)
        XCTAssertTrue(crr.contains("robust (sandwich) se"), crr)
        XCTAssertTrue(crr.contains("sHR"), crr)
        let cox = sh.run("cox Surv(etime, event) ~ sex + age cause=2").outputLines.joined(separator: "\n")
        XCTAssertTrue(cox.contains("Cox model: Surv(etime, event == 2) ~ sex + age (1384 rows, 860 events)"), cox)
        XCTAssertTrue(cox.contains("Cause-specific hazard of cause 2: the 115 competing events (cause 1) are censored."), cox)
        let text = sh.run("crr Surv(etime, etype) ~ sex + age cause=death").outputLines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Status: etype censor = censored"), text)
        for line in (crr + "\n" + cox + "\n" + text).split(separator: "\n") {
            XCTAssertLessThanOrEqual(line.count, 100, String(line))
        }
        // the declared outcome serves as Surv(TIME, STATUS)
        sh.run("survival etime event")
        XCTAssertEqual(CoxCommandTests.num((sh.json("crr ~ sex + age cause=2")["terms"] as? [[String: Any]])?.first?["coef"]),
                       CoxCommandTests.num((sh.json("crr Surv(etime, event) ~ sex + age cause=2")["terms"] as? [[String: Any]])?.first?["coef"]))
    }

    func testExport() throws {
        let sh = Self.shell("mgus2")
        sh.run("finegray Surv(etime, event) ~ sex + age cause=1")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("survsh_crr_\(getpid()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        sh.run("export \(path)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("sHR (95% CI)"), text)
        XCTAssertTrue(text.contains("sexM") && text.contains("age"), text)
    }

    func testBadInput() {
        let sh = Self.shell("mgus2")
        assertOneLineError(sh, "crr Surv(etime, event) ~ sex + age cause=1.5", command: "crr", contains: "cause=1.5")
        assertOneLineError(sh, "crr Surv(etime, event) ~ sex + age cause=3", command: "crr", contains: "cause=3")
        assertOneLineError(sh, "crr Surv(etime, event) ~ sex + age", command: "crr", contains: "cause=")
        assertOneLineError(sh, "crr Surv(etime, etype) ~ sex + age cause=progression", command: "crr", contains: "pcm")
        assertOneLineError(sh, "cox Surv(etime, event) ~ sex + age cause=4", command: "cox", contains: "cause=4")
        assertOneLineError(sh, "crr Surv(etime, event) cause=1", command: "crr", contains: "no covariates")
        assertOneLineError(sh, "crr Surv(etime, event) ~ age + strata(sex) cause=1", command: "crr", contains: "strata")
        assertOneLineError(sh, "crr Surv(etime, event) ~ age cause=1 level=2", command: "crr")
        // a status that is not an integer cause code
        sh.run("generate half = event / 2")
        assertOneLineError(sh, "crr Surv(etime, half) ~ age cause=1", command: "crr", contains: "not an integer")
        // the cause has no events among the rows used
        sh.run("filter event != 1")
        assertOneLineError(sh, "crr Surv(etime, event) ~ sex + age cause=1", command: "crr", contains: "cause=1")
        assertOneLineError(sh, "cox Surv(etime, event) ~ sex + age cause=1", command: "cox", contains: "cause=1")
        sh.run("unfilter")
        sh.run("generate one = 1")
        assertOneLineError(sh, "crr Surv(etime, event) ~ age + one cause=1", command: "crr", contains: "one")
    }
}
