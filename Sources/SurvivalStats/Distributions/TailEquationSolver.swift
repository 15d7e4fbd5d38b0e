// TailEquationSolver.swift — solves F(x) = target for a monotone tail function F on x > 0.
//
// Contract
//   Inputs   : target in (0, 1) (may be subnormal), a starting point x0 > 0, the direction of F, and
//              an evaluator returning F(x), log F(x) and the elasticity d log F / d log x.
//   Output   : x > 0 with F(x) = target to working precision; 0 or +inf when the root lies beyond the
//              range of doubles.
//   Method   : Newton's method on g(x) = log F(x) − log target in the variable log x (tails of the
//              normal, t and chi-square distributions are close to linear there), safeguarded by a
//              bracket that is expanded geometrically until it encloses the root and bisected
//              geometrically whenever a Newton step leaves it. The residual is formed as
//              log(F/target) when both are normal doubles, so it is accurate to one rounding.
//              Used by the quantile functions, which supply accurate starting values.

import Foundation

/// One evaluation of a tail function: its value, its logarithm (finite even when the value
/// underflows, if the caller can compute it) and its elasticity d log F / d log x.
struct TailValue {
    var value: Double
    var logValue: Double
    var elasticity: Double
}

enum TailEquationSolver {
    /// Finds x > 0 with F(x) = target. `increasing` tells the direction of F.
    static func solve(target: Double, start: Double, increasing: Bool,
                      evaluate: (Double) -> TailValue) -> Double {
        let logTarget = log(target)
        var x = start
        var lo = 0.0
        var hi = Double.infinity
        var lastStep = Double.infinity
        for _ in 0..<400 {
            let v = evaluate(x)
            let g: Double
            if v.value >= Double.leastNormalMagnitude && target >= Double.leastNormalMagnitude {
                g = log(v.value / target)
            } else {
                g = v.logValue - logTarget
            }
            if g == 0 { return x }
            if g.isNaN { return .nan }
            let rootAbove = (g < 0) == increasing
            if rootAbove { lo = x } else { hi = x }
            if hi <= lo * (1 + 4 * Double.ulpOfOne) { return x }

            var next = Double.nan
            var step = Double.nan
            if g.isFinite && v.elasticity.isFinite && v.elasticity != 0 {
                step = -g / v.elasticity
                if abs(step) < 50 { next = x * exp(step) }
            }
            if !(next > lo && next < hi) {
                step = .nan
                if lo > 0 && hi.isFinite {
                    next = lo.squareRoot() * hi.squareRoot()
                } else if lo > 0 {
                    next = x * 16
                } else {
                    next = x / 16
                }
                if next == 0 || next.isInfinite { return next }
            }
            // Quadratic convergence: once the step is this small, the new point is exact to rounding.
            if abs(step) < 1e-12 || (abs(step) < 1e-9 && abs(step) >= lastStep) { return next }
            lastStep = abs(step).isNaN ? .infinity : abs(step)
            if next == x { return x }
            x = next
        }
        return x
    }
}
