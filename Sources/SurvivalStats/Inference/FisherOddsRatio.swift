// FisherOddsRatio.swift — the conditional maximum-likelihood odds ratio of a 2 x 2 table and its
// confidence interval, as R's fisher.test reports them.
//
// Contract
//   Inputs   : a 2 x 2 table of counts >= 0 with every row and column total > 0; conf.level in (0, 1).
//   Outputs  : estimate = the conditional MLE of the odds ratio; lower, upper = the two-sided interval.
//              At the ends of the support the answers are exact limits, as R gives them: x at its
//              smallest possible value gives estimate 0 and lower 0; x at its largest gives estimate
//              +infinity and upper +infinity (a one-sided, unbounded interval: the caller prints Inf).
//   Method   : given the margins, x = counts[0][0] has the noncentral hypergeometric distribution
//              P(x; psi) ∝ dhyper(x, m, n, k) psi^x on max(0, k - n) ... min(k, m), where m, n are
//              the column totals and k the first row total. The MLE solves E[X; psi] = x; the lower
//              limit solves P(X >= x; psi) = alpha/2 and the upper P(X <= x; psi) = alpha/2, alpha =
//              1 - conf.level. Each equation is solved as R does: with uniroot (`Zeroin`, R's default
//              tolerance) on psi in (0, 1), or on 1/psi in (eps, 1) when the root lies above 1.
//   R convention: fisher.test(x)$estimate and $conf.int (stats, R 4.2), alternative = "two.sided".
//              Tests: ContingencyTests against Tests/SurvivalStatsTests/Reference/contingency.R.

import Foundation

/// The conditional MLE of the odds ratio of a 2 x 2 table and its confidence interval.
public struct FisherOddsRatio: Sendable, Equatable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    public var confLevel: Double
}

extension FisherExact {
    /// R's fisher.test(counts, conf.level = confLevel) estimate and conf.int for a 2 x 2 table.
    public static func oddsRatio(_ counts: [[Int]], confLevel: Double = 0.95) throws -> FisherOddsRatio {
        let margins = try ContingencyTable.margins(counts)
        guard counts.count == 2, counts[0].count == 2 else {
            throw ContingencyError.tooSmall(rows: counts.count, columns: counts.first?.count ?? 0)
        }
        let h = NoncentralHypergeometric(m: margins.columns[0], n: margins.columns[1], k: margins.rows[0])
        let x = counts[0][0]
        let alpha = (1 - confLevel) / 2
        return FisherOddsRatio(estimate: h.mle(x), lower: h.lowerLimit(x, alpha: alpha),
                               upper: h.upperLimit(x, alpha: alpha), confLevel: confLevel)
    }
}

/// Fisher's noncentral hypergeometric distribution of the [0][0] cell given the margins.
struct NoncentralHypergeometric {
    let lo: Int, hi: Int
    /// log dhyper over the support lo...hi.
    let logDensity: [Double]

    init(m: Int, n: Int, k: Int) {
        lo = max(0, k - n); hi = min(k, m)
        let lf = { (i: Int) in SpecialFunctions.logGamma(Double(i) + 1) }
        let constant = lf(m) + lf(n) + lf(k) + lf(m + n - k) - lf(m + n)
        logDensity = (lo...hi).map { x in constant - lf(x) - lf(m - x) - lf(k - x) - lf(n - k + x) }
    }

    /// The probabilities of lo...hi under odds ratio psi (0 < psi < infinity).
    func density(_ psi: Double) -> [Double] {
        let d = logDensity.enumerated().map { $1 + log(psi) * Double(lo + $0) }
        let top = d.max() ?? 0
        let e = d.map { exp($0 - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    func mean(_ psi: Double) -> Double {
        if psi == 0 { return Double(lo) }
        if psi == .infinity { return Double(hi) }
        return density(psi).enumerated().reduce(0) { $0 + Double(lo + $1.offset) * $1.element }
    }

    /// P(X <= x; psi), or P(X >= x; psi) when `upperTail`.
    func cdf(_ x: Int, _ psi: Double, upperTail: Bool) -> Double {
        // The point masses at psi = 0 (X = lo) and psi = infinity (X = hi), as R's pnhyper.
        if psi == 0 { return (upperTail ? x <= lo : x >= lo) ? 1 : 0 }
        if psi == .infinity { return (upperTail ? x <= hi : x >= hi) ? 1 : 0 }
        return density(psi).enumerated().reduce(0) { acc, e in
            let s = lo + e.offset
            return (upperTail ? s >= x : s <= x) ? acc + e.element : acc
        }
    }

    /// Solves g(psi) = target where g is increasing in psi, as R: on (0, 1) when g(1) > target,
    /// else on psi = 1/t with t in (eps, 1).
    func solveIncreasing(_ g: (Double) -> Double, target: Double) -> Double {
        let atOne = g(1)
        if atOne > target { return Zeroin.root(lower: 0, upper: 1) { g($0) - target } ?? .nan }
        if atOne < target {
            guard let t = Zeroin.root(lower: Double.ulpOfOne, upper: 1, { g(1 / $0) - target }) else { return .nan }
            return 1 / t
        }
        return 1
    }

    func mle(_ x: Int) -> Double {
        if x == lo { return 0 }
        if x == hi { return .infinity }
        return solveIncreasing(mean, target: Double(x))
    }

    /// ncp.L: P(X >= x; psi) = alpha (increasing in psi).
    func lowerLimit(_ x: Int, alpha: Double) -> Double {
        if x == lo { return 0 }
        return solveIncreasing({ cdf(x, $0, upperTail: true) }, target: alpha)
    }

    /// ncp.U: P(X <= x; psi) = alpha (decreasing in psi: solved as -P = -alpha, which
    /// takes the same steps as R's uniroot on P - alpha).
    func upperLimit(_ x: Int, alpha: Double) -> Double {
        if x == hi { return .infinity }
        return solveIncreasing({ -cdf(x, $0, upperTail: false) }, target: -alpha)
    }
}
