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
//   R convention: mean(x), var(x), sd(x); skewness as e1071::skewness(x, type = 1) and
//              moments::skewness(x), written in base R as mean((x - mean(x))^3) / mean((x - mean(x))^2)^1.5.

import Foundation

/// Sample moments with R's conventions.
public enum Moments {

    /// The arithmetic mean; NaN for an empty array.
    public static func mean(_ x: [Double]) -> Double {
        if x.isEmpty { return .nan }
        let n = Double(x.count)
        var m = CompensatedSum.of(x) / n
        if m.isFinite {
            var correction = CompensatedSum()
            for v in x { correction.add(v - m) }
            m += correction.value / n
        }
        return m
    }

    /// The sample variance Σ(x − mean)² / (n − 1); NaN when fewer than 2 values.
    public static func variance(_ x: [Double]) -> Double {
        if x.count < 2 { return .nan }
        let m = mean(x)
        var sum = CompensatedSum()
        for v in x {
            let d = v - m
            sum.add(d * d)
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

    static func of(_ x: [Double]) -> Double {
        var s = CompensatedSum()
        for v in x { s.add(v) }
        return s.value
    }
}
