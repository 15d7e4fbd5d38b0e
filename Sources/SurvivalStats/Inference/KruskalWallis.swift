// KruskalWallis.swift — the Kruskal–Wallis rank-sum test of k groups, as R's kruskal.test.
//
// Contract
//   Inputs   : k >= 2 groups of values (callers drop missing values first), each group non-empty.
//   Outputs  : H = (12 / (n (n + 1)) sum R_i^2 / n_i - 3 (n + 1)) / (1 - sum (t^3 - t) / (n^3 - n)),
//              with R_i the sum of the average ranks (ties averaged) of group i and t the sizes of the
//              groups of tied values (the tie correction); df = k - 1; p = upper tail of chi-square(df).
//              With two groups it equals the rank-sum test's normal approximation without continuity
//              correction (wilcox.test(exact = FALSE, correct = FALSE)).
//   Reference: Kruskal & Wallis (1952); Hollander & Wolfe, Nonparametric Statistical Methods, ch. 6.
//   R convention: kruskal.test(x, g)$statistic, $parameter, $p.value.

import Foundation

public struct KruskalWallisResult: Sendable, Equatable {
    public var statistic: Double
    public var df: Int
    public var p: Double
    /// Mean rank of each group in the joint ranking.
    public var meanRanks: [Double]
}

public enum KruskalWallis {
    /// R's kruskal.test on `groups`; the ranking polls `cancel` (CancellationError once it fires).
    public static func test(_ groups: [[Double]], cancel: Cancellation = .never) throws -> KruskalWallisResult {
        try GroupCheck.validate(groups)
        let values = groups.flatMap { $0 }
        let n = Double(values.count)
        let ranking = try AverageRanks(values, cancel: cancel)
        var start = 0
        var sum = CompensatedSum()
        var meanRanks: [Double] = []
        for g in groups {
            let r = CompensatedSum.of(Array(ranking.ranks[start..<(start + g.count)]))
            sum.add(r * r / Double(g.count))
            meanRanks.append(r / Double(g.count))
            start += g.count
        }
        let correction = 1 - ranking.tieSum / (n * n * n - n)
        guard correction > 0 else { throw GroupTestError.constantData }
        let h = (12 * sum.value / (n * (n + 1)) - 3 * (n + 1)) / correction
        let df = groups.count - 1
        return KruskalWallisResult(statistic: h, df: df, p: ChiSquared.sf(h, df: Double(df)), meanRanks: meanRanks)
    }
}
