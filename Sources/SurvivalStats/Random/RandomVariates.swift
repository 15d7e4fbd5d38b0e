// RandomVariates.swift — random draws from the distributions survsh's expressions offer, each by
// one documented transformation of the uniform stream of Xoshiro256StarStar.
//
// Contract
//   Inputs   : a generator (inout) and the distribution's parameters (R's names and defaults).
//   Outputs  : one draw per call; NaN when a parameter is outside its domain (the caller reports it).
//   Method   : uniform u = ((x >> 11) + 0.5) · 2^-53 for the next 64 bits x: 2^53 equally spaced
//              values strictly inside (0, 1), so log(u) is always finite.
//              runif(a, b) = a + (b − a) u.
//              rnorm(m, s) = m + s Φ⁻¹(u) (inversion, one uniform per draw; Normal.quantile).
//              rexp(rate) = −log(u) / rate.
//              rweibull(shape, scale) = scale (−log u)^(1/shape)  (S(t) = exp(−(t/scale)^shape), as R).
//              rbinom(size, p) = the number of u < p among `size` uniforms (size ≤ 10^6).
//              integer(k) in 1...k: Lemire's unbiased bounded integer (multiply-shift with rejection).
//              permutation: Fisher–Yates from the last position down, with integer(i + 1).
//              Draws are bit-identical across platforms where the C library's log, pow and the
//              normal quantile round alike (integer draws and runif always are).
//   Reference: Devroye, Non-Uniform Random Variate Generation (1986), ch. 2 (inversion);
//              D. Lemire, "Fast random integer generation in an interval", ACM TOMACS 29 (2019).
//   R convention: parameters as R's runif/rnorm/rexp/rweibull/rbinom/sample; R's streams are not reproduced.

import Foundation

public enum RandomVariates {
    /// A uniform in (0, 1): 53 random bits, centred in their cell.
    public static func uniform<G: RandomNumberGenerator>(_ g: inout G) -> Double {
        (Double(g.next() >> 11) + 0.5) * 0x1p-53
    }

    public static func uniform<G: RandomNumberGenerator>(_ g: inout G, min a: Double, max b: Double) -> Double {
        guard a.isFinite, b.isFinite, a <= b else { return .nan }
        return a + (b - a) * uniform(&g)
    }

    public static func normal<G: RandomNumberGenerator>(_ g: inout G, mean: Double = 0, sd: Double = 1) -> Double {
        guard mean.isFinite, sd.isFinite, sd >= 0 else { return .nan }
        return mean + sd * Normal.quantile(uniform(&g))
    }

    public static func exponential<G: RandomNumberGenerator>(_ g: inout G, rate: Double = 1) -> Double {
        guard rate.isFinite, rate > 0 else { return .nan }
        return -log(uniform(&g)) / rate
    }

    public static func weibull<G: RandomNumberGenerator>(_ g: inout G, shape: Double, scale: Double = 1) -> Double {
        guard shape.isFinite, shape > 0, scale.isFinite, scale > 0 else { return .nan }
        return scale * pow(-log(uniform(&g)), 1 / shape)
    }

    /// The largest `size` rbinom accepts (it draws `size` uniforms).
    public static let maxBinomialSize = 1_000_000.0

    public static func binomial<G: RandomNumberGenerator>(_ g: inout G, size: Double, prob: Double) -> Double {
        guard size >= 0, size <= maxBinomialSize, size == size.rounded(), prob >= 0, prob <= 1 else { return .nan }
        var k = 0
        for _ in 0..<Int(size) where uniform(&g) < prob { k += 1 }
        return Double(k)
    }

    /// A uniform integer in 1...k (k ≥ 1), without modulo bias.
    public static func integer<G: RandomNumberGenerator>(_ g: inout G, upTo k: UInt64) -> UInt64 {
        precondition(k >= 1)
        var m = g.next().multipliedFullWidth(by: k)
        if m.low < k {
            let threshold = (0 &- k) % k
            while m.low < threshold { m = g.next().multipliedFullWidth(by: k) }
        }
        return m.high + 1
    }

    /// A random order of 0..<n (Fisher–Yates). `cancel` is polled every `Cancellation.stride` swaps;
    /// once it fires the order returned is incomplete (check it before use).
    public static func permutation<G: RandomNumberGenerator>(_ g: inout G, count n: Int,
                                                             cancel: Cancellation = .never) -> [Int] {
        var p = Array(0..<n)
        var i = n - 1
        while i > 0 {
            if cancel.stops(at: i) { break }
            let j = Int(integer(&g, upTo: UInt64(i + 1)) - 1)
            p.swapAt(i, j)
            i -= 1
        }
        return p
    }
}
