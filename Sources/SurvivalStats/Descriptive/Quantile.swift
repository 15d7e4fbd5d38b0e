// Quantile.swift — sample quantiles, R's default definition (type 7).
//
// Contract
//   Inputs   : values (callers drop missing values first), probabilities in [0, 1].
//   Outputs  : for each probability p, with x sorted and h = (n − 1) p: x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])
//              computed as R does, (1 − f) x[lo] + f x[hi], and x[lo] alone when x[hi] = x[lo].
//              NaN for an empty array or a probability outside [0, 1] (or NaN).
//   Reference: Hyndman & Fan (1996), "Sample quantiles in statistical packages", definition 7.
//   R convention: quantile(x, probs, type = 7), the default.

import Foundation

/// Sample quantiles as R's `quantile(type = 7)`.
public enum Quantile {

    /// Type-7 quantiles of `x` at each of `probabilities`.
    public static func type7(_ x: [Double], probabilities: [Double]) -> [Double] {
        let sorted = x.sorted()
        return probabilities.map { type7(sorted: sorted, $0) }
    }

    /// The type-7 quantile of already sorted values.
    public static func type7(sorted x: [Double], _ p: Double) -> Double {
        let n = x.count
        if n == 0 || p.isNaN || p < 0 || p > 1 { return .nan }
        // One-based as R forms it (1 + (n − 1) p), so the fraction h rounds exactly as in R.
        let index = 1 + Double(n - 1) * p
        let lo = index.rounded(.down)
        let hi = index.rounded(.up)
        let low = x[Int(lo) - 1]
        let high = x[Int(hi) - 1]
        if index > lo && high != low {
            let h = index - lo
            return (1 - h) * low + h * high
        }
        return low
    }

    /// The median (type-7 quantile at ½).
    public static func median(_ x: [Double]) -> Double {
        type7(x, probabilities: [0.5])[0]
    }
}
