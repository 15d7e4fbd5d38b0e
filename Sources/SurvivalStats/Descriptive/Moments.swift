// Moments.swift — mean, variance and standard deviation as R computes them.
//
// Contract
//   Inputs   : an array of doubles (callers drop missing values first; NaN propagates as in R).
//   Outputs  : mean (NaN for an empty array), variance and sd with divisor n − 1 (NaN when n < 2).
//   Method   : compensated (Neumaier) summation, then one corrective pass Σ(x − mean)/n, like R's
//              mean() (long-double sum plus correction); the variance sums squared deviations from
//              that mean, compensated, as R's var() does in long double. Results agree with R to
//              about one ulp.
//              Skewness is the moment coefficient g1 = m3 / m2^(3/2), m_k = sum (x - mean)^k / n (NaN when
//              n < 2 or the values are constant).
//   Ctrl-C: mean and variance take an optional Cancellation, polled every 2^14 values of each pass
//              (a t-test of 2 x 10^7 values makes six passes: 0.3 s of CPU); a cancelled result is
//              meaningless and the caller checks the Cancellation. The sums run in the same order.
//   R convention: mean(x), var(x), sd(x); skewness as e1071::skewness(x, type = 1) and
//              moments::skewness(x), written in base R as mean((x - mean(x))^3) / mean((x - mean(x))^2)^1.5.

import Foundation

/// Sample moments with R's conventions.
public enum Moments {

    /// The arithmetic mean; NaN for an empty array. `cancel` is polled every `Cancellation.stride`
    /// values of each pass; once it fires the result is meaningless (the caller checks `cancel`).
    public static func mean(_ x: [Double], cancel: Cancellation = .never) -> Double {
        if x.isEmpty { return .nan }
        let n = Double(x.count)
        var m = CompensatedSum.of(x, cancel: cancel) / n
        if m.isFinite {
            var correction = CompensatedSum()
            cancel.inBlocks(x.indices) { rows in for i in rows { correction.add(x[i] - m) } }
            m += correction.value / n
        }
        return m
    }

    /// The sample variance Σ(x − mean)² / (n − 1); NaN when fewer than 2 values. `cancel` as for `mean`.
    public static func variance(_ x: [Double], cancel: Cancellation = .never) -> Double {
        if x.count < 2 { return .nan }
        let m = mean(x, cancel: cancel)
        var sum = CompensatedSum()
        cancel.inBlocks(x.indices) { rows in
            for i in rows {
                let d = x[i] - m
                sum.add(d * d)
            }
        }
        return sum.value / Double(x.count - 1)
    }

    /// The sample standard deviation √variance.
    public static func standardDeviation(_ x: [Double]) -> Double {
        variance(x).squareRoot()
    }

    /// The moment coefficient of skewness m3 / m2^(3/2); NaN when fewer than 2 values or all equal.
    public static func skewness(_ x: [Double]) -> Double {
        if x.count < 2 { return .nan }
        let m = mean(x)
        var m2 = CompensatedSum(), m3 = CompensatedSum()
        for v in x {
            let d = v - m
            m2.add(d * d)
            m3.add(d * d * d)
        }
        let n = Double(x.count)
        let variance = m2.value / n
        guard variance > 0 else { return .nan }
        return (m3.value / n) / (variance * variance.squareRoot())
    }
}

/// Neumaier's compensated summation: the running sum plus the rounding errors it has dropped.
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    mutating func add(_ v: Double) {
        let t = sum + v
        if abs(sum) >= abs(v) {
            compensation += (sum - t) + v
        } else {
            compensation += (v - t) + sum
        }
        sum = t
    }

    var value: Double {
        let total = sum + compensation
        return total.isNaN && !sum.isNaN ? sum : total
    }

    /// The sum of `x` in order; `cancel` polled every `Cancellation.stride` values (a sum cut short
    /// is meaningless: the caller checks `cancel`).
    static func of(_ x: [Double], cancel: Cancellation = .never) -> Double {
        var s = CompensatedSum()
        cancel.inBlocks(x.indices) { rows in for i in rows { s.add(x[i]) } }
        return s.value
    }
}
