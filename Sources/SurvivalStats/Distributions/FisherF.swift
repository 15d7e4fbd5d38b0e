// FisherF.swift — the F distribution: cdf and upper tail.
//
// Contract
//   Inputs   : x any double (x ≤ 0 has cdf 0); df1, df2 > 0, not necessarily integers (+inf allowed).
//   Outputs  : cdf P(F ≤ x), sf P(F > x) computed directly. NaN for invalid input.
//   Method   : P(F ≤ x) = I_u(df1/2, df2/2) with u = df1 x/(df1 x + df2) and 1 − u = df2/(df1 x + df2),
//              both formed directly; the incomplete beta returns both tails without cancellation.
//              Infinite df reduce to chi-square limits.
//   R convention: pf.

import Foundation

/// The F distribution with `df1` and `df2` degrees of freedom.
public enum FisherF {

    /// P(F ≤ x).
    public static func cdf(_ x: Double, df1: Double, df2: Double) -> Double {
        tails(x, df1: df1, df2: df2).lower
    }

    /// P(F > x), computed directly (no `1 − cdf` cancellation).
    public static func sf(_ x: Double, df1: Double, df2: Double) -> Double {
        tails(x, df1: df1, df2: df2).upper
    }

    private static func tails(_ x: Double, df1: Double, df2: Double) -> (lower: Double, upper: Double) {
        if x.isNaN || df1.isNaN || df2.isNaN || !(df1 > 0) || !(df2 > 0) { return (.nan, .nan) }
        if x <= 0 { return (0, 1) }
        if x == .infinity { return (1, 0) }
        if df1.isInfinite && df2.isInfinite {
            return x < 1 ? (0, 1) : (x > 1 ? (1, 0) : (0, 1))
        }
        if df2.isInfinite {
            // df1 F → chi-square(df1)
            let g = SpecialFunctions.gammaTails(df1 / 2, df1 * x / 2)
            return (g.lower, g.upper)
        }
        if df1.isInfinite {
            // df2 / F → chi-square(df2)
            let g = SpecialFunctions.gammaTails(df2 / 2, df2 / x / 2)
            return (g.upper, g.lower)
        }
        let u = df1 * x
        let denominator = u + df2
        let lowerArg: Double
        let upperArg: Double
        if denominator.isInfinite {
            lowerArg = 1
            upperArg = (df2 / x) / df1
        } else {
            lowerArg = u / denominator
            upperArg = df2 / denominator
        }
        let beta = SpecialFunctions.betaTails(x: lowerArg, y: upperArg, a: df1 / 2, b: df2 / 2)
        return (beta.lower, beta.upper)
    }
}
