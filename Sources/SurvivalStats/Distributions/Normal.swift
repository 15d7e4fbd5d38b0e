// Normal.swift — the standard normal distribution: cdf, upper tail, quantile.
//
// Contract
//   Inputs   : x any double (±inf allowed); p in [0, 1].
//   Outputs  : cdf Φ(x), sf 1 − Φ(x) computed directly, quantile Φ⁻¹(p); NaN for NaN or p outside [0,1].
//   Method   : Φ via the C library's erfc, with the rounding error of x/√2 corrected to first order
//              (erfc(z + dz) ≈ erfc(z)(1 − 2z dz)), so the tails are accurate to a few ulps.
//              Quantile: Abramowitz & Stegun 26.2.23 as a starting value, then safeguarded Newton on
//              the log of the smaller tail (TailEquationSolver); near the median the equation is solved
//              for the central mass Φ(x) − ½ = ½ erf(x/√2), so small quantiles keep relative accuracy.
//   R convention: as pnorm, tails below the smallest normal double (|x| > 37.5193) are returned as 0;
//              qnorm accepts subnormal p (solved on the log scale with the Mills-ratio series).
//   Reference: Abramowitz & Stegun (1964) 26.2.12, 26.2.23.

import Foundation

/// The standard normal distribution N(0, 1).
public enum Normal {

    /// P(Z ≤ x).
    public static func cdf(_ x: Double) -> Double {
        sf(-x)
    }

    /// P(Z > x), computed directly (no `1 − cdf` cancellation).
    public static func sf(_ x: Double) -> Double {
        if x > underflowBound { return 0 }
        return upperTail(x)
    }

    /// The density φ(x).
    public static func pdf(_ x: Double) -> Double {
        exp(-0.5 * x * x) / SpecialFunctions.Constants.sqrt2Pi
    }

    /// Φ⁻¹(p): the x with P(Z ≤ x) = p. −inf at 0, +inf at 1.
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if p < 0.5 { return -upperQuantile(p) }
        return upperQuantile(1 - p)  // exact for p ≥ ½
    }

    // MARK: - Internals

    /// R's pnorm returns 0 beyond this point (the tail is below the smallest normal double).
    static let underflowBound = 37.5193

    private static let invSqrt2Hi = 0.7071067811865476
    private static let invSqrt2Lo = -4.8336466567264565186e-17

    /// P(Z > x) without R's flush to zero below the normal range.
    static func upperTail(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        let z = x * invSqrt2Hi
        if z < 0.5 { return 0.5 * erfc(z) }
        // z carries the rounding error of x/√2; dz is the exact remainder (to first order).
        let dz = fma(x, invSqrt2Hi, -z) + x * invSqrt2Lo
        return 0.5 * erfc(z) * (1 - 2 * z * dz)
    }

    /// Mills' ratio (1 − Φ(x)) / φ(x) for x ≥ 30 from its asymptotic series.
    static func millsRatio(_ x: Double) -> Double {
        let r2 = 1 / (x * x)
        var term = 1.0
        var sum = 1.0
        var k = 1.0
        while k < 30 {
            term *= -(2 * k - 1) * r2
            let next = sum + term
            if next == sum { break }
            sum = next
            k += 1
        }
        return sum / x
    }

    /// The z > 0 with P(Z > z) = q, for 0 < q < ½.
    private static func upperQuantile(_ q: Double) -> Double {
        if q > 0.25 {
            // Solve P(0 < Z < z) = ½ − q (exact subtraction) for small z.
            let delta = 0.5 - q
            let start = delta * SpecialFunctions.Constants.sqrt2Pi
            return TailEquationSolver.solve(target: delta, start: start, increasing: true) { z in
                let mass = 0.5 * erf(z * invSqrt2Hi)
                return TailValue(value: mass, logValue: log(mass), elasticity: z * pdf(z) / mass)
            }
        }
        // Abramowitz & Stegun 26.2.23 (absolute error < 4.5e-4) as the starting value.
        let t = (-2 * log(q)).squareRoot()
        let start = t - (2.515517 + t * (0.802853 + t * 0.010328))
            / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)))
        return TailEquationSolver.solve(target: q, start: start, increasing: false) { z in
            if z < 30 {
                let tail = upperTail(z)
                return TailValue(value: tail, logValue: log(tail), elasticity: -z * pdf(z) / tail)
            }
            let mills = millsRatio(z)
            let logTail = -0.5 * z * z - SpecialFunctions.Constants.logSqrt2Pi + log(mills)
            let tail = exp(logTail)
            return TailValue(value: tail, logValue: logTail, elasticity: -z / mills)
        }
    }
}
