// SampleTestExplain.swift — the `explain` flag of ttest and wilcoxon: the arithmetic from the
// summaries to the statistic and p-value, with every intermediate number printed so a student can
// redo it (issue 17): the standard error, the Welch–Satterthwaite df and the t quantile of the CI
// (ttest); the rank sums, the null mean, the ties correction of the variance and z (wilcoxon).
// Numbers are printed with the session's digits; `set digits 10` shows more.

import SurvivalStats
import SurvshCore

enum SampleTestExplain {
    static let flag = OptionSpec.flag("explain", help: "print the arithmetic: standard error, df, ranks and ties correction (for teaching)")

    /// The t-test's arithmetic, from the sample summaries to t, p and the CI.
    static func ttest(_ r: TTestResult, session: Session) -> String {
        let f = { (x: Double) in session.fmt(x) }
        var out = ["How the numbers were computed:"]
        switch r.kind {
        case .oneSample, .paired:
            let sd = r.kind == .paired ? r.sdDifference ?? .nan : r.sds[0]
            let what = r.kind == .paired ? "sd of the differences" : "sd"
            out.append("  se = sd / sqrt(n) = \(f(sd)) / sqrt(\(r.n[0])) = \(f(r.stderr))   (\(what), n = \(r.n[0]))")
            out.append("  df = n - 1 = \(f(r.df))")
        case .welch:
            let v1 = r.sds[0] * r.sds[0] / Double(r.n[0])
            let v2 = r.sds[1] * r.sds[1] / Double(r.n[1])
            out.append("  v1 = sd1^2 / n1 = \(f(r.sds[0]))^2 / \(r.n[0]) = \(f(v1))")
            out.append("  v2 = sd2^2 / n2 = \(f(r.sds[1]))^2 / \(r.n[1]) = \(f(v2))")
            out.append("  se = sqrt(v1 + v2) = \(f(r.stderr))")
            out.append("  df (Welch-Satterthwaite) = (v1 + v2)^2 / (v1^2/(n1 - 1) + v2^2/(n2 - 1)) = \(f(r.df))")
        case .pooled:
            let (n1, n2) = (Double(r.n[0]), Double(r.n[1]))
            let s2 = ((n1 - 1) * r.sds[0] * r.sds[0] + (n2 - 1) * r.sds[1] * r.sds[1]) / (n1 + n2 - 2)
            out.append("  pooled variance s^2 = ((n1 - 1) sd1^2 + (n2 - 1) sd2^2) / (n1 + n2 - 2)"
                       + " = ((\(r.n[0]) - 1) \(f(r.sds[0]))^2 + (\(r.n[1]) - 1) \(f(r.sds[1]))^2) / \(f(n1 + n2 - 2)) = \(f(s2))")
            out.append("  se = sqrt(s^2 (1/n1 + 1/n2)) = \(f(r.stderr))")
            out.append("  df = n1 + n2 - 2 = \(f(r.df))")
        }
        out.append("  t = (estimate - mu) / se = (\(f(r.estimate)) - \(f(r.mu))) / \(f(r.stderr)) = \(f(r.t))")
        out.append("  p = \(pRule(r.alternative, statistic: "t", distribution: "T(df)")) = \(NumberFormat.pValue(r.p, digits: session.settings.digits))")
        let tail = r.alternative == .twoSided ? (1 + r.confLevel) / 2 : r.confLevel
        let q = StudentT.quantile(tail, df: r.df)
        let limits: String
        switch r.alternative {
        case .twoSided: limits = "estimate -/+ q se"
        case .less: limits = "(-Inf, estimate + q se)"
        case .greater: limits = "(estimate - q se, Inf)"
        }
        out.append("  CI = \(limits), q = qt(\(f(tail)), df) = \(f(q)): \(session.fmtLimit(r.ciLower)) to \(session.fmtLimit(r.ciUpper))")
        return out.joined(separator: "\n")
    }

    /// The Wilcoxon test's arithmetic, from the rank sums to the statistic, z and p.
    static func wilcoxon(_ r: WilcoxonResult, session: Session) -> String {
        let f = { (x: Double) in session.fmt(x) }
        // Rank sums are sums of (half-)integers: shown in full, as the statistic is.
        let whole = { (x: Double) in NumberFormat.significant(x, digits: 15) }
        var out = ["How the numbers were computed:"]
        let mean: Double
        switch r.kind {
        case .rankSum:
            let (n1, n2) = (Double(r.n[0]), Double(r.n[1]))
            out.append("  joint ranks of x - mu and y (ties get the average rank):")
            out.append("  R1 = \(whole(r.rankSums[0])) (n1 = \(r.n[0])), R2 = \(whole(r.rankSums[1])) (n2 = \(r.n[1]))")
            out.append("  W = R1 - n1(n1 + 1)/2 = \(whole(r.rankSums[0])) - \(whole(n1 * (n1 + 1) / 2)) = \(whole(r.statistic))")
            mean = n1 * n2 / 2
            out.append("  under H0: mean of W = n1 n2 / 2 = \(whole(mean))")
            if !r.exact, let sigma = r.sigma {
                out.append("  ties correction: sum(t^3 - t) over tied groups = \(whole(r.tieSum))")
                out.append("  sd of W = sqrt(n1 n2 / 12 ((N + 1) - sum(t^3 - t) / (N (N - 1)))), N = \(r.n[0] + r.n[1]): \(f(sigma))")
            }
        case .signedRank:
            let n = Double(r.n[0])
            let zeros = r.zeros > 0 ? "; \(r.zeros) zero difference\(r.zeros == 1 ? "" : "s") dropped first" : ""
            out.append("  ranks of |d| (d = \(r.paired ? "x - y - mu" : "x - mu"), ties get the average rank), n = \(r.n[0])\(zeros):"
                       + " sum over d > 0 = \(whole(r.rankSums[0])), over d < 0 = \(whole(r.rankSums[1]))")
            out.append("  V = sum of the ranks over d > 0 = \(whole(r.statistic))")
            mean = n * (n + 1) / 4
            out.append("  under H0: mean of V = n(n + 1)/4 = \(whole(mean))")
            if !r.exact, let sigma = r.sigma {
                out.append("  ties correction: sum(t^3 - t) over tied groups = \(whole(r.tieSum))")
                out.append("  sd of V = sqrt(n(n + 1)(2n + 1)/24 - sum(t^3 - t)/48): \(f(sigma))")
            }
        }
        let s = r.statisticName
        if r.exact {
            out.append("  p = \(pRule(r.alternative, statistic: s, distribution: "the exact null distribution of \(s)")) = \(NumberFormat.pValue(r.p, digits: session.settings.digits))"
                       + " (no ties\(r.kind == .signedRank ? " or zeros" : ""), n < 50)")
        } else if let z = r.z, let sigma = r.sigma {
            var c = 0.0
            if r.continuityCorrection {
                switch r.alternative {
                case .twoSided: c = r.statistic > mean ? 0.5 : (r.statistic < mean ? -0.5 : 0)
                case .greater: c = 0.5
                case .less: c = -0.5
                }
                let rule = r.alternative == .twoSided ? "0.5 sign(\(s) - mean)" : "its sign set by alternative=\(r.alternative.rawValue)"
                out.append("  continuity correction c = \(rule): \(whole(c))")
            }
            let cText = c < 0 ? "(\(whole(c)))" : whole(c)
            out.append("  z = (\(s) - mean - c) / sd = (\(whole(r.statistic)) - \(whole(mean)) - \(cText)) / \(f(sigma)) = \(f(z))")
            out.append("  p = \(pRule(r.alternative, statistic: "z", distribution: "N(0, 1)")) = \(NumberFormat.pValue(r.p, digits: session.settings.digits))")
        }
        return out.joined(separator: "\n")
    }

    /// How p follows from the statistic under the alternative.
    static func pRule(_ alternative: TestAlternative, statistic s: String, distribution: String) -> String {
        switch alternative {
        case .twoSided: return "2 P(\(distribution) beyond |\(s)|)"
        case .less: return "P(\(distribution) <= \(s))"
        case .greater: return "P(\(distribution) >= \(s))"
        }
    }
}
