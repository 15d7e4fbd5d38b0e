// Wilcoxon.swift — Wilcoxon signed-rank (one-sample / paired) and rank-sum (Mann–Whitney) tests.
//
// Contract
//   Inputs   : arrays of doubles; NaN marks a missing value and is dropped (paired: a pair with either
//              side missing is dropped). mu (location shift), alternative, exact (nil = R's default),
//              correct (continuity correction).
//   Outputs  : WilcoxonResult — statistic V (signed-rank) or W (rank-sum), p, how it was computed, and
//              R's warnings as strings — or a thrown WilcoxonError with R's message.
//   Method   : signed-rank: d = x − mu (paired: x − y − mu); zeros dropped (R's default); V = sum of the
//              ranks of |d| (average ranks for ties) over d > 0. Rank-sum: ranks of (x − mu, y) jointly;
//              W = (rank sum of x) − n_x(n_x + 1)/2.
//              Exact p-value (SignedRankDistribution / RankSumDistribution) when exact is requested or
//              by default when n < 50 (each n < 50 for rank-sum), and there are no ties (signed-rank:
//              and no zeros). Otherwise the normal approximation with tie-corrected variance and, when
//              `correct`, continuity correction ±½ toward the mean; R's warnings "cannot compute
//              exact p-value with ties" / "... with zeroes" when an exact p-value was wanted but not possible.
//   Reference: Hollander & Wolfe, Nonparametric Statistical Methods, ch. 3–4; R's stats::wilcox.test.default,
//              whose defaults and arithmetic are followed exactly.
//   R convention: wilcox.test(x, y, alternative, mu, paired, exact, correct) without conf.int.

import Foundation

/// The result of a Wilcoxon test, with R's fields.
public struct WilcoxonResult: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case signedRank = "signed-rank"
        case rankSum = "rank-sum"
    }

    public let kind: Kind
    /// Signed-rank test on paired differences (rather than one sample).
    public let paired: Bool
    public let alternative: TestAlternative
    public let mu: Double
    /// "V" (signed-rank) or "W" (rank-sum), as R names the statistic.
    public let statisticName: String
    public let statistic: Double
    public let p: Double
    /// The p-value is exact (from the permutation distribution) rather than a normal approximation.
    public let exact: Bool
    /// The normal approximation used the continuity correction.
    public let continuityCorrection: Bool
    /// Normal approximation only: the standardised statistic (after correction) and its null sd.
    public let z: Double?
    public let sigma: Double?
    /// Observations used: [non-zero differences] signed-rank, [n_x, n_y] rank-sum.
    public let n: [Int]
    /// Signed-rank: differences equal to zero, dropped before ranking.
    public let zeros: Int
    /// Tied values among the ranked data.
    public let ties: Bool
    /// R's method text, e.g. "Wilcoxon signed rank exact test".
    public let method: String
    /// R's warnings, verbatim.
    public let warnings: [String]
    /// The rank sums behind the statistic (for `explain`): rank-sum [sum of the ranks of x − mu,
    /// sum of the ranks of y] in the joint ranking; signed-rank [sum over d > 0, sum over d < 0].
    public let rankSums: [Double]
    /// Σ (t³ − t) over groups of t tied values (0 without ties): the ties correction of the variance.
    public let tieSum: Double
}

/// Why a Wilcoxon test could not be computed; descriptions are R's messages.
public enum WilcoxonError: Error, Sendable, Equatable, CustomStringConvertible {
    case notEnoughX
    case notEnoughY
    case invalidMu(Double)
    case lengthMismatch(Int, Int)

    public var description: String {
        switch self {
        case .notEnoughX: return "not enough (non-missing) 'x' observations"
        case .notEnoughY: return "not enough 'y' observations"
        case .invalidMu: return "'mu' must be a single number"
        case .lengthMismatch: return "'x' and 'y' must have the same length"
        }
    }
}

/// Wilcoxon signed-rank and rank-sum tests as R's `wilcox.test`.
public enum Wilcoxon {

    /// R's warning texts.
    public static let tiesWarning = "cannot compute exact p-value with ties"
    public static let zeroesWarning = "cannot compute exact p-value with zeroes"

    /// One-sample signed-rank test of location mu.
    public static func signedRank(_ x: [Double], mu: Double = 0, alternative: TestAlternative = .twoSided,
                                  exact: Bool? = nil, correct: Bool = true, cancel: Cancellation = .never) throws -> WilcoxonResult {
        guard mu.isFinite else { throw WilcoxonError.invalidMu(mu) }
        return try signedRankCore(x.filter { !$0.isNaN }, paired: false, mu: mu, alternative: alternative,
                                  exact: exact, correct: correct, cancel: cancel)
    }

    /// Paired signed-rank test of location shift mu on x − y, over pairs with both values present.
    public static func signedRank(paired x: [Double], _ y: [Double], mu: Double = 0,
                                  alternative: TestAlternative = .twoSided,
                                  exact: Bool? = nil, correct: Bool = true, cancel: Cancellation = .never) throws -> WilcoxonResult {
        guard mu.isFinite else { throw WilcoxonError.invalidMu(mu) }
        guard x.count == y.count else { throw WilcoxonError.lengthMismatch(x.count, y.count) }
        var d: [Double] = []
        for (a, b) in zip(x, y) where !a.isNaN && !b.isNaN { d.append(a - b) }
        return try signedRankCore(d.filter { !$0.isNaN }, paired: true, mu: mu, alternative: alternative,
                                  exact: exact, correct: correct, cancel: cancel)
    }

    /// Rank-sum (Mann–Whitney) test of location shift mu between x and y.
    public static func rankSum(_ x: [Double], _ y: [Double], mu: Double = 0, alternative: TestAlternative = .twoSided,
                               exact: Bool? = nil, correct: Bool = true, cancel: Cancellation = .never) throws -> WilcoxonResult {
        guard mu.isFinite else { throw WilcoxonError.invalidMu(mu) }
        let xs = x.filter { !$0.isNaN }
        let ys = y.filter { !$0.isNaN }
        if xs.isEmpty { throw WilcoxonError.notEnoughX }
        if ys.isEmpty { throw WilcoxonError.notEnoughY }
        let combined = xs.map { $0 - mu } + ys
        let ranking = try AverageRanks(combined, cancel: cancel)
        let nx = Double(xs.count)
        let ny = Double(ys.count)
        let useExact = exact ?? (xs.count < 50 && ys.count < 50)
        var rankSumX = CompensatedSum()
        for i in 0..<xs.count { rankSumX.add(ranking.ranks[i]) }
        let statistic = rankSumX.value - nx * (nx + 1) / 2
        let rankSums = [rankSumX.value, (nx + ny) * (nx + ny + 1) / 2 - rankSumX.value]
        var method = "Wilcoxon rank sum test"
        var warnings: [String] = []
        if useExact && !ranking.hasTies {
            method = "Wilcoxon rank sum exact test"
            let distribution = RankSumDistribution(m: xs.count, n: ys.count)
            let p: Double
            switch alternative {
            case .twoSided:
                let oneSided = statistic > nx * ny / 2 ? distribution.sf(statistic - 1) : distribution.cdf(statistic)
                p = min(2 * oneSided, 1)
            case .greater: p = distribution.sf(statistic - 1)
            case .less: p = distribution.cdf(statistic)
            }
            return WilcoxonResult(kind: .rankSum, paired: false, alternative: alternative, mu: mu,
                                  statisticName: "W", statistic: statistic, p: p, exact: true,
                                  continuityCorrection: false, z: nil, sigma: nil, n: [xs.count, ys.count],
                                  zeros: 0, ties: false, method: method, warnings: [],
                                  rankSums: rankSums, tieSum: ranking.tieSum)
        }
        let center = statistic - nx * ny / 2
        let total = nx + ny
        let sigma = ((nx * ny / 12) * ((total + 1) - ranking.tieSum / (total * (total - 1)))).squareRoot()
        let approx = normalApproximation(center: center, sigma: sigma, alternative: alternative, correct: correct)
        if correct { method += " with continuity correction" }
        if useExact && ranking.hasTies { warnings.append(tiesWarning) }
        return WilcoxonResult(kind: .rankSum, paired: false, alternative: alternative, mu: mu,
                              statisticName: "W", statistic: statistic, p: approx.p, exact: false,
                              continuityCorrection: correct, z: approx.z, sigma: sigma, n: [xs.count, ys.count],
                              zeros: 0, ties: ranking.hasTies, method: method, warnings: warnings,
                              rankSums: rankSums, tieSum: ranking.tieSum)
    }

    // MARK: - Internals

    private static func signedRankCore(_ values: [Double], paired: Bool, mu: Double, alternative: TestAlternative,
                                       exact: Bool?, correct: Bool, cancel: Cancellation) throws -> WilcoxonResult {
        if values.isEmpty { throw WilcoxonError.notEnoughX }
        let shifted = values.map { $0 - mu }
        let nonZero = shifted.filter { $0 != 0 }
        let zeros = shifted.count - nonZero.count
        let n = Double(nonZero.count)
        let useExact = exact ?? (nonZero.count < 50)
        let ranking = try AverageRanks(nonZero.map { abs($0) }, cancel: cancel)
        var positive = CompensatedSum()
        for (i, d) in nonZero.enumerated() where d > 0 { positive.add(ranking.ranks[i]) }
        let statistic = positive.value
        let rankSums = [statistic, n * (n + 1) / 2 - statistic]
        var method = "Wilcoxon signed rank test"
        if useExact && !ranking.hasTies && zeros == 0 {
            method = "Wilcoxon signed rank exact test"
            let distribution = SignedRankDistribution(n: nonZero.count)
            let p: Double
            switch alternative {
            case .twoSided:
                let oneSided = statistic > n * (n + 1) / 4 ? distribution.sf(statistic - 1) : distribution.cdf(statistic)
                p = min(2 * oneSided, 1)
            case .greater: p = distribution.sf(statistic - 1)
            case .less: p = distribution.cdf(statistic)
            }
            return WilcoxonResult(kind: .signedRank, paired: paired, alternative: alternative, mu: mu,
                                  statisticName: "V", statistic: statistic, p: p, exact: true,
                                  continuityCorrection: false, z: nil, sigma: nil, n: [nonZero.count],
                                  zeros: 0, ties: false, method: method, warnings: [],
                                  rankSums: rankSums, tieSum: ranking.tieSum)
        }
        let center = statistic - n * (n + 1) / 4
        let sigma = (n * (n + 1) * (2 * n + 1) / 24 - ranking.tieSum / 48).squareRoot()
        let approx = normalApproximation(center: center, sigma: sigma, alternative: alternative, correct: correct)
        if correct { method += " with continuity correction" }
        var warnings: [String] = []
        if useExact && ranking.hasTies { warnings.append(tiesWarning) }
        if useExact && zeros > 0 { warnings.append(zeroesWarning) }
        return WilcoxonResult(kind: .signedRank, paired: paired, alternative: alternative, mu: mu,
                              statisticName: "V", statistic: statistic, p: approx.p, exact: false,
                              continuityCorrection: correct, z: approx.z, sigma: sigma, n: [nonZero.count],
                              zeros: zeros, ties: ranking.hasTies, method: method, warnings: warnings,
                              rankSums: rankSums, tieSum: ranking.tieSum)
    }

    /// z = (center − correction) / sigma and its p-value, as R forms them.
    private static func normalApproximation(center: Double, sigma: Double, alternative: TestAlternative,
                                            correct: Bool) -> (z: Double, p: Double) {
        var correction = 0.0
        if correct {
            switch alternative {
            case .twoSided: correction = center > 0 ? 0.5 : (center < 0 ? -0.5 : 0)
            case .greater: correction = 0.5
            case .less: correction = -0.5
            }
        }
        let z = (center - correction) / sigma
        let p: Double
        switch alternative {
        case .less: p = Normal.cdf(z)
        case .greater: p = Normal.sf(z)
        case .twoSided: p = 2 * min(Normal.cdf(z), Normal.sf(z))
        }
        return (z, p)
    }
}

/// Average ranks (R's `rank(ties.method = "average")`) with the tie summary the tests need.
struct AverageRanks {
    /// ranks[i] is the rank of the i-th value, 1-based, ties averaged.
    let ranks: [Double]
    /// Whether any two values are equal.
    let hasTies: Bool
    /// Σ (t³ − t) over groups of t tied values.
    let tieSum: Double

    /// Ranks `values` (no NaN): a radix sort (SurvivalTimeOrder.order, polled between its passes)
    /// and one sweep over the runs of equal values, polled every `Cancellation.stride` values.
    /// Throws CancellationError once `cancel` fires.
    init(_ values: [Double], cancel: Cancellation = .never) throws {
        let order = SurvivalTimeOrder.order(values, cancel: cancel)
        try cancel.check()
        var ranks = [Double](repeating: 0, count: values.count)
        var hasTies = false
        var tieSum = 0.0
        var poll = CancelPoll(cancel)
        var start = 0
        while start < order.count {
            let first = values[Int(order[start])]
            var end = start
            while end + 1 < order.count && values[Int(order[end + 1])] == first { end += 1 }
            let rank = Double(start + end + 2) / 2
            for k in start...end { ranks[Int(order[k])] = rank }
            let t = Double(end - start + 1)
            if t > 1 {
                hasTies = true
                tieSum += t * t * t - t
            }
            if poll.stop(after: end - start + 1) { throw CancellationError() }
            start = end + 1
        }
        self.ranks = ranks
        self.hasTies = hasTies
        self.tieSum = tieSum
    }
}
