// Zeroin.swift — R's uniroot: Brent's root finder on a bracketing interval, with R's defaults.
//
// Contract
//   Inputs   : f continuous on [lower, upper] with f(lower) and f(upper) of opposite signs (or one zero).
//   Output   : a root to within `tol` (R's default .Machine$double.eps^0.25 ≈ 1.22e-4, absolute), or nil
//              when the ends do not bracket a root or the iteration limit is reached.
//   Method   : R_zeroin2 (R's src/library/stats/src/zeroin.c; Brent 1973, Forsythe-Malcolm-Moler):
//              inverse quadratic / secant steps safeguarded by bisection. Ported step by step so that a
//              result computed with R's default tolerance is the root R returns, not merely a root
//              within the tolerance (R's fisher.test odds ratio and its limits are such results).
//   R convention: uniroot(f, c(lower, upper)) with tol and maxiter = 1000 as R's defaults.

import Foundation

enum Zeroin {
    /// R's uniroot default tolerance, .Machine$double.eps^0.25.
    static let rTolerance = pow(Double.ulpOfOne, 0.25)

    static func root(lower: Double, upper: Double, tol: Double = rTolerance, maxIterations: Int = 1000,
                     _ f: (Double) -> Double) -> Double? {
        var a = lower, b = upper
        var fa = f(a), fb = f(b)
        guard fa.isFinite, fb.isFinite, !(fa * fb > 0) else { return nil }
        if fa == 0 { return a }
        if fb == 0 { return b }
        var c = a, fc = fa
        for _ in 0...maxIterations {
            let previousStep = b - a
            if abs(fc) < abs(fb) {
                a = b; b = c; c = a
                fa = fb; fb = fc; fc = fa
            }
            let tolAct = 2 * Double.ulpOfOne * abs(b) + tol / 2
            var newStep = (c - b) / 2
            if abs(newStep) <= tolAct || fb == 0 { return b }
            if abs(previousStep) >= tolAct && abs(fa) > abs(fb) {
                // Interpolation: secant when only two distinct points, else inverse quadratic.
                var p: Double, q: Double
                let cb = c - b
                if a == c {
                    let t1 = fb / fa
                    p = cb * t1
                    q = 1 - t1
                } else {
                    let qa = fa / fc, t1 = fb / fc, t2 = fb / fa
                    p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1))
                    q = (qa - 1) * (t1 - 1) * (t2 - 1)
                }
                if p > 0 { q = -q } else { p = -p }
                if p < 0.75 * cb * q - abs(tolAct * q) / 2 && p < abs(previousStep * q / 2) { newStep = p / q }
            }
            if abs(newStep) < tolAct { newStep = newStep > 0 ? tolAct : -tolAct }
            a = b; fa = fb
            b += newStep; fb = f(b)
            if (fb > 0 && fc > 0) || (fb < 0 && fc < 0) { c = a; fc = fa }
        }
        return nil
    }
}
