// TTest.swift — Student's t-tests: one-sample, paired, two-sample (Welch and pooled).
//
// Contract
//   Inputs   : arrays of doubles; NaN marks a missing value and is dropped (paired: a pair with either
//              side missing is dropped). mu (hypothesised mean or difference), alternative, confLevel in [0, 1].
//   Outputs  : TTestResult — kind, n, means, sds, estimate, t, df, p, CI, standard error — or a thrown
//              TTestError with R's message ("not enough 'x' observations", "data are essentially constant").
//   Method   : t = (estimate − mu) / stderr with
//                one-sample / paired: stderr = sd/√n, df = n − 1 (paired: on the differences x − y);
//                Welch: stderr² = s1²/n1 + s2²/n2, df by Welch–Satterthwaite;
//                pooled: stderr² = s²(1/n1 + 1/n2), s² the pooled variance, df = n1 + n2 − 2.
//              p from StudentT (two.sided: 2·P(T ≤ −|t|)); CI = mu + (t ± q)·stderr with q the t quantile
//              at 1 − (1 − level)/2 (one-sided: at level), the arithmetic in R's order.
//   Reference: Welch (1947); R's stats::t.test.default, whose semantics (checks, order of operations,
//              "essentially constant" rule stderr < 10·eps·max|mean|) are followed exactly.
//   Ctrl-C   : an optional Cancellation is polled every 2^14 values of every pass; CancellationError once it fires.
//   R convention: t.test(x, y, alternative, mu, paired, var.equal, conf.level).

import Foundation

/// The result of a t-test, with R's fields.
public struct TTestResult: Sendable, Equatable {
    /// Which test was run.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case oneSample = "one-sample"
        case paired
        case welch
        case pooled
    }

    public let kind: Kind
    public let alternative: TestAlternative
    /// The hypothesised mean (one-sample), mean difference (paired) or difference in means.
    public let mu: Double
    public let confLevel: Double
    /// Observations used: [n] one-sample, [number of complete pairs] paired, [n1, n2] two-sample.
    public let n: [Int]
    /// Means of the samples: [mean] one-sample, [mean x, mean y] over complete pairs, [mean1, mean2].
    public let means: [Double]
    /// Standard deviations (divisor n − 1), laid out as `means`.
    public let sds: [Double]
    /// Paired only: mean and sd of the differences x − y.
    public let meanDifference: Double?
    public let sdDifference: Double?
    /// mean (one-sample), mean difference (paired), mean(first) − mean(second) (two-sample).
    public let estimate: Double
    public let t: Double
    public let df: Double
    public let p: Double
    /// Confidence limits for the estimate; −inf / +inf for one-sided alternatives.
    public let ciLower: Double
    public let ciUpper: Double
    public let stderr: Double
    /// R's method text ("One Sample t-test", "Paired t-test", "Welch Two Sample t-test", " Two Sample t-test").
    public var method: String {
        switch kind {
        case .oneSample: return "One Sample t-test"
        case .paired: return "Paired t-test"
        case .welch: return "Welch Two Sample t-test"
        case .pooled: return "Two Sample t-test"
        }
    }
}

/// Why a t-test could not be computed; descriptions are R's messages.
public enum TTestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer observations than the test needs; `sample` is "x", "y" or nil (total, pooled test).
    case notEnoughObservations(sample: String?)
    /// The standard error is negligible relative to the means (R: stderr < 10·eps·max|mean|).
    case dataEssentiallyConstant
    case invalidConfidenceLevel(Double)
    case invalidMu(Double)
    /// Paired data of different lengths.
    case lengthMismatch(Int, Int)

    public var description: String {
        switch self {
        case .notEnoughObservations(let sample?): return "not enough '\(sample)' observations"
        case .notEnoughObservations(nil): return "not enough observations"
        case .dataEssentiallyConstant: return "data are essentially constant"
        case .invalidConfidenceLevel(let level):
            return "'conf.level' must be a single number between 0 and 1 (got \(level))"
        case .invalidMu: return "'mu' must be a single number"
        case .lengthMismatch(let a, let b): return "'x' and 'y' must have the same length (\(a) and \(b))"
        }
    }
}

/// Student's t-tests as R's `t.test`.
public enum TTest {

    /// One-sample t-test of mean(x) = mu. NaN values are dropped.
    public static func oneSample(_ x: [Double], mu: Double = 0, alternative: TestAlternative = .twoSided,
                                 confLevel: Double = 0.95, cancel: Cancellation = .never) throws -> TTestResult {
        try validate(mu: mu, confLevel: confLevel)
        let values = try present(x, cancel: cancel)
        let summary = try oneSampleCore(values, mu: mu, alternative: alternative, confLevel: confLevel, cancel: cancel)
        return TTestResult(kind: .oneSample, alternative: alternative, mu: mu, confLevel: confLevel,
                           n: [values.count], means: [summary.mean], sds: [summary.sd],
                           meanDifference: nil, sdDifference: nil, estimate: summary.mean,
                           t: summary.t, df: summary.df, p: summary.p,
                           ciLower: summary.ci.lower, ciUpper: summary.ci.upper, stderr: summary.stderr)
    }

    /// Paired t-test of mean(x − y) = mu over the pairs where neither value is NaN.
    public static func paired(_ x: [Double], _ y: [Double], mu: Double = 0, alternative: TestAlternative = .twoSided,
                              confLevel: Double = 0.95, cancel: Cancellation = .never) throws -> TTestResult {
        try validate(mu: mu, confLevel: confLevel)
        guard x.count == y.count else { throw TTestError.lengthMismatch(x.count, y.count) }
        var xs: [Double] = []
        var ys: [Double] = []
        guard cancel.inBlocks(x.indices, { rows in
            for i in rows where !x[i].isNaN && !y[i].isNaN {
                xs.append(x[i])
                ys.append(y[i])
            }
        }) else { throw CancellationError() }
        let differences = try cancel.map(count: xs.count) { xs[$0] - ys[$0] }
        let summary = try oneSampleCore(differences, mu: mu, alternative: alternative, confLevel: confLevel, cancel: cancel)
        let means = [Moments.mean(xs, cancel: cancel), Moments.mean(ys, cancel: cancel)]
        let variances = [Moments.variance(xs, cancel: cancel), Moments.variance(ys, cancel: cancel)]
        try cancel.check()
        return TTestResult(kind: .paired, alternative: alternative, mu: mu, confLevel: confLevel,
                           n: [differences.count],
                           means: means,
                           sds: variances.map { $0.squareRoot() },
                           meanDifference: summary.mean, sdDifference: summary.sd, estimate: summary.mean,
                           t: summary.t, df: summary.df, p: summary.p,
                           ciLower: summary.ci.lower, ciUpper: summary.ci.upper, stderr: summary.stderr)
    }

    /// Two-sample t-test of mean(x) − mean(y) = mu: Welch's by default, pooled variance when `varEqual`.
    /// NaN values are dropped from each sample.
    public static func twoSample(_ x: [Double], _ y: [Double], mu: Double = 0, varEqual: Bool = false,
                                 alternative: TestAlternative = .twoSided,
                                 confLevel: Double = 0.95, cancel: Cancellation = .never) throws -> TTestResult {
        try validate(mu: mu, confLevel: confLevel)
        let xs = try present(x, cancel: cancel)
        let ys = try present(y, cancel: cancel)
        let nx = xs.count
        let ny = ys.count
        if nx < 1 || (!varEqual && nx < 2) { throw TTestError.notEnoughObservations(sample: "x") }
        if ny < 1 || (!varEqual && ny < 2) { throw TTestError.notEnoughObservations(sample: "y") }
        if varEqual && nx + ny < 3 { throw TTestError.notEnoughObservations(sample: nil) }
        let mx = Moments.mean(xs, cancel: cancel)
        let my = Moments.mean(ys, cancel: cancel)
        let vx = Moments.variance(xs, cancel: cancel)
        let vy = Moments.variance(ys, cancel: cancel)
        try cancel.check()
        let fx = Double(nx)
        let fy = Double(ny)
        let df: Double
        let stderr: Double
        if varEqual {
            df = fx + fy - 2
            var v = 0.0
            if nx > 1 { v += (fx - 1) * vx }
            if ny > 1 { v += (fy - 1) * vy }
            v /= df
            stderr = (v * (1 / fx + 1 / fy)).squareRoot()
        } else {
            let sx = (vx / fx).squareRoot()
            let sy = (vy / fy).squareRoot()
            let sx2 = sx * sx
            let sy2 = sy * sy
            stderr = (sx2 + sy2).squareRoot()
            let s2 = stderr * stderr
            df = s2 * s2 / (sx2 * sx2 / (fx - 1) + sy2 * sy2 / (fy - 1))
        }
        if stderr < 10 * Double.ulpOfOne * max(abs(mx), abs(my)) { throw TTestError.dataEssentiallyConstant }
        let t = (mx - my - mu) / stderr
        let (p, ci) = pValueAndInterval(t: t, df: df, stderr: stderr, mu: mu,
                                        alternative: alternative, confLevel: confLevel)
        return TTestResult(kind: varEqual ? .pooled : .welch, alternative: alternative, mu: mu, confLevel: confLevel,
                           n: [nx, ny], means: [mx, my],
                           sds: [vx.squareRoot(), vy.squareRoot()],
                           meanDifference: nil, sdDifference: nil, estimate: mx - my,
                           t: t, df: df, p: p, ciLower: ci.lower, ciUpper: ci.upper, stderr: stderr)
    }

    // MARK: - Internals

    private struct OneSampleSummary {
        var mean: Double
        var sd: Double
        var t: Double
        var df: Double
        var p: Double
        var ci: (lower: Double, upper: Double)
        var stderr: Double
    }

    private static func validate(mu: Double, confLevel: Double) throws {
        if mu.isNaN { throw TTestError.invalidMu(mu) }
        if !confLevel.isFinite || confLevel < 0 || confLevel > 1 {
            throw TTestError.invalidConfidenceLevel(confLevel)
        }
    }

    /// The values of `x` that are not NaN, in order (polled: 10^7 values take 20-40 ms).
    private static func present(_ x: [Double], cancel: Cancellation) throws -> [Double] {
        var out: [Double] = []
        guard cancel.inBlocks(x.indices, { rows in for i in rows where !x[i].isNaN { out.append(x[i]) } }) else { throw CancellationError() }
        return out
    }

    private static func oneSampleCore(_ x: [Double], mu: Double, alternative: TestAlternative,
                                      confLevel: Double, cancel: Cancellation) throws -> OneSampleSummary {
        let n = x.count
        if n < 2 { throw TTestError.notEnoughObservations(sample: "x") }
        let mean = Moments.mean(x, cancel: cancel)
        let variance = Moments.variance(x, cancel: cancel)
        try cancel.check()
        let df = Double(n - 1)
        let stderr = (variance / Double(n)).squareRoot()
        if stderr < 10 * Double.ulpOfOne * abs(mean) { throw TTestError.dataEssentiallyConstant }
        let t = (mean - mu) / stderr
        let (p, ci) = pValueAndInterval(t: t, df: df, stderr: stderr, mu: mu,
                                        alternative: alternative, confLevel: confLevel)
        return OneSampleSummary(mean: mean, sd: variance.squareRoot(), t: t, df: df, p: p, ci: ci, stderr: stderr)
    }

    /// p-value and confidence interval, with R's arithmetic: CI = mu + (t ± q) · stderr.
    private static func pValueAndInterval(t: Double, df: Double, stderr: Double, mu: Double,
                                          alternative: TestAlternative, confLevel: Double)
        -> (p: Double, ci: (lower: Double, upper: Double)) {
        switch alternative {
        case .less:
            let p = StudentT.cdf(t, df: df)
            let upper = t + StudentT.quantile(confLevel, df: df)
            return (p, (-.infinity, mu + upper * stderr))
        case .greater:
            let p = StudentT.sf(t, df: df)
            let lower = t - StudentT.quantile(confLevel, df: df)
            return (p, (mu + lower * stderr, .infinity))
        case .twoSided:
            let p = 2 * StudentT.cdf(-abs(t), df: df)
            let alpha = 1 - confLevel
            let q = StudentT.quantile(1 - alpha / 2, df: df)
            return (p, (mu + (t - q) * stderr, mu + (t + q) * stderr))
        }
    }
}
