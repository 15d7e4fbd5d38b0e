// TestAlternative.swift — the alternative hypothesis of a test, spelled as R spells it.
//
// Contract
//   Inputs   : none (an enumeration; its raw values are R's spellings).
//   Outputs  : read by TTest and Wilcoxon: `less` tests whether the true value (mean, mean
//              difference, location shift) is below mu, `greater` above it, `two.sided` either way;
//              one-sided alternatives give one-sided confidence intervals.
//   R convention: t.test / wilcox.test `alternative = c("two.sided", "less", "greater")`, default two.sided.

/// The alternative hypothesis: `two.sided`, `less` or `greater` (R's `alternative=`).
public enum TestAlternative: String, Sendable, CaseIterable, Equatable {
    case twoSided = "two.sided"
    case less
    case greater
}
