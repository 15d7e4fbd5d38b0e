// StandardizedDifference.swift — standardized mean differences (SMD) between groups, as R's
// tableone reports them in CreateTableOne(..., smd = TRUE).
//
// Contract
//   Inputs   : continuous: k >= 2 groups of values (missing values dropped by the caller), each with
//              at least 2 values; categorical: counts[level][group] (k >= 2 groups, each non-empty).
//   Outputs  : one SMD per pair of groups (i < j, in the order (1,2), (1,3), ..., (2,3), ...), each >= 0,
//              and their mean (what tableone prints for more than two groups).
//              Continuous pair: |mean_i - mean_j| / sqrt((var_i + var_j) / 2) (var with divisor n - 1).
//              Categorical pair (Yang & Dalton 2012): with p_i, p_j the level proportions within each
//              group, the first level dropped, T - C = p_i - p_j and S = (V_i + V_j) / 2 where
//              V = diag(p) - p p' (the multinomial covariance), SMD = sqrt((T - C)' S^- (T - C)).
//              Levels absent from both groups are left out first. S^- is a generalized inverse
//              (LDL' with pivots below sqrt(eps) · max diag treated as zero; tableone uses MASS::ginv,
//              which gives the same value whenever T - C lies in the column space of S, as it does
//              unless a group is concentrated on one level). A binary variable gives
//              |p_i - p_j| / sqrt((p_i (1 - p_i) + p_j (1 - p_j)) / 2).
//              Continuous: NaN when a pair's pooled spread is zero (constant data). Categorical: 0 when
//              S = 0 (one level, or both groups on the same level), as ginv(0) = 0 in tableone.
//   Reference: Yang D, Dalton JE (2012), "A unified approach to measuring the effect size between two
//              groups using SAS", SAS Global Forum paper 335; Austin (2009), Stat Med 28:3083.
//   R convention: tableone 0.13 (ExtractSmd / StdDiff / StdDiffMulti).

import Foundation

/// Pairwise standardized mean differences and their mean.
public struct StandardizedDifference: Sendable, Equatable {
    /// One value per pair of groups (i < j), in lexicographic order of (i, j).
    public var pairwise: [Double]
    /// The mean of `pairwise` (for two groups, the one SMD).
    public var mean: Double

    init(pairwise: [Double]) {
        self.pairwise = pairwise
        self.mean = pairwise.isEmpty ? .nan : pairwise.reduce(0, +) / Double(pairwise.count)
    }

    /// SMD of a continuous variable between each pair of `groups`.
    public static func continuous(_ groups: [[Double]]) -> StandardizedDifference {
        let means = groups.map { Moments.mean($0) }, variances = groups.map { Moments.variance($0) }
        return StandardizedDifference(pairwise: pairs(groups.count).map { i, j in
            abs(means[i] - means[j]) / ((variances[i] + variances[j]) / 2).squareRoot()
        })
    }

    /// Yang & Dalton's SMD of a categorical variable; `counts[level][group]`.
    public static func categorical(_ counts: [[Int]]) -> StandardizedDifference {
        let present = counts.filter { $0.contains { $0 > 0 } }
        let k = present.first?.count ?? 0
        let totals = (0..<k).map { g in present.reduce(0) { $0 + $1[g] } }
        // proportions[g][level], levels after the first
        let proportions = (0..<k).map { g in
            present.dropFirst().map { totals[g] > 0 ? Double($0[g]) / Double(totals[g]) : .nan }
        }
        return StandardizedDifference(pairwise: pairs(k).map { i, j in
            multinomialDistance(proportions[i], proportions[j])
        })
    }

    /// sqrt((a - b)' S^- (a - b)), S the mean of the two multinomial covariances.
    static func multinomialDistance(_ a: [Double], _ b: [Double]) -> Double {
        let p = a.count
        if a.contains(where: \.isNaN) || b.contains(where: \.isNaN) { return .nan }
        var s = [Double](repeating: 0, count: p * p)
        for r in 0..<p {
            for c in 0..<p {
                let va = (r == c ? a[r] : 0) - a[r] * a[c]
                let vb = (r == c ? b[r] : 0) - b[r] * b[c]
                s[r * p + c] = (va + vb) / 2
            }
        }
        let d = zip(a, b).map { $0 - $1 }
        guard p > 0 else { return 0 }
        let factor = CoxCholesky(s, p: p, toler: Double.ulpOfOne.squareRoot())
        // One level, or every group on one level: S = 0, whose generalized inverse is 0 (tableone: 0).
        if factor.rank == 0 { return 0 }
        let y = factor.solve(d)
        let q = zip(d, y).reduce(0) { $0 + $1.0 * $1.1 }
        return max(0, q).squareRoot()
    }

    /// The pairs (i, j), i < j, of k groups.
    static func pairs(_ k: Int) -> [(Int, Int)] {
        (0..<k).flatMap { i in ((i + 1)..<max(k, i + 1)).map { (i, $0) } }
    }
}
