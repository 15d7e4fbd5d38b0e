// Lowess.swift — Cleveland's robust locally weighted linear smoother, as R's lowess().
//
// Contract
//   Inputs:   points (x, y) (finite), the span f (default 2/3), the number of robustness
//             iterations (default 3) and delta (default 1% of the x range).
//   Outputs:  the points sorted by x (ties in input order, as R's order()) and the smoothed y.
//   Algorithm (Cleveland 1979; R's clowess): for each x_i, the ns = max(2, floor(f n + 1e-7))
//             nearest points (window slid right while that does not widen it, ties on the right
//             picked up) get tricube weights (1 - (d/h)^3)^3, h the largest distance in the window
//             (weight 1 within 0.001 h, 0 beyond 0.999 h), times the robustness weights after the
//             first pass; the fit is the weighted least-squares line at x_i (a weighted mean when
//             the x spread is below 0.001 of the range). Points within delta of the last fitted
//             point are interpolated linearly. Robustness weights: bisquare of residual / (6 MAD),
//             stopping early when 6 MAD < 1e-7 mean |residual|.
//   Reference: Cleveland, W. S. (1979) JASA 74:829-836; Cleveland (1981) Am. Stat. 35:54.
//   R convention: stats::lowess(x, y, f = 2/3, iter = 3L, delta = 0.01 * diff(range(x))).

import Foundation

public struct LowessFit: Sendable, Equatable {
    public let x: [Double]
    public let y: [Double]
}

public enum Lowess {
    public static func fit(x: [Double], y: [Double], f: Double = 2.0 / 3.0, iterations: Int = 3,
                           delta: Double? = nil) -> LowessFit {
        let n = min(x.count, y.count)
        let order = (0..<n).sorted { x[$0] < x[$1] || (x[$0] == x[$1] && $0 < $1) }
        let xs = order.map { x[$0] }, yv = order.map { y[$0] }
        guard n >= 2 else { return LowessFit(x: xs, y: yv) }
        let d = delta ?? 0.01 * (xs[n - 1] - xs[0])
        let ns = max(2, min(n, Int(f * Double(n) + 1e-7)))
        var fitted = [Double](repeating: 0, count: n)
        var robust = [Double](repeating: 1, count: n)
        var weights = [Double](repeating: 0, count: n)
        var iter = 1
        while iter <= iterations + 1 {
            var nleft = 0, nright = ns - 1, last = -1, i = 0
            while true {
                if nright < n - 1 && xs[i] - xs[nleft] > xs[nright + 1] - xs[i] {
                    nleft += 1; nright += 1
                    continue
                }
                if let v = local(xs, yv, at: xs[i], nleft: nleft, nright: nright, robust: iter > 1 ? robust : nil,
                                 weights: &weights) {
                    fitted[i] = v
                } else {
                    fitted[i] = yv[i]
                }
                if last < i - 1 {
                    let denom = xs[i] - xs[last]
                    for j in (last + 1)..<i {
                        let alpha = (xs[j] - xs[last]) / denom
                        fitted[j] = alpha * fitted[i] + (1 - alpha) * fitted[last]
                    }
                }
                last = i
                let cut = xs[last] + d
                var k = last + 1
                while k < n {
                    if xs[k] > cut { break }
                    if xs[k] == xs[last] { fitted[k] = fitted[last]; last = k }
                    k += 1
                }
                i = max(last + 1, k - 1)
                if last >= n - 1 { break }
            }
            if iter > iterations { break }
            let res = (0..<n).map { yv[$0] - fitted[$0] }
            let sc = res.reduce(0) { $0 + abs($1) } / Double(n)
            let absSorted = res.map(abs).sorted()
            let m1 = n / 2
            let cmad = n % 2 == 0 ? 3 * (absSorted[m1] + absSorted[n - m1 - 1]) : 6 * absSorted[m1]
            if cmad < 1e-7 * sc { break }
            for j in 0..<n {
                let r = abs(res[j])
                if r <= 0.001 * cmad { robust[j] = 1 } else if r <= 0.999 * cmad {
                    let u = r / cmad
                    robust[j] = (1 - u * u) * (1 - u * u)
                } else { robust[j] = 0 }
            }
            iter += 1
        }
        return LowessFit(x: xs, y: fitted)
    }

    /// The locally weighted line at `x0` over the window nleft...nright (ties on the right
    /// included); nil when every weight is 0.
    static func local(_ x: [Double], _ y: [Double], at x0: Double, nleft: Int, nright: Int, robust: [Double]?,
                      weights w: inout [Double]) -> Double? {
        let n = x.count
        let range = x[n - 1] - x[0]
        let h = max(x0 - x[nleft], x[nright] - x0)
        let h9 = 0.999 * h, h1 = 0.001 * h
        var a = 0.0
        var j = nleft
        while j < n {
            w[j] = 0
            let r = abs(x[j] - x0)
            if r <= h9 {
                if r <= h1 { w[j] = 1 } else {
                    let q = r / h
                    let t = 1 - q * q * q
                    w[j] = t * t * t
                }
                if let robust { w[j] *= robust[j] }
                a += w[j]
            } else if x[j] > x0 {
                break
            }
            j += 1
        }
        let nrt = j - 1
        guard a > 0 else { return nil }
        for k in nleft...nrt { w[k] /= a }
        if h > 0 {
            var mean = 0.0
            for k in nleft...nrt { mean += w[k] * x[k] }
            var b = x0 - mean
            var c = 0.0
            for k in nleft...nrt { c += w[k] * (x[k] - mean) * (x[k] - mean) }
            if c.squareRoot() > 0.001 * range {
                b /= c
                for k in nleft...nrt { w[k] *= b * (x[k] - mean) + 1 }
            }
        }
        var ys = 0.0
        for k in nleft...nrt { ys += w[k] * y[k] }
        return ys
    }
}
