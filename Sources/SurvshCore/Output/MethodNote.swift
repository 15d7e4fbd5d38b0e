// MethodNote.swift — the methods a result followed, machine-readable and as a methods section
// states them. Commands return them in `CommandOutput.methods`; `report` joins the distinct
// sentences of a session's results, in order, into its methods paragraph. The sentences name the
// convention each command prints next to its numbers (CI transform, ties, test variant), so the
// paragraph and the output cannot disagree. Keep one factory per method here, so two commands
// using the same method state it in the same words.

import Foundation

/// One method a result followed: `key` ("km", "logrank", "cox", ...) for programs, `sentence` for
/// people ("Survival was estimated by the Kaplan–Meier method ...").
public struct MethodNote: Sendable, Equatable {
    public var key: String
    public var sentence: String
    public init(_ key: String, _ sentence: String) { self.key = key; self.sentence = sentence }

    /// "95%" for 0.95 (up to 4 significant digits: 0.975 gives "97.5%").
    static func percent(_ level: Double) -> String {
        NumberFormat.significant(level * 100, digits: 4) + "%"
    }

    /// Kaplan–Meier with its CI transform (R's conf.type name), level and median rule (the
    /// convention's `quantileSource`, "R's quantile.survfit").
    public static func kaplanMeier(conf: String, level: Double, medianRule: String) -> MethodNote {
        let transform: String
        switch conf {
        case "log": transform = "log-transformed"
        case "log-log": transform = "log–log-transformed"
        case "plain": transform = "untransformed (plain)"
        case "logit": transform = "logit-transformed"
        case "arcsin": transform = "arcsine-square-root-transformed"
        default: transform = conf
        }
        return MethodNote("km", "Survival was estimated by the Kaplan–Meier method with Greenwood standard errors and "
                          + "\(transform) \(percent(level)) confidence intervals; median survival was read off the curve following \(medianRule).")
    }

    /// The log-rank (rho = 0) or Fleming–Harrington G-rho test, stratified or not.
    public static func logrank(rho: Double, stratified: Bool) -> MethodNote {
        let test = rho == 0 ? "the log-rank test" : "the Fleming–Harrington G-rho test (rho = \(NumberFormat.significant(rho, digits: 4)))"
        return MethodNote("logrank", "Survival was compared between groups with \(test)\(stratified ? ", stratified" : "") (R's survdiff).")
    }

    /// A trend test across ordered groups.
    public static let logrankTrend = MethodNote("logrank-trend", "A trend across ordered groups was tested with the score test for trend.")

    /// Pairwise log-rank tests with a p-value adjustment (R's p.adjust method name).
    public static func logrankPairwise(adjust: String) -> MethodNote {
        MethodNote("logrank-pairwise", "Pairs of groups were compared with log-rank tests, p-values adjusted by the \(adjust) method (R's p.adjust).")
    }

    /// Cox regression with its tie method and CI level.
    public static func cox(ties: String, level: Double) -> MethodNote {
        let tieText = ties == "breslow" ? "Breslow's" : "Efron's"
        return MethodNote("cox", "Hazard ratios were estimated by Cox proportional-hazards regression with \(tieText) method for tied "
                          + "event times and Wald \(percent(level)) confidence intervals (R's coxph); rows with a missing value were left out.")
    }

    /// Univariable Cox screening.
    public static func coxScreen(ties: String, keep: Double) -> MethodNote {
        MethodNote("cox-screen", "Candidate predictors were screened one at a time in univariable Cox models "
                   + "(\(ties == "breslow" ? "Breslow" : "Efron") ties); those with a Wald p below "
                   + "\(NumberFormat.significant(keep, digits: 6)) entered a multivariable model.")
    }

    /// Firth's penalised Cox regression.
    public static let coxFirth = MethodNote("cox-firth", "Firth's penalised Cox regression (Breslow ties, profile penalised-likelihood "
                                            + "confidence intervals and p-values, as R's coxphf) was used where the likelihood is monotone.")

    /// The proportional-hazards test (R's cox.zph transform name).
    public static func coxPHTest(transform: String) -> MethodNote {
        MethodNote("cox-zph", "Proportional hazards were checked with the scaled Schoenfeld residual test (R's cox.zph, transform = \(transform)).")
    }

    /// t-tests: kind is "paired", "one-sample", "welch" or "pooled".
    public static func tTest(kind: String) -> MethodNote {
        let what: String
        switch kind {
        case "paired": what = "Paired measurements were compared with the paired t-test"
        case "one-sample": what = "A mean was compared with a reference value with the one-sample t-test"
        case "pooled": what = "Means were compared with the two-sample t-test with pooled variance"
        default: what = "Means were compared with Welch's two-sample t-test"
        }
        return MethodNote("ttest-\(kind)", what + " (R's t.test).")
    }

    /// Wilcoxon tests: kind is "signed-rank" or "rank-sum"; `exact` whether the exact distribution was
    /// used, `correct` whether the normal approximation had a continuity correction.
    public static func wilcoxon(kind: String, paired: Bool, exact: Bool, correct: Bool) -> MethodNote {
        let test = kind == "signed-rank" ? (paired ? "Paired measurements were also compared with the Wilcoxon signed-rank test"
                                                   : "A location was compared with a reference value with the Wilcoxon signed-rank test")
                                         : "Distributions were compared with the Wilcoxon rank-sum (Mann–Whitney) test"
        let how = exact ? "exact p-values" : "the normal approximation" + (correct ? " with continuity correction" : "")
        return MethodNote("wilcoxon-\(kind)", "\(test), with \(how) (R's wilcox.test).")
    }

    /// A baseline table by group (table1), with standardised mean differences or not.
    public static func table1(smd: Bool) -> MethodNote {
        MethodNote("table1", "Baseline characteristics were summarised as mean (SD), median [IQR] or n (%) and compared between groups "
                   + "with t-tests or ANOVA, Wilcoxon or Kruskal–Wallis tests, and chi-squared or Fisher's exact tests, as stated under the table"
                   + (smd ? "; standardised mean differences as R's tableone." : "."))
    }

    /// Tests of association in a cross-table.
    public static let chiSquared = MethodNote("chisq", "Categorical variables were compared with Pearson's chi-squared test (R's chisq.test).")
    public static let fisherExact = MethodNote("fisher", "Categorical variables were compared with Fisher's exact test (R's fisher.test).")
}
