// TTestCommandTests.swift — `ttest` and `wilcoxon` run from the shell, against R.
//
// Reference values: Tests/SurvivalStatsTests/Reference/ttests.json (written by ttests.R from R's t.test
// and wilcox.test on the shipped data). Tolerance: 1e-10 relative, 1e-12 absolute (p-values near 0).

import Foundation
import SurvshCore
import XCTest

final class TTestCommandTests: XCTestCase {

    // MARK: - Reference

    private lazy var reference: [String: Any] = {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/ttests.json")
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }()

    private func referenceCase(_ section: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        let rows = reference[section] as? [[String: Any]] ?? []
        guard let c = rows.first(where: { ($0["name"] as? String) == name }),
              let result = c["result"] as? [String: Any] else {
            XCTFail("no reference case '\(name)' in ttests.json", file: file, line: line)
            return [:]
        }
        return result
    }

    private func number(_ v: Any?) -> Double? {
        switch v {
        case let d as Double: return d
        case let i as Int: return Double(i)
        case let n as NSNumber: return n.doubleValue
        case let s as String: return s == "Inf" ? .infinity : (s == "-Inf" ? -.infinity : nil)
        default: return nil
        }
    }

    private func close(_ actual: Any?, _ expected: Any?, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let e = number(expected)
        let a = number(actual)
        guard let e, e.isFinite else {
            XCTAssertTrue(actual == nil || actual is NSNull, "\(label): expected null, got \(String(describing: actual))",
                          file: file, line: line)
            return
        }
        guard let a else { return XCTFail("\(label): expected \(e), got \(String(describing: actual))", file: file, line: line) }
        XCTAssertLessThanOrEqual(abs(a - e), 1e-12 + 1e-10 * abs(e), "\(label): expected \(e), got \(a)", file: file, line: line)
    }

    private func checkTTest(_ sh: TestShell, _ command: String, against name: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        let j = sh.json(command, file: file, at: line)
        let r = referenceCase("ttests", name, file: file, line: line)
        XCTAssertEqual(j["command"] as? String, "ttest", file: file, line: line)
        for (key, ref) in [("t", "t"), ("df", "df"), ("p", "p"), ("estimate", "estimate"), ("stderr", "stderr"),
                           ("ci_lower", "ci_lower"), ("ci_upper", "ci_upper")] {
            close(j[key], r[ref], "\(command): \(key)", file: file, line: line)
        }
        let groups = j["groups"] as? [[String: Any]] ?? []
        let means = r["means"] as? [Any] ?? []
        let sds = r["sds"] as? [Any] ?? []
        XCTAssertEqual(groups.count, means.count, "\(command): groups", file: file, line: line)
        for (k, g) in groups.enumerated() where k < means.count {
            close(g["mean"], means[k], "\(command): mean[\(k)]", file: file, line: line)
            close(g["sd"], sds[k], "\(command): sd[\(k)]", file: file, line: line)
        }
        let n = (r["n"] as? [Any] ?? []).compactMap { number($0) }.map { Int($0) }
        XCTAssertEqual(groups.map { $0["n"] as? Int ?? -1 }.prefix(n.count).map { $0 }, n,
                       "\(command): n", file: file, line: line)
    }

    private func checkWilcoxon(_ sh: TestShell, _ command: String, against name: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        let j = sh.json(command, file: file, at: line)
        let r = referenceCase("wilcoxon", name, file: file, line: line)
        XCTAssertEqual(j["statistic_name"] as? String, r["statistic_name"] as? String, file: file, line: line)
        XCTAssertEqual(j["method"] as? String, r["method"] as? String, file: file, line: line)
        close(j["statistic"], r["statistic"], "\(command): statistic", file: file, line: line)
        close(j["p"], r["p"], "\(command): p", file: file, line: line)
        let warnings = (r["warnings"] as? [Any] ?? []).compactMap { $0 as? String }
        XCTAssertEqual((j["warnings"] as? [Any] ?? []).compactMap { $0 as? String }, warnings,
                       "\(command): warnings", file: file, line: line)
    }

    // MARK: - t-tests

    func testNETPairedTTestsGiveRsNumbers() {
        let sh = TestShell()
        sh.run("load data/net_liver_mets.csv")
        checkTTest(sh, "ttest mitoses_liver mitoses_primary paired", against: "NET mitoses liver vs primary, paired")
        checkTTest(sh, "ttest ki67_liver ki67_primary paired", against: "NET ki67 liver vs primary, paired")
        checkTTest(sh, "ttest ki67_liver ki67_primary paired mu=0.5 alternative=greater level=0.9",
                   against: "NET ki67 liver vs primary, paired mu=0.5 greater level 0.9")
        checkTTest(sh, "ttest ki67_liver ki67_primary", against: "NET ki67 liver and primary as two samples, Welch")
        checkTTest(sh, "ttest months ~ sex", against: "NET months ~ sex, Welch")
        let j = sh.json("ttest ki67_liver ki67_primary paired")
        XCTAssertEqual(j["kind"] as? String, "paired")
        XCTAssertEqual(j["n"] as? Int, 64)
        XCTAssertEqual(j["dropped"] as? Int, 6)
    }

    func testLungTwoSampleAndOneSample() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        checkTTest(sh, "ttest age mu=60", against: "lung age, one-sample mu=60")
        checkTTest(sh, "ttest wt.loss alternative=greater", against: "lung wt.loss, one-sample greater")
        checkTTest(sh, "ttest meal.cal mu=1000 alternative=less level=0.9",
                   against: "lung meal.cal, one-sample mu=1000 less level 0.9")
        checkTTest(sh, "ttest age ~ sex", against: "lung age ~ sex, Welch")
        checkTTest(sh, "ttest age ~ sex var.equal", against: "lung age ~ sex, pooled")
        checkTTest(sh, "ttest wt.loss ~ sex alternative=less level=0.9", against: "lung wt.loss ~ sex, Welch less level 0.9")
        checkTTest(sh, "ttest ph.karno pat.karno paired", against: "lung ph.karno vs pat.karno, paired")
        let j = sh.json("ttest age ~ sex")
        XCTAssertEqual(j["kind"] as? String, "welch")
        XCTAssertEqual((j["groups"] as? [[String: Any]])?.map { $0["label"] as? String ?? "" }, ["sex=1", "sex=2"])
        let less = sh.json("ttest age alternative=less")
        XCTAssertTrue(less["ci_lower"] is NSNull, "a one-sided CI has a null lower limit")
    }

    func testTextGroupsAndFilters() {
        let sh = TestShell()
        sh.run("load data/aml.csv")
        checkTTest(sh, "ttest time ~ x", against: "aml time ~ x, Welch")
        checkTTest(sh, "ttest time ~ x var.equal alternative=less", against: "aml time ~ x, pooled less")
        sh.run("load data/veteran.csv")
        checkTTest(sh, "ttest karno ~ trt", against: "veteran karno ~ trt, Welch")
        checkTTest(sh, "ttest age ~ prior var.equal alternative=greater", against: "veteran age ~ prior, pooled greater")
        checkTTest(sh, "ttest time ~ trt mu=10", against: "veteran time ~ trt, Welch mu=10")
        // A filter narrows a 4-level factor to two groups.
        sh.run("filter celltype == \"adeno\" or celltype == \"large\"")
        let j = sh.json("ttest karno ~ celltype")
        XCTAssertEqual((j["groups"] as? [[String: Any]])?.map { $0["label"] as? String ?? "" },
                       ["celltype=adeno", "celltype=large"])
    }

    func testTTestBadInput() {
        let sh = TestShell()
        XCTAssertTrue(sh.error("ttest age").contains("no data loaded"))
        sh.run("load data/lung.csv")
        XCTAssertTrue(sh.error("ttest agee").contains("unknown column 'agee'"))
        let levels = sh.error("ttest age ~ ph.ecog")
        XCTAssertTrue(levels.contains("grouping column 'ph.ecog' has 4 levels (0, 1, 2, 3)"), levels)
        XCTAssertTrue(sh.error("ttest age paired").contains("'paired' needs two columns"))
        XCTAssertTrue(sh.error("ttest age ~ sex paired").contains("'paired' needs two columns"))
        XCTAssertTrue(sh.error("ttest age var.equal").contains("two-sample"))
        XCTAssertTrue(sh.error("ttest age level=2").contains("out of range"))
        XCTAssertTrue(sh.error("ttest age alternative=bigger").contains("unknown value 'bigger'"))
        XCTAssertTrue(sh.error("ttest age mu=abc").contains("not a number"))
        XCTAssertTrue(sh.error("ttest age sex inst").contains("unexpected 'inst'"))
        sh.run("generate one = 1")
        XCTAssertTrue(sh.error("ttest one").contains("data are essentially constant"))
        sh.run("filter age > 200")
        XCTAssertTrue(sh.error("ttest age").contains("no rows to analyse"))
        sh.run("unfilter")
        sh.run("filter age == 40")  // one patient
        let few = sh.error("ttest age")
        XCTAssertTrue(few.contains("not enough observations in 'age'"), few)
        sh.run("load data/aml.csv")
        let text = sh.error("ttest x")
        XCTAssertTrue(text.contains("column 'x' is text"), text)
        XCTAssertTrue(sh.error("ttest x ~ status").contains("is text"))
    }

    /// A file with a header and no rows: the error says so (it used to blame "0 filters").
    func testNoRowsWithoutFiltersSaysTheDataAreEmpty() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-ttest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("header_only.csv")
        try "a,b\n".write(to: file, atomically: true, encoding: .utf8)
        let sh = TestShell()
        sh.run("load \(file.path)")
        XCTAssertEqual(sh.error("ttest a"),
                       "error: ttest: no rows to analyse (the data have no rows) (expected a data file with at least one row)")
        XCTAssertTrue(sh.error("wilcoxon a b paired").contains("(the data have no rows)"))
        sh.run("load data/lung.csv")
        sh.run("filter age > 200")
        XCTAssertEqual(sh.error("ttest age"),
                       "error: ttest: no rows to analyse (the 1 active filter leaves no rows) (expected 'unfilter' or a filter that keeps some rows)")
    }

    // MARK: - Wilcoxon

    func testWilcoxonGivesRsNumbersAndWarnings() {
        let sh = TestShell()
        sh.run("load data/net_liver_mets.csv")
        checkWilcoxon(sh, "wilcoxon mitoses_liver mitoses_primary paired",
                      against: "NET mitoses liver vs primary, paired (zeros and ties)")
        checkWilcoxon(sh, "wilcoxon ki67_liver ki67_primary paired", against: "NET ki67 liver vs primary, paired")
        checkWilcoxon(sh, "wilcoxon ki67_liver ki67_primary paired alternative=greater",
                      against: "NET ki67 liver vs primary, paired greater")
        sh.run("load data/aml.csv")
        checkWilcoxon(sh, "wilcoxon time ~ x", against: "aml time ~ x (ties: normal approximation)")
        checkWilcoxon(sh, "wilcoxon time mu=13", against: "aml time, one-sample mu=13 (zero and ties)")
        sh.run("load data/ovarian.csv")
        checkWilcoxon(sh, "wilcoxon futime ~ rx", against: "ovarian futime ~ rx (exact)")
        checkWilcoxon(sh, "wilcoxon futime ~ rx exact=FALSE", against: "ovarian futime ~ rx, exact=FALSE")
        checkWilcoxon(sh, "wilcoxon futime ~ ecog.ps alternative=less mu=-100",
                      against: "ovarian futime ~ ecog.ps, less mu=-100 (exact)")
        checkWilcoxon(sh, "wilcoxon age mu=56", against: "ovarian age, one-sample mu=56 (exact)")
        sh.run("load data/lung.csv")
        checkWilcoxon(sh, "wilcoxon age ~ sex", against: "lung age ~ sex (n > 50: normal approximation)")
        checkWilcoxon(sh, "wilcoxon wt.loss mu=5 alternative=greater", against: "lung wt.loss, one-sample mu=5 greater")
        sh.run("load data/veteran.csv")
        checkWilcoxon(sh, "wilcoxon karno ~ trt correct=FALSE", against: "veteran karno ~ trt, correct=FALSE")
    }

    func testWilcoxonBadInput() {
        let sh = TestShell()
        sh.run("load data/aml.csv")
        XCTAssertTrue(sh.error("wilcoxon x").contains("is text"))
        XCTAssertTrue(sh.error("wilcoxon tme ~ x").contains("unknown column 'tme'"))
        XCTAssertTrue(sh.error("wilcoxon time exact=yes").contains("unknown value 'yes'"))
        XCTAssertEqual(sh.json("wilcoxon time ~ x exact=TRUE")["exact"] as? Bool, false, "ties: normal approximation")
        sh.run("filter time > 1000")
        XCTAssertTrue(sh.error("wilcoxon time ~ x").contains("no rows to analyse"))
        sh.run("unfilter")
        sh.run("filter x == \"Maintained\"")
        XCTAssertTrue(sh.error("wilcoxon time ~ x").contains("has 1 level (Maintained)"))
    }
}
