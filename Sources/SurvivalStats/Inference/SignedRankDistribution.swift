// SignedRankDistribution.swift — exact null distribution of the Wilcoxon signed-rank statistic V.
//
// Contract
//   Inputs   : n ≥ 0 (number of non-zero differences, no ties); a quantile q (non-integers are rounded
//              to the nearest integer after adding 1e-7, as psignrank does — pwilcox floors instead).
//   Outputs  : P(V ≤ q) and P(V > q) under H0, where V is the sum of the ranks of the positive
//              differences, uniformly distributed over the 2^n sign patterns.
//   Method   : counts of subsets of {1, …, n} with each sum, by dynamic programming (adding one rank
//              at a time); the counts are exact integers in Double for n ≤ 52. The smaller tail is
//              summed directly, the other is its complement.
//   R convention: psignrank(q, n, lower.tail).

import Foundation

/// The exact null distribution of the signed-rank statistic for n observations.
public struct SignedRankDistribution: Sendable {
    public let n: Int
    /// counts[k] = number of subsets of {1…n} with sum k; total 2^n.
    private let counts: [Double]

    public init(n: Int) {
        precondition(n >= 0, "SignedRankDistribution: n must be non-negative")
        self.n = n
        let maxSum = n * (n + 1) / 2
        var c = [Double](repeating: 0, count: maxSum + 1)
        c[0] = 1
        if n > 0 {
            for rank in 1...n {
                let top = rank * (rank + 1) / 2
                var k = top
                while k >= rank {
                    c[k] += c[k - rank]
                    k -= 1
                }
            }
        }
        counts = c
    }

    /// The largest value of V, n(n+1)/2.
    public var maximum: Int { n * (n + 1) / 2 }

    /// P(V ≤ q).
    public func cdf(_ q: Double) -> Double { tails(q).lower }

    /// P(V > q), computed directly.
    public func sf(_ q: Double) -> Double { tails(q).upper }

    private func tails(_ q: Double) -> (lower: Double, upper: Double) {
        if q.isNaN { return (.nan, .nan) }
        let x = (q + 1e-7).rounded(.toNearestOrEven)
        if x < 0 { return (0, 1) }
        if x >= Double(maximum) { return (1, 0) }
        let k = Int(x)
        let total = pow(2.0, Double(n))
        if 2 * k < maximum {
            let lower = counts[0...k].reduce(0, +) / total
            return (lower, 1 - lower)
        }
        let upper = counts[(k + 1)...].reduce(0, +) / total
        return (1 - upper, upper)
    }
}
