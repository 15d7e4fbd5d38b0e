// ChiSquared.swift — the chi-square distribution: cdf, upper tail, quantile.
//
// Contract
//   Inputs   : x any double (x ≤ 0 has cdf 0); df > 0, not necessarily an integer; p in [0, 1].
//   Outputs  : cdf P(X ≤ x) = P(df/2, x/2), sf P(X > x) = Q(df/2, x/2) computed directly, quantile.
//              NaN for invalid input.
//   Method   : the regularised incomplete gamma functions (SpecialFunctions.gammaTails), both tails
//              without cancellation. Quantile: starting values from Wilson–Hilferty, the small-x
//              power law P ≈ (x/2)^a / Γ(a+1) and the large-x exponential tail, whichever fits the
//              target best; then safeguarded Newton on the log of the smaller tail in log x.
//   R convention: pchisq / qchisq. A lower quantile below the smallest double is returned as 0,
//              as qchisq does.
//   Reference: Abramowitz & Stegun 26.4.17 (Wilson–Hilferty).

import Foundation

/// The chi-square distribution with `df` degrees of freedom.
public enum ChiSquared {

    /// P(X ≤ x).
    public static func cdf(_ x: Double, df: Double) -> Double {
        if x.isNaN || df.isNaN || !(df > 0) { return .nan }
        return SpecialFunctions.gammaTails(df / 2, x / 2).lower
    }

    /// P(X > x), computed directly (no `1 − cdf` cancellation).
    public static func sf(_ x: Double, df: Double) -> Double {
        if x.isNaN || df.isNaN || !(df > 0) { return .nan }
        return SpecialFunctions.gammaTails(df / 2, x / 2).upper
    }

    /// The density.
    public static func pdf(_ x: Double, df: Double) -> Double {
        if x.isNaN || df.isNaN || !(df > 0) { return .nan }
        if x < 0 { return 0 }
        if x == 0 { return df < 2 ? .infinity : (df == 2 ? 0.5 : 0) }
        let a = df / 2
        return SpecialFunctions.poissonTerm(a, x / 2) * a / x
    }

    /// The x with P(X ≤ x) = p. 0 at p = 0, +inf at p = 1.
    public static func quantile(_ p: Double, df: Double) -> Double {
        if p.isNaN || df.isNaN || !(df > 0) || p < 0 || p > 1 { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        if df.isInfinite { return .infinity }
        let a = df / 2
        let lowerTail = p <= 0.5
        let target = lowerTail ? p : 1 - p  // 1 − p exact for p > ½
        let logTarget = log(target)

        let evaluate = { (x: Double) -> TailValue in
            let g = SpecialFunctions.gammaTails(a, x / 2)
            let tail = lowerTail ? g.lower : g.upper
            // x · d/dx P(a, x/2) = a · (x/2)^a e^{−x/2} / Γ(a+1)
            let elasticity = (lowerTail ? a : -a) * g.density / tail
            return TailValue(value: tail, logValue: log(tail), elasticity: elasticity)
        }
        func misfit(_ x: Double) -> Double {
            guard x > 0 && x.isFinite else { return .infinity }
            let r = abs(evaluate(x).logValue - logTarget)
            return r.isNaN ? .infinity : r
        }

        var candidates: [Double] = []
        // Wilson–Hilferty
        let h = 2 / (9 * df)
        let z = lowerTail ? Normal.quantile(target) : -Normal.quantile(target)
        let c = 1 - h + z * h.squareRoot()
        if c > 0 { candidates.append(df * c * c * c) }
        if lowerTail {
            // P(a, y) ≈ y^a / Γ(a+1) for small y = x/2.
            let logY = (logTarget + SpecialFunctions.logGamma(a + 1)) / a
            if logY + log(2.0) < log(Double.leastNonzeroMagnitude) { return 0 }
            candidates.append(2 * exp(logY))
        } else {
            // Q(a, y) ≈ y^{a−1} e^{−y} / Γ(a) for large y.
            let base = -logTarget - SpecialFunctions.logGamma(a)
            var y = max(base, a + 1)
            for _ in 0..<4 {
                let next = base + (a - 1) * log(y)
                if !(next > 0) { break }
                y = next
            }
            candidates.append(2 * y)
        }
        var start = candidates[0]
        var best = misfit(start)
        for x in candidates.dropFirst() where misfit(x) < best {
            start = x
            best = misfit(x)
        }
        if !(start > 0 && start.isFinite) { start = df }
        return TailEquationSolver.solve(target: target, start: start, increasing: lowerTail, evaluate: evaluate)
    }
}
