// RankSumDistribution.swift — exact null distribution of the Wilcoxon rank-sum (Mann–Whitney) statistic W.
//
// Contract
//   Inputs   : sample sizes m, n ≥ 0 (no ties); a quantile q (non-integers are floored, after R's 1e-7 fuzz).
//   Outputs  : P(W ≤ q) and P(W > q) under H0, where W = #{(i, j): x_i > y_j} takes values 0…mn and
//              all C(m+n, m) orderings are equally likely.
//   Method   : the counts c_{m,n}(k) by the recurrence c_{i,j}(k) = c_{i−1,j}(k − j) + c_{i,j−1}(k)
//              (the largest observation is an x, exceeding all j y's, or a y), built row by row
//              with additions only. The smaller tail is summed directly, the other is its complement.
//   R convention: pwilcox(q, m, n, lower.tail).

import Foundation

/// The exact null distribution of the rank-sum statistic W for samples of sizes m and n.
public struct RankSumDistribution: Sendable {
    public let m: Int
    public let n: Int
    /// counts[k] = number of orderings with W = k.
    private let counts: [Double]

    public init(m: Int, n: Int) {
        precondition(m >= 0 && n >= 0, "RankSumDistribution: sample sizes must be non-negative")
        self.m = m
        self.n = n
        // previous[j] = c_{i−1, j}, current[j] = c_{i, j}; c_{i,j} has i·j + 1 entries.
        var previous = [[Double]](repeating: [1], count: n + 1)  // i = 0: W = 0 with count 1
        if m > 0 {
            for i in 1...m {
                var current = [[Double]]()
                current.reserveCapacity(n + 1)
                current.append([1])  // j = 0
                if n > 0 {
                    for j in 1...n {
                        var c = [Double](repeating: 0, count: i * j + 1)
                        let fromX = previous[j]  // c_{i−1,j}(k − j)
                        for (k, v) in fromX.enumerated() { c[k + j] += v }
                        let fromY = current[j - 1]  // c_{i,j−1}(k)
                        for (k, v) in fromY.enumerated() { c[k] += v }
                        current.append(c)
                    }
                }
                previous = current
            }
        }
        counts = previous[n]
    }

    /// The largest value of W, m·n.
    public var maximum: Int { m * n }

    /// P(W ≤ q).
    public func cdf(_ q: Double) -> Double { tails(q).lower }

    /// P(W > q), computed directly.
    public func sf(_ q: Double) -> Double { tails(q).upper }

    private func tails(_ q: Double) -> (lower: Double, upper: Double) {
        if q.isNaN { return (.nan, .nan) }
        let x = (q + 1e-7).rounded(.down)
        if x < 0 { return (0, 1) }
        if x >= Double(maximum) { return (1, 0) }
        let k = Int(x)
        let total = counts.reduce(0, +)
        if 2 * k < maximum {
            let lower = counts[0...k].reduce(0, +) / total
            return (lower, 1 - lower)
        }
        let upper = counts[(k + 1)...].reduce(0, +) / total
        return (1 - upper, upper)
    }
}
