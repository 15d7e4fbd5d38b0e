// ExplainTests.swift — `explain` either shows the arithmetic or is refused with a clear error
// (issue 17, defect 6), and the printed pieces reproduce the final statistic (issue 17, item 9):
// the tests parse the numbers an explanation prints and recompute the result from them.

import SurvivalStats
import XCTest

final class ExplainTests: XCTestCase {
    func lungShell() -> TestShell {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        return sh
    }

    /// Options a form of a command does not use are refused by the parser, never silently ignored.
    func testOptionsOfOtherFormsAreRefused() {
        let sh = lungShell()
        sh.run("cox ~ age")
        for (line, form) in [("cox screen ~ age + sex explain", "cox screen"), ("cox phtest level=0.9", "cox phtest"),
                             ("cox explain ties=breslow", "cox explain"), ("cox firth ~ age keep=0.1", "cox firth")] {
            let e = sh.error(line)
            XCTAssertTrue(e.hasPrefix("error: cox: option '"), e)
            XCTAssertTrue(e.contains("is not used by \(form) (expected '"), e)
        }
    }

    /// After several fits, `cox explain` names the fit it shows.
    func testCoxExplainNamesTheFit() {
        let sh = lungShell()
        sh.run("cox ~ age")
        sh.run("cox ~ age + sex")
        let text = sh.run("cox explain").outputLines.joined(separator: "\n")
        XCTAssertTrue(text.contains("the last of 2 cox fits"), text)
        XCTAssertTrue(text.contains("Surv(time, status) ~ age + sex"), text)
        XCTAssertEqual(sh.json("cox explain")["fit_number"] as? Int, 2)
    }

    func explainText(_ sh: TestShell, _ line: String) -> PrintedNumbers {
        PrintedNumbers(sh.run(line).outputLines.joined(separator: "\n"))
    }

    /// Welch: se and the Welch–Satterthwaite df from the printed sds and ns; t, p and the CI from them.
    func testWelchTTestArithmetic() {
        let sh = lungShell()
        sh.run("set digits 12")
        let p = explainText(sh, "ttest age ~ sex explain")
        let v1p = p.after("v1 = sd1^2 / n1 ="), v2p = p.after("v2 = sd2^2 / n2 =")
        let (sd1, n1, sd2, n2) = (v1p[0], v1p[1], v2p[0], v2p[1])
        let v1 = sd1 * sd1 / n1, v2 = sd2 * sd2 / n2
        assertClose(v1, v1p.last!, "v1")
        let se = (v1 + v2).squareRoot()
        assertClose(se, p.result("se = sqrt(v1 + v2)"), "se")
        let df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
        assertClose(df, p.result("df (Welch-Satterthwaite)"), "df")
        let tp = p.after("t = (estimate - mu) / se =")
        let t = (tp[0] - tp[1]) / se
        assertClose(t, tp.last!, "t")
        assertClose(2 * StudentT.sf(abs(t), df: df), p.result("p = 2 P(T(df)"), rel: 1e-8, "p")
        let ci = p.after("q = qt(0.975, df) =")
        assertClose(StudentT.quantile(0.975, df: df), ci[0], rel: 1e-8, "q")
        assertClose(tp[0] - ci[0] * se, ci[1], rel: 1e-8, "lower")
        assertClose(tp[0] + ci[0] * se, ci[2], rel: 1e-8, "upper")
        // The summary line of the test agrees with the explanation.
        XCTAssertEqual(p.after("t = ").first, p.after("t = (estimate - mu) / se =").last)
    }

    func testPooledAndPairedTTestArithmetic() {
        let sh = lungShell()
        sh.run("set digits 12")
        var p = explainText(sh, "ttest age ~ sex var.equal explain")
        let s2p = p.after("(n1 + n2 - 2) = ((")
        let (n1, sd1, n2, sd2) = (s2p[0], s2p[2], s2p[3], s2p[5])
        let s2 = ((n1 - 1) * sd1 * sd1 + (n2 - 1) * sd2 * sd2) / (n1 + n2 - 2)
        assertClose(s2, s2p.last!, "pooled variance")
        assertClose((s2 * (1 / n1 + 1 / n2)).squareRoot(), p.result("se = sqrt(s^2 (1/n1 + 1/n2))"), "se")
        p = explainText(sh, "ttest ph.karno pat.karno paired explain")
        let sep = p.after("se = sd / sqrt(n) =")
        assertClose(sep[0] / sep[1].squareRoot(), sep[2], "paired se")
        XCTAssertEqual(p.result("df = n - 1 ="), sep[1] - 1)
    }

    /// Rank sum: W, its null mean and tie-corrected sd, z and p from the printed rank sums.
    func testRankSumArithmetic() {
        let sh = lungShell()
        sh.run("set digits 12")
        let p = explainText(sh, "wilcoxon age ~ sex explain")
        let ranks = p.after("(ties get the average rank): R1 =")
        let (r1, n1, r2, n2) = (ranks[0], ranks[1], ranks[2], ranks[3])
        let big = n1 + n2
        XCTAssertEqual(r1 + r2, big * (big + 1) / 2, "rank sums add up to N(N+1)/2")
        let w = r1 - n1 * (n1 + 1) / 2
        XCTAssertEqual(w, p.after("W = ").first, "W in the result line")
        let tieSum = p.result("ties correction: sum(t^3 - t)")
        XCTAssertGreaterThan(tieSum, 0)
        let sd = (n1 * n2 / 12 * ((big + 1) - tieSum / (big * (big - 1)))).squareRoot()
        assertClose(sd, p.result("sd of W ="), "sd")
        let z = (w - n1 * n2 / 2 - 0.5) / sd
        assertClose(z, p.result("z = (W - mean - c) / sd"), "z")
        assertClose(2 * Normal.sf(abs(z)), p.result("p = 2 P(N(0, 1)"), rel: 1e-8, "p")
    }

    func testSignedRankArithmetic() {
        let sh = lungShell()
        sh.run("set digits 12")
        let p = explainText(sh, "wilcoxon ph.karno pat.karno paired explain")
        let parts = p.after("ties get the average rank), n =")
        let (n, plus, minus) = (parts[0], p.after("over d > 0 =")[0], p.after("over d < 0 =")[0])
        XCTAssertEqual(plus + minus, n * (n + 1) / 2)
        let tieSum = p.result("ties correction")
        let sd = (n * (n + 1) * (2 * n + 1) / 24 - tieSum / 48).squareRoot()
        assertClose(sd, p.result("sd of V ="), "sd")
        let z = (plus - n * (n + 1) / 4 - 0.5) / sd
        assertClose(z, p.result("z = (V - mean - c) / sd"), "z")
    }
}
