// SurvregDistribution.swift — the distributions of a parametric (accelerated failure time) model.
//
// Contract
//   Inputs:   a standardised residual z = (y - eta) / sigma on the model's scale (log time for the
//             log-time families), a probability p.
//   Outputs:  for an exact observation f, f'/f, f''/f; for a censored one F, 1 - F, f, f' (both as
//             survival's survregc1 needs them); the quantile of the standard distribution; S(z).
//   Families: weibull and exponential (extreme value on log time; exponential fixes sigma = 1,
//             rayleigh sigma = 0.5), lognormal (gaussian on log time), loglogistic (logistic on log
//             time), and gaussian, logistic, extreme on the time itself — R's survreg.distributions.
//   Reference: Kalbfleisch & Prentice (2002) ch. 2-3; Therneau, "A package for survival analysis",
//             Mayo TR 53 (the derivative formulas).
//   R convention: survival 3.5 survregc1.c (exvalue_d, logistic_d, gauss_d), including its guard
//             of exp() in the extreme-value tails (|z| > 200) and survreg.distributions' init and
//             quantile functions.

import Foundation

/// A survreg distribution, named as R's `survreg(dist = )` names it.
public enum SurvregDistribution: String, CaseIterable, Sendable {
    case weibull, exponential, lognormal, loglogistic, gaussian, logistic, extreme, rayleigh

    /// The standard distribution of the residual on the model scale.
    public enum Base: Sendable { case extreme, logistic, gaussian }

    public var base: Base {
        switch self {
        case .weibull, .exponential, .extreme, .rayleigh: return .extreme
        case .lognormal, .gaussian: return .gaussian
        case .loglogistic, .logistic: return .logistic
        }
    }

    /// Whether the model is for log(time) (R's `trans = log`).
    public var logTime: Bool {
        switch self {
        case .weibull, .exponential, .lognormal, .loglogistic, .rayleigh: return true
        case .gaussian, .logistic, .extreme: return false
        }
    }

    /// The scale the family fixes (exponential 1, rayleigh 0.5); nil when it is estimated.
    public var fixedScale: Double? {
        switch self {
        case .exponential: return 1
        case .rayleigh: return 0.5
        default: return nil
        }
    }

    /// R's name (`survreg.distributions[[dist]]$name`), as summary.survreg prints it.
    public var displayName: String {
        switch self {
        case .weibull: return "Weibull"
        case .exponential: return "Exponential"
        case .lognormal: return "Log Normal"
        case .loglogistic: return "Log logistic"
        case .gaussian: return "Gaussian"
        case .logistic: return "Logistic"
        case .extreme: return "Extreme value"
        case .rayleigh: return "Rayleigh"
        }
    }

    /// Whether `hr` (hazard ratios, exp(-beta / sigma)) is meaningful: the proportional-hazards families.
    public var hasHazardRatios: Bool { base == .extreme && logTime }

    /// The quantile of the standard distribution (R's `survreg.distributions[[d]]$quantile`).
    public func standardQuantile(_ p: Double) -> Double {
        switch base {
        case .extreme: return log(-log(1 - p))
        case .logistic: return log(p / (1 - p))
        case .gaussian: return Normal.quantile(p)
        }
    }

    /// S(z) = 1 - F(z) of the standard distribution.
    public func standardSurvival(_ z: Double) -> Double {
        switch base {
        case .extreme: return exp(-exp(z))
        case .logistic: return z > 0 ? exp(-z) / (1 + exp(-z)) : 1 / (1 + exp(z))
        case .gaussian: return Normal.sf(z)
        }
    }

    /// The divisor of R's `init` function for the base: var(y) / divisor is the starting squared
    /// scale (its starting location is replaced by a one-step estimate, so its shift never matters).
    var initVarianceDivisor: Double {
        switch base {
        case .extreme: return 1.64
        case .logistic: return 3.2
        case .gaussian: return 1
        }
    }
}

/// The density values survregc1 uses: `exact` gives (f, f'/f, f''/f), `censored` (F, 1-F, f, f').
struct SurvregDensity {
    static let small = -200.0        // survregc1's SMALL: log f used when f underflows
    static let sqrt2Pi = 2.506628274631001

    /// (f, f'/f, f''/f) at z.
    static func exact(_ base: SurvregDistribution.Base, _ z: Double) -> (f: Double, d1: Double, d2: Double) {
        switch base {
        case .extreme:
            let w = extremeW(z)
            return (w * exp(-w), 1 - w, w * (w - 3) + 1)
        case .logistic:
            let (w, sign) = z > 0 ? (exp(-z), -1.0) : (exp(z), 1.0)
            let t = 1 + w
            return (w / (t * t), sign * (1 - w) / t, (w * w - 4 * w + 1) / (t * t))
        case .gaussian:
            return (exp(-z * z / 2) / sqrt2Pi, -z, z * z - 1)
        }
    }

    /// (F, 1 - F, f, f') at z.
    static func censored(_ base: SurvregDistribution.Base, _ z: Double) -> (cdf: Double, sf: Double, f: Double, df: Double) {
        switch base {
        case .extreme:
            let w = extremeW(z)
            let t = exp(-w)
            return (1 - t, t, w * t, w * t * (1 - w))
        case .logistic:
            let (w, sign) = z > 0 ? (exp(-z), -1.0) : (exp(z), 1.0)
            let t = 1 + w
            let f = w / (t * t)
            let (lower, upper) = z > 0 ? (1 / t, w / t) : (w / t, 1 / t)
            return (lower, upper, f, sign * f * (1 - w) / t)
        case .gaussian:
            let f = exp(-z * z / 2) / sqrt2Pi
            let r2 = 1.4142135623730951
            let (cdf, sf) = z > 0 ? ((1 + erf(z / r2)) / 2, erfc(z / r2) / 2) : (erfc(-z / r2) / 2, (1 + erf(-z / r2)) / 2)
            return (cdf, sf, f, -z * f)
        }
    }

    /// exp(z) with survregc1's guard against infinite answers.
    private static func extremeW(_ z: Double) -> Double {
        if z < small { return exp(small) }
        if -z < small { return exp(-small) }
        return exp(z)
    }

    /// One observation's log-likelihood contribution and its derivatives (survregc1): g, and with
    /// respect to eta (dg, ddg), log sigma (dsig, ddsig) and both (dsg). `sz` = y - eta.
    @inline(__always)
    static func contribution(_ base: SurvregDistribution.Base, sz: Double, sigma: Double, event: Bool) -> SurvregContribution {
        let z = sz / sigma
        let sig2 = 1 / (sigma * sigma)
        if event {
            let fn = exact(base, z)
            if fn.f <= 0 { return (small, -z / sigma, -1 / sigma, 0, 0, 0) }
            let temp = fn.d1 / sigma, temp2 = fn.d2 * sig2
            let dg = -temp
            let dsig = -temp * sz
            let ddg = temp2 - dg * dg
            let dsg = sz * temp2 - dg * (dsig + 1)
            let ddsig = sz * sz * temp2 - dsig * (1 + dsig)
            return (log(fn.f) - log(sigma), dg, ddg, dsig - 1, ddsig, dsg)
        }
        let fn = censored(base, z)
        if fn.sf <= 0 { return (small, z / sigma, 0, 0, 0, 0) }
        let temp = -fn.f / (fn.sf * sigma), temp2 = -fn.df * sig2 / fn.sf
        let dg = -temp
        let dsig = -temp * sz
        let ddg = temp2 - dg * dg
        let dsg = sz * temp2 - dg * (dsig + 1)
        let ddsig = sz * sz * temp2 - dsig * (1 + dsig)
        return (log(fn.sf), dg, ddg, dsig, ddsig, dsg)
    }
}

/// One row's log-likelihood term g and its derivatives with respect to eta (dg, ddg), log sigma
/// (dsig, ddsig) and both (dsg), as survregc1 computes them.
typealias SurvregContribution = (g: Double, dg: Double, ddg: Double, dsig: Double, ddsig: Double, dsg: Double)
