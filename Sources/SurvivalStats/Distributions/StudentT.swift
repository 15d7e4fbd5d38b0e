// StudentT.swift — Student's t distribution: cdf, upper tail, quantile.
//
// Contract
//   Inputs   : t any double; df > 0, not necessarily an integer (df = +inf gives the normal); p in [0, 1].
//   Outputs  : cdf P(T ≤ t), sf P(T > t) computed directly, quantile; NaN for invalid input.
//   Method   : for t ≥ 0, P(T > t) = ½ I_x(df/2, ½) with x = df/(df + t²), and P(0 < T < t) =
//              ½ I_y(½, df/2) with y = t²/(df + t²); x and y are each formed directly, and the
//              incomplete beta returns both tails without cancellation (SpecialFunctions.betaTails).
//              Quantile: starting value from the Cornish–Fisher expansion (A&S 26.7.5) or from the
//              power-law tail P(T > t) ≈ c t^{−df}, whichever fits better, then safeguarded Newton on
//              the log of the smaller tail; near the median on the central mass, for relative accuracy.
//   R convention: pt / qt (R ≥ 4.x computes pt by pbeta for every finite df; so do we). A quantile
//              beyond the largest double is returned as ±inf, as qt does.

import Foundation

/// Student's t distribution with `df` degrees of freedom.
public enum StudentT {

    /// P(T ≤ t).
    public static func cdf(_ t: Double, df: Double) -> Double {
        sf(-t, df: df)
    }

    /// P(T > t), computed directly (no `1 − cdf` cancellation).
    public static func sf(_ t: Double, df: Double) -> Double {
        if t.isNaN || df.isNaN || !(df > 0) { return .nan }
        if df.isInfinite { return Normal.sf(t) }
        if t == .infinity { return 0 }
        if t == -.infinity { return 1 }
        let tails = halfTails(abs(t), df: df)
        return t >= 0 ? tails.upper : 0.5 + tails.central
    }

    /// The density.
    public static func pdf(_ t: Double, df: Double) -> Double {
        if t.isNaN || df.isNaN || !(df > 0) { return .nan }
        if df.isInfinite { return Normal.pdf(t) }
        let logC = SpecialFunctions.logGamma((df + 1) / 2) - SpecialFunctions.logGamma(df / 2)
            - 0.5 * log(df * Double.pi)
        return exp(logC - (df + 1) / 2 * log1p(t * t / df))
    }

    /// The t with P(T ≤ t) = p. −inf at 0, +inf at 1.
    public static func quantile(_ p: Double, df: Double) -> Double {
        if p.isNaN || df.isNaN || !(df > 0) || p < 0 || p > 1 { return .nan }
        if df.isInfinite { return Normal.quantile(p) }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if p < 0.5 { return -upperQuantile(p, df: df) }
        return upperQuantile(1 - p, df: df)  // 1 − p is exact for p ≥ ½
    }

    // MARK: - Internals

    /// For t ≥ 0: `upper` = P(T > t) and `central` = P(0 < T < t), each without cancellation.
    static func halfTails(_ t: Double, df: Double) -> (upper: Double, central: Double) {
        if t > 1e100 {
            // x = df/t² is below 1e-200·df: I_x(df/2, ½) = x^{df/2} / ((df/2) B(df/2, ½)) · (1 + O(x)),
            // evaluated on the log scale so that x itself never underflows.
            let a = df / 2
            let logBeta = SpecialFunctions.logGamma(a) + SpecialFunctions.logGamma(0.5)
                - SpecialFunctions.logGamma(a + 0.5)
            let upper = 0.5 * exp(a * (log(df) - 2 * log(t)) - log(a) - logBeta)
            return (upper, 0.5 - upper)
        }
        let t2 = t * t
        let denominator = df + t2
        let x = df / denominator
        let y = t2 / denominator
        let beta = SpecialFunctions.betaTails(x: x, y: y, a: df / 2, b: 0.5)
        return (0.5 * beta.lower, 0.5 * beta.upper)
    }

    /// The t > 0 with P(T > t) = q, for 0 < q < ½.
    private static func upperQuantile(_ q: Double, df: Double) -> Double {
        let density0 = pdf(0, df: df)
        if q > 0.25 {
            let delta = 0.5 - q  // exact
            let evaluate = { (t: Double) -> TailValue in
                let central = halfTails(t, df: df).central
                return TailValue(value: central, logValue: log(central),
                                 elasticity: t * pdf(t, df: df) / central)
            }
            var start = delta / density0
            let cf = cornishFisher(Normal.quantile(0.5 + delta), df: df)
            if cf > 0 && cf.isFinite && abs(log(evaluate(cf).value / delta)) < abs(log(evaluate(start).value / delta)) {
                start = cf
            }
            return TailEquationSolver.solve(target: delta, start: start, increasing: true, evaluate: evaluate)
        }
        let evaluate = { (t: Double) -> TailValue in
            let upper = halfTails(t, df: df).upper
            return TailValue(value: upper, logValue: log(upper), elasticity: -t * pdf(t, df: df) / upper)
        }
        // Power-law tail: P(T > t) ≈ pdf-constant · df^{(df+1)/2} t^{−df} / df.
        let logPower = (log(density0) + 0.5 * (df - 1) * log(df) - log(q)) / df
        if logPower > 709.7 { return .infinity }
        var start = exp(logPower)
        let cf = cornishFisher(-Normal.quantile(q), df: df)
        if cf > 0 && cf.isFinite {
            let rPower = abs(evaluate(start).logValue - log(q))
            let rCF = abs(evaluate(cf).logValue - log(q))
            if !(rPower <= rCF) { start = cf }
        }
        return TailEquationSolver.solve(target: q, start: start, increasing: false, evaluate: evaluate)
    }

    /// Cornish–Fisher expansion of the t quantile in terms of the normal quantile z (A&S 26.7.5).
    private static func cornishFisher(_ z: Double, df: Double) -> Double {
        let z2 = z * z
        let g1 = (z2 + 1) * z / 4
        let g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
        let g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
        let g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
        return z + g1 / df + g2 / (df * df) + g3 / (df * df * df) + g4 / (df * df * df * df)
    }
}
