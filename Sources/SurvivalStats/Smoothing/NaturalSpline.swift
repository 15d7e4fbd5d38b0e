// NaturalSpline.swift — least-squares fit of a natural cubic spline with its pointwise standard
// error, as plot.cox.zph smooths scaled Schoenfeld residuals (lm on R's ns(x, df, intercept = TRUE)).
//
// Contract
//   Inputs:   points (x, y), the degrees of freedom df (>= 2, the number of basis functions with
//             the intercept), the x values at which to predict, and the values whose type-7
//             quantiles place the knots (R: ns() is called on c(pred.x, x), so both).
//   Outputs:  fitted values at the prediction points and sqrt of diag(P (X'X)^-1 P'), the factor
//             that plot.cox.zph multiplies by sqrt(var) for its band; nil when X is rank deficient.
//   Method:   knots as ns(): boundary knots at the range of the knot values, df - 2 interior knots
//             at their quantiles j/(df - 1). The space of natural cubic splines with those knots is
//             spanned by 1, u and d_k(u) - d_{K-1}(u), d_k(u) = ((u - k_k)+^3 - (u - k_K)+^3)/(k_K - k_k)
//             (Hastie, Tibshirani & Friedman 2009, eq. 5.4-5.5), u = x rescaled to [0, 1]. The fit
//             and the standard-error factor do not depend on the basis chosen for that space, so
//             they equal R's B-spline-based ns() results. Least squares by modified Gram–Schmidt QR.
//   Reference: Hastie, Tibshirani & Friedman (2009) §5.2.1; R splines::ns, survival plot.cox.zph.

import Foundation

public struct NaturalSplineFit: Sendable, Equatable {
    public let x: [Double]
    public let fit: [Double]
    /// sqrt(diag(P (X'X)^-1 P')) at each prediction point.
    public let seFactor: [Double]
}

public enum NaturalSpline {
    /// Fits y on a natural cubic spline basis with `df` columns (intercept included) and predicts.
    public static func fit(x: [Double], y: [Double], df: Int, at predict: [Double],
                           knotValues: [Double]) -> NaturalSplineFit? {
        guard df >= 2, x.count == y.count, x.count >= df, let lo = knotValues.min(), let hi = knotValues.max(),
              hi > lo else { return nil }
        let sorted = knotValues.sorted()
        let interior = (0..<(df - 2)).map { Quantile.type7(sorted: sorted, Double($0 + 1) / Double(df - 1)) }
        let knots = ([lo] + interior + [hi]).map { ($0 - lo) / (hi - lo) }
        func basis(_ v: Double) -> [Double] {
            let u = (v - lo) / (hi - lo)
            let k = knots.count
            func d(_ j: Int) -> Double {
                let a = max(u - knots[j], 0), b = max(u - knots[k - 1], 0)
                return (a * a * a - b * b * b) / (knots[k - 1] - knots[j])
            }
            var row = [1, u]
            for j in 0..<(k - 2) { row.append(d(j) - d(k - 2)) }
            return row
        }
        let n = x.count, p = df
        // Q (n x p, columns) and R (p x p) by modified Gram-Schmidt
        var q = (0..<p).map { j in x.map { basis($0)[j] } }
        var r = [Double](repeating: 0, count: p * p)
        for j in 0..<p {
            for i in 0..<j {
                var dot = 0.0
                for t in 0..<n { dot += q[i][t] * q[j][t] }
                r[i * p + j] = dot
                for t in 0..<n { q[j][t] -= dot * q[i][t] }
            }
            var norm = 0.0
            for t in 0..<n { norm += q[j][t] * q[j][t] }
            norm = norm.squareRoot()
            // rank deficiency (R: qr rank < df, the variable is skipped)
            guard norm > 1e-7 * max(1, r[j * p + j].magnitude) && norm > 0 else { return nil }
            r[j * p + j] = norm
            for t in 0..<n { q[j][t] /= norm }
        }
        // coefficients: R c = Q'y (back substitution)
        var qty = (0..<p).map { j in (0..<n).reduce(0.0) { $0 + q[j][$1] * y[$1] } }
        for j in stride(from: p - 1, through: 0, by: -1) {
            for k in (j + 1)..<p { qty[j] -= r[j * p + k] * qty[k] }
            qty[j] /= r[j * p + j]
        }
        var fit: [Double] = [], se: [Double] = []
        for v in predict {
            let b = basis(v)
            fit.append(zip(b, qty).reduce(0) { $0 + $1.0 * $1.1 })
            // w = R^-T b (forward substitution); se^2 = |w|^2
            var w = b
            for j in 0..<p {
                for k in 0..<j { w[j] -= r[k * p + j] * w[k] }
                w[j] /= r[j * p + j]
            }
            se.append(w.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        return NaturalSplineFit(x: predict, fit: fit, seFactor: se)
    }
}
