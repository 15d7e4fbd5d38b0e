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

    /// Commands without an explanation refuse the word instead of ignoring it or misreading it.
    func testCommandsWithoutExplainRefuseIt() {
        let sh = lungShell()
        for (line, command) in [("plot km explain", "plot"), ("describe explain", "describe"),
                                ("simulate n=10 hr=0.5 explain", "simulate"), ("unfilter explain", "unfilter")] {
            let e = sh.error(line)
            XCTAssertTrue(e.hasPrefix("error: \(command): ") && e.contains("explain"), e)
        }
        XCTAssertTrue(sh.error("plot km explain").contains("plot has no 'explain'"))
        // Commands that take column names do not call it an unknown column.
        XCTAssertTrue(sh.error("tabulate sex explain").hasPrefix("error: tabulate: tabulate has no 'explain'"))
        XCTAssertTrue(sh.error("summary age explain").hasPrefix("error: summarize: summarize has no 'explain'"))
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
        let ranks = p.after("  R1 =")
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
        let j = sh.json("wilcoxon age ~ sex")
        XCTAssertEqual(j["rank_sums"] as? [Double], [r1, r2])
        XCTAssertEqual(j["tie_sum"] as? Double, tieSum)
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

    /// The rows of the table printed under `title` (until the first line that does not start with a number).
    func tableRows(_ p: PrintedNumbers, after title: String, skip: Int = 2) -> [[Double]] {
        guard let start = p.lines.firstIndex(where: { $0.hasPrefix(title) }) else { XCTFail("no '\(title)'"); return [] }
        var rows: [[Double]] = []
        for line in p.lines[(start + skip)...] {
            guard line.trimmingCharacters(in: .whitespaces).first?.isNumber == true else { break }
            rows.append(PrintedNumbers.numbers(in: Substring(line)))
        }
        return rows
    }

    /// KM: S, Greenwood, std.err and the limits at every event time; the median and its limits.
    func testKaplanMeierArithmetic() throws {
        let sh = TestShell()
        sh.run("load data/aml.csv")
        sh.run("set digits 12")
        for conf in ["log", "log-log"] {
            let p = explainText(sh, "km Surv(time, status) ~ x explain conf=\(conf)")
            let z = p.after("z = qnorm(0.975) =")[0]
            assertClose(z, Normal.quantile(0.975), "z")
            for group in ["x=Maintained", "x=Nonmaintained"] {
                let rows = tableRows(p, after: "Product-limit arithmetic, \(group)")
                XCTAssertGreaterThan(rows.count, 5)
                var s = 1.0, sum = 0.0
                var median: Double? = nil, lcl: Double? = nil
                for r in rows where r.count == 11 {
                    let (t, n, d, q, surv, term, total, se, lower, upper) = (r[0], r[1], r[2], r[4], r[5], r[6], r[7], r[8], r[9], r[10])
                    assertClose(q, 1 - d / n, "1 - d/n")
                    s *= 1 - d / n
                    assertClose(surv, s, "S at \(t)")
                    assertClose(term, d / (n * (n - d)), "Greenwood term")
                    sum += d / (n * (n - d))
                    assertClose(total, sum, "Greenwood sum")
                    assertClose(se, s * sum.squareRoot(), "std.err")
                    let e = z * sum.squareRoot()
                    let (lo, hi) = conf == "log" ? (s * exp(-e), min(1, s * exp(e))) : (pow(s, exp(-e / log(s))), pow(s, exp(e / log(s))))
                    assertClose(lower, lo, rel: 1e-8, "lower at \(t)")
                    assertClose(upper, hi, rel: 1e-8, "upper at \(t)")
                    if median == nil && surv <= 0.5 { median = t }
                    if lcl == nil && lower <= 0.5 { lcl = t }
                }
                XCTAssertEqual(p.after("Median, \(group):").first, median)
                let strata = sh.json("km Surv(time, status) ~ x conf=\(conf)")["strata"] as? [[String: Any]] ?? []
                let stratum = strata.first { $0["label"] as? String == group }
                XCTAssertEqual(stratum?["median"] as? Double, median, group)
                XCTAssertEqual(stratum?["median_lower"] as? Double, lcl, group)
            }
        }
        // The tie rule: at time 13 one row is censored and one dies; the censored row is in n.
        let p = explainText(sh, "km Surv(time, status) ~ x explain")
        let rows = tableRows(p, after: "Product-limit arithmetic, x=Maintained")
        let at13 = try XCTUnwrap(rows.first { $0[0] == 13 })
        XCTAssertEqual(at13[3], 1, "c at 13")
        let next = try XCTUnwrap(rows.first { $0[0] > 13 })
        XCTAssertLessThanOrEqual(next[1], at13[1] - at13[2] - at13[3])
        XCTAssertTrue(p.line("is still in that time's risk set").contains("censoring counts as just after the events"))
    }

    /// Log-rank: O - E and V from the totals, W x = u solved here, u'x = the printed and reported chisq.
    func testLogRankChiSquareFromThePrintedPieces() {
        let sh = lungShell()
        sh.run("set digits 12")
        for (line, k) in [("logrank ~ ph.ecog explain", 4), ("logrank ~ sex explain", 2), ("logrank ~ sex + strata(ph.ecog) rho=1 explain", 2)] {
            let p = explainText(sh, line)
            let totals = tableRows(p, after: "Totals over the event times")
            XCTAssertEqual(totals.count, k, line)
            for r in totals { assertClose(r[3], r[1] - r[2], rel: 1e-9, "O - E") }
            let v = tableRows(p, after: "V, the variance matrix", skip: 3).map { Array($0.dropFirst()) }
            XCTAssertEqual(v.count, k, line)
            for row in v { XCTAssertEqual(row.reduce(0, +), 0, accuracy: 1e-8 * row.map(abs).reduce(0, +), "rows of V sum to 0") }
            // survdiff drops the first group with E > 0 (here group 1) and solves the rest.
            let idx = Array(1..<k)
            let u = idx.map { totals[$0][3] }
            let w = idx.map { a in idx.map { b in v[a][b] } }
            let chisq = dot(u, solveLinear(w, u))
            assertClose(chisq, p.result("chisq = u'x ="), rel: 1e-8, line)
            XCTAssertEqual(p.after("df = ").first, Double(k - 1), line)
            let q = sh.json(line)["chisq_arithmetic"] as? [String: Any]
            assertClose(q?["chisq"] as? Double ?? .nan, chisq, rel: 1e-8, "\(line): JSON")
            let reported = sh.json(line.replacingOccurrences(of: " explain", with: ""))["chisq"] as? Double ?? .nan
            assertClose(chisq, reported, rel: 1e-8, "\(line): against the command's chisq")
        }
        // The per-time O - E of group 1 adds up to its total (two groups: one table).
        let p = explainText(sh, "logrank ~ sex explain")
        let perTime = tableRows(p, after: "time    n", skip: 1)
        XCTAssertGreaterThan(perTime.count, 100)
        let sum = perTime.map { $0[6] }.reduce(0, +)
        assertClose(sum, tableRows(p, after: "Totals over the event times")[0][3], rel: 1e-8, "sum of O-E1")
        XCTAssertTrue(p.lines.allSatisfy { $0.count <= 100 }, "tables fit 100 columns")
    }

    /// Cox: each step solves I d = U and leads to the next beta; the score test is U(0)' I(0)^-1 U(0);
    /// the risk-set terms add up to the log partial likelihood.
    func testCoxIterationsScoreTestAndRiskSets() throws {
        let sh = lungShell()
        sh.run("set digits 12")
        let p = explainText(sh, "cox ~ age + sex explain")
        func inverse2(_ m: [Double]) -> [Double] {
            let det = m[0] * m[3] - m[1] * m[2]
            return [m[3] / det, -m[1] / det, -m[2] / det, m[0] / det]
        }
        func times(_ m: [Double], _ v: [Double]) -> [Double] { [m[0] * v[0] + m[1] * v[1], m[2] * v[0] + m[3] * v[1]] }
        var previous: (beta: [Double], step: [Double])? = nil
        var iterations = 0
        for (i, line) in p.lines.enumerated() where line.hasPrefix("iteration ") {
            iterations += 1
            let beta = p.after("beta = (", in: p.lines[i + 1]), u = p.after("U(beta) = (", in: p.lines[i + 2])
            let info = p.after("I(beta) = [", in: p.lines[i + 3])
            XCTAssertEqual(info.count, 4)
            if let prev = previous {
                for j in 0..<2 { assertClose(beta[j], prev.beta[j] + prev.step[j], rel: 1e-9, "beta = beta + d") }
            }
            if p.lines[i + 4].contains("step d = I^-1 U = (") {
                let d = p.after("step d = I^-1 U = (", in: p.lines[i + 4])
                let solved = times(inverse2(info), u)
                for j in 0..<2 { assertClose(d[j], solved[j], rel: 1e-8, "step \(j)") }
                previous = (beta, Array(d.prefix(2)))
            } else {
                XCTAssertLessThan(abs(u[1]), 1e-4, "U is about 0 at the estimate")
                previous = nil
            }
        }
        XCTAssertEqual(iterations, 4)
        let u0 = Array(p.after("with U(0) = (").prefix(2))
        let i0 = p.after("and I(0) = [")
        let chisq = zip(u0, times(inverse2(i0), u0)).reduce(0) { $0 + $1.0 * $1.1 }
        assertClose(chisq, p.after("U(0)' I(0)^-1 U(0) =")[0], rel: 1e-9, "score test")
        let score = try XCTUnwrap(sh.json("cox ~ age + sex")["score_test"] as? [String: Any])
        assertClose(chisq, score["chisq"] as? Double ?? .nan, rel: 1e-9, "score test of the fit")

        // Risk sets: each Efron term from its printed pieces, and their sum.
        let r = explainText(sh, "cox explain risksets")
        let rows = tableRows(r, after: "Risk sets at the estimate", skip: 2)
        XCTAssertEqual(rows.count, 139, "distinct event times of lung")
        var total = 0.0
        for row in rows {
            let (d, etaSum, s0, d0) = (row[2], row[3], row[4], row[5])
            var term = etaSum
            for k in 0..<Int(d) { term -= log(s0 - Double(k) / d * d0) }
            assertClose(term, row.last!, rel: 1e-8, "term at \(row[0])")
            total += term
        }
        let loglik = try XCTUnwrap((sh.json("cox ~ age + sex")["loglik"] as? [Double])?.last)
        assertClose(total, loglik, rel: 1e-9, "sum of the terms")
        // JSON: at the estimate the score is about 0, and I^-1 is the fit's variance.
        let trace = try XCTUnwrap(sh.json("cox explain")["trace"] as? [[String: Any]])
        let last = try XCTUnwrap(trace.last { $0["accepted"] as? Bool == true })
        let info = try XCTUnwrap(last["information"] as? [Double])
        XCTAssertLessThan((last["score"] as? [Double] ?? [1]).map(abs).max() ?? 1, 1e-4)
        let se = (sh.json("cox ~ age + sex")["terms"] as? [[String: Any]])?.compactMap { $0["se"] as? Double } ?? []
        let inv = inverse2(info)
        assertClose(inv[0].squareRoot(), se[0], rel: 1e-6, "se(age) from I")
        assertClose(inv[3].squareRoot(), se[1], rel: 1e-6, "se(sex) from I")
    }

    /// Without tied event times the score test at beta = 0 is the log-rank chi-square exactly.
    func testScoreTestIsTheLogRankTestWithoutTies() throws {
        let sh = TestShell()
        sh.run("simulate n=150 hr=0.6 censor=0.3 seed=4")
        let cox = try XCTUnwrap(sh.json("cox ~ group")["score_test"] as? [String: Any])
        let logrank = sh.json("logrank ~ group")
        assertClose(cox["chisq"] as? Double ?? .nan, logrank["chisq"] as? Double ?? .nan, rel: 1e-9, "score = log-rank")
    }

    /// phtest: each chisq = u' I[kk, kk]^-1 u from the printed score and information.
    func testPHTestFromThePrintedScoreAndInformation() throws {
        let sh = lungShell()
        sh.run("set digits 12")
        sh.run("cox ~ age + sex")
        let p = explainText(sh, "cox phtest explain")
        let u = p.after("  U = (")
        XCTAssertEqual(u.count, 4)
        XCTAssertLessThan(abs(u[0]) + abs(u[1]), 1e-4, "U_beta is 0 at the estimate")
        let start = try XCTUnwrap(p.lines.firstIndex { $0.hasPrefix("  I (blocks") })
        let info = p.lines[(start + 2)..<(start + 6)].map { PrintedNumbers.numbers(in: Substring($0)) }
        XCTAssertEqual(info.count, 4)
        XCTAssertTrue(info.allSatisfy { $0.count == 4 })
        func chisq(_ kk: [Int]) -> Double {
            let uu = kk.map { $0 >= 2 ? u[$0] : 0 }
            return dot(uu, solveLinear(kk.map { a in kk.map { info[a][$0] } }, uu))
        }
        let z = sh.json("cox phtest")
        let terms = try XCTUnwrap(z["terms"] as? [[String: Any]])
        assertClose(chisq([0, 1, 2]), terms[0]["chisq"] as? Double ?? .nan, rel: 1e-7, "age")
        assertClose(chisq([0, 1, 3]), terms[1]["chisq"] as? Double ?? .nan, rel: 1e-7, "sex")
        let global = try XCTUnwrap(z["global"] as? [String: Any])
        assertClose(chisq([0, 1, 2, 3]), global["chisq"] as? Double ?? .nan, rel: 1e-7, "GLOBAL")
    }

    /// Every command that explains prints its result and explanation within 100 columns at the
    /// default digits (the notes under the tables too).
    func testExplainOutputFits100Columns() {
        let sh = lungShell()
        sh.run("cox ~ age + sex")
        for line in ["km ~ sex explain", "logrank ~ ph.ecog explain", "cox ~ age + sex explain risksets",
                     "cox phtest explain", "cox firth ~ age + sex explain", "ttest age ~ sex explain",
                     "wilcoxon age ~ sex explain", "power logrank hr=0.7 p=0.3 pevent=0.5 explain"] {
            let plain = Set(sh.run(line.replacingOccurrences(of: " explain", with: "")
                .replacingOccurrences(of: " risksets", with: "")).outputLines)
            let lines = sh.run(line).outputLines
            XCTAssertGreaterThan(lines.filter { !plain.contains($0) }.count, 3, "\(line) explains")
            for wide in lines where wide.count > 100 { XCTFail("\(line): \(wide.count) columns: \(wide)") }
        }
    }

    /// Firth: l* = l + penalty at every step, b moves by the printed fraction of d, and ends at the estimate.
    func testFirthStepsAddUp() throws {
        let sh = lungShell()
        sh.run("set digits 12")
        let p = explainText(sh, "cox firth ~ age + sex explain")
        var previous: (b: [Double], d: [Double], fraction: Double)? = nil
        var steps = 0
        for (i, line) in p.lines.enumerated() where line.hasPrefix("step ") {
            steps += 1
            let b = p.after("b = (", in: line)
            let (l, penalty, lstar) = (p.after("): l = ", in: line)[0], p.after("log det I = ", in: line)[0], p.after("l* = ", in: line)[0])
            assertClose(lstar, l + penalty, rel: 1e-10, "l* = l + penalty")
            if let prev = previous {
                for j in 0..<2 { XCTAssertEqual(b[j], prev.b[j] + prev.fraction * prev.d[j], accuracy: 1e-10 * max(1, abs(b[j]))) }
            }
            let d = p.after("d = (", in: p.lines[i + 1])
            previous = (Array(b.prefix(2)), Array(d.prefix(2)), p.after("fraction taken", in: p.lines[i + 2])[0])
        }
        XCTAssertGreaterThan(steps, 2)
        let j = sh.json("cox firth ~ age + sex")
        let coefs = (j["terms"] as? [[String: Any]])?.compactMap { $0["coef"] as? Double } ?? []
        let last = try XCTUnwrap(previous)
        for k in 0..<2 { XCTAssertEqual(last.b[k] + last.fraction * last.d[k], coefs[k], accuracy: 1e-9 * abs(coefs[k])) }
        let pl = try XCTUnwrap((j["loglik"] as? [Double])?.last)
        assertClose(p.after("l* = ", in: p.lines.last { $0.hasPrefix("Stops when") }!)[0], pl, rel: 1e-10, "final l*")
    }
}
