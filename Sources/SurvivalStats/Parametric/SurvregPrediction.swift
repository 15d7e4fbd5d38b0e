// SurvregPrediction.swift — what follows from a survreg fit: predicted quantiles of the survival
// time for given covariate values, hazard ratios of the proportional-hazards families, and the
// fitted survival curve.
//
// Contract
//   Inputs:   a SurvregFitResult; covariate values as a model row (the columns without the
//             intercept, coded as the fit's design); the stratum (0-based) whose scale applies.
//   Quantiles: as R's predict(fit, newdata, type = "quantile", p = , se.fit = TRUE): on the model
//             scale u_p = x'b + q_p sigma (q_p the standard quantile), its se sqrt(t' V t) with
//             t = (x, q_p sigma) over (b, log sigma); time = exp(u_p) for the log-time families with
//             se multiplied by time (R's se / dtrans). The CI is exp(u_p -/+ z se(u_p)) (or
//             u_p -/+ z se without the log), a Wald interval on the model scale (R gives the se only).
//   Hazard ratios: weibull / exponential only (and rayleigh): the PH coefficient -b / sigma as
//             Stata's streg (hr), its se by the delta method from the covariance of (b, log sigma):
//             var = (V_bb + b^2 V_ss - 2 b V_bs) / sigma^2; HR = exp(-b / sigma), CI exp(g -/+ z se),
//             z = g / se. With a fixed scale V_ss = V_bs = 0.
//   Survival: S(t | x) = S0((log t - x'b) / sigma) (t itself for the untransformed families).
//   Reference: Kalbfleisch & Prentice (2002) §2.3 (AFT and PH forms of the Weibull).

import Foundation

/// One predicted quantile of the survival time.
public struct SurvregQuantile: Sendable {
    public let p: Double
    /// The predicted time (R's type = "quantile").
    public let time: Double
    /// Its standard error (R's se.fit).
    public let se: Double
    /// Wald limits on the model scale, transformed back.
    public let lower: Double
    public let upper: Double
    /// u_p and its se on the model scale (R's type = "uquantile").
    public let linear: Double
    public let linearSE: Double
}

/// A hazard ratio on Stata's streg PH metric.
public struct SurvregHazardRatio: Sendable {
    public let name: String
    /// -b / sigma and its delta-method se.
    public let coef: Double
    public let se: Double
    public let hr: Double
    public let z: Double
    public let p: Double
    public let lower: Double
    public let upper: Double
}

extension SurvregFitResult {
    /// The scale index for `stratum` in the parameter vector (nil for a fixed scale).
    func scaleParameter(_ stratum: Int) -> Int? { freeScales == 0 ? nil : nvar + stratum }

    /// x'b over a model row (intercept added); NaN when a used column is aliased.
    public func linearPredictor(_ row: [Double]) -> Double {
        var eta = parameters[0]
        for (k, v) in row.enumerated() where v != 0 { eta += v * parameters[k + 1] }
        return eta
    }

    /// Predicted quantiles of the time for one covariate row, as R's predict(type = "quantile").
    public func quantiles(_ row: [Double], stratum: Int = 0, probabilities: [Double], level: Double = 0.95) -> [SurvregQuantile] {
        let sigma = scales[stratum]
        let eta = linearPredictor(row)
        let xrow = [1] + row
        let zq = Normal.quantile(1 - (1 - level) / 2)
        return probabilities.map { p in
            let q = distribution.standardQuantile(p)
            let u = eta + q * sigma
            var t = [Double](repeating: 0, count: parameterCount)
            for k in 0..<nvar { t[k] = xrow[k] }
            if let s = scaleParameter(stratum) { t[s] = q * sigma }
            var v = 0.0
            for a in 0..<parameterCount where t[a] != 0 {
                for b in 0..<parameterCount where t[b] != 0 { v += t[a] * cov(a, b) * t[b] }
            }
            let se = v.squareRoot()
            let back: (Double) -> Double = distribution.logTime ? { exp($0) } : { $0 }
            let time = back(u)
            return SurvregQuantile(p: p, time: time, se: distribution.logTime ? se * time : se,
                                   lower: back(u - zq * se), upper: back(u + zq * se), linear: u, linearSE: se)
        }
    }

    /// Hazard ratios exp(-b / sigma) of the covariates (not the intercept), Stata's streg hr; nil
    /// for a family without proportional hazards or with several scales.
    public func hazardRatios(level: Double = 0.95) -> [SurvregHazardRatio]? {
        guard distribution.hasHazardRatios, strataCount == 1 else { return nil }
        let sigma = scales[0]
        let s = scaleParameter(0)
        let zq = Normal.quantile(1 - (1 - level) / 2)
        return (1..<nvar).map { j in
            let b = parameters[j]
            let vbb = cov(j, j)
            let vss = s.map { cov($0, $0) } ?? 0
            let vbs = s.map { cov(j, $0) } ?? 0
            let g = -b / sigma
            let se = ((vbb + b * b * vss - 2 * b * vbs) / (sigma * sigma)).squareRoot()
            let z = g / se
            return SurvregHazardRatio(name: names[j], coef: g, se: se, hr: exp(g), z: z, p: 2 * Normal.sf(abs(z)),
                                      lower: exp(g - zq * se), upper: exp(g + zq * se))
        }
    }

    /// The fitted S(t | row) in `stratum`.
    public func survival(at t: Double, _ row: [Double], stratum: Int = 0) -> Double {
        let y = distribution.logTime ? log(t) : t
        return distribution.standardSurvival((y - linearPredictor(row)) / scales[stratum])
    }
}
