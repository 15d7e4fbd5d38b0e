// NelsonAalen — the Nelson–Aalen estimate of the cumulative hazard with its standard error and
// pointwise confidence limits, as R's survfit (cumhaz, std.chaz) and plot.survfit(cumhaz = TRUE).
//
// Contract
//   Inputs:  a KaplanMeierCurve: its distinct times with n at risk and events are the risk sets
//            (KaplanMeier.fit sorts the rows, applies timefix and splits the groups once; nothing
//            is recounted here). The CI level is the curve's.
//   Preconditions: none beyond the curve's own (times ascending, by construction).
//   Outputs: NelsonAalenCurve, one entry per distinct time of the curve (events and censorings, as
//            survfit's table):  H(t) = Σ_{t_i ≤ t} d_i / n_i,  se(H)² = Σ_{t_i ≤ t} d_i / n_i²,
//            limits H ∓ z·se(H), z = qnorm(1 − (1 − level)/2), the lower limit at least 0.
//   Reference: Nelson (1972); Aalen (1978); Klein & Moeschberger (2003) §4.2; R survival 3.5
//            survfitKM (ctype = 1: cumhaz, std.chaz), plot.survfit(cumhaz = TRUE).
//   R conventions used: tied events count at once (d/n, R's default ctype = 1, not Fleming–Harrington's
//            Σ 1/(n − j)); the variance is Σ d/n² (survfit's std.chaz, not Greenwood's); the CI is
//            plain on the hazard scale (conf.type "plain") with the lower limit cut at 0.

import Foundation

/// The Nelson–Aalen cumulative hazard of one group (all arrays have one entry per distinct time).
public struct NelsonAalenCurve: Sendable, Equatable {
    public let level: Double
    public let time: [Double]
    public let nRisk: [Int]
    public let nEvent: [Int]
    /// H(t) = Σ d/n (R's `fit$cumhaz`).
    public let cumhaz: [Double]
    /// se(H) = sqrt(Σ d/n²) (R's `fit$std.chaz`).
    public let stdErr: [Double]
    /// max(H − z·se, 0) and H + z·se.
    public let lower: [Double]
    public let upper: [Double]

    /// Number of distinct times.
    public var count: Int { time.count }
}

/// Nelson–Aalen estimation (R's survfit cumulative hazard for right-censored, unweighted data).
public enum NelsonAalen {
    /// The cumulative hazard over the risk sets of a Kaplan–Meier curve, at the curve's CI level.
    public static func estimate(_ curve: KaplanMeierCurve) -> NelsonAalenCurve {
        let z = Normal.quantile(1 - (1 - curve.level) / 2)
        let m = curve.count
        var cumhaz = [Double](repeating: 0, count: m)
        var stdErr = [Double](repeating: 0, count: m)
        var lower = [Double](repeating: 0, count: m)
        var upper = [Double](repeating: 0, count: m)
        var h = 0.0
        var v = 0.0
        for i in 0..<m {
            if curve.nEvent[i] > 0 && curve.nRisk[i] > 0 {
                let n = Double(curve.nRisk[i])
                let d = Double(curve.nEvent[i])
                h += d / n
                v += d / (n * n)
            }
            let se = v.squareRoot()
            cumhaz[i] = h
            stdErr[i] = se
            lower[i] = max(h - z * se, 0)
            upper[i] = h + z * se
        }
        return NelsonAalenCurve(level: curve.level, time: curve.time, nRisk: curve.nRisk, nEvent: curve.nEvent,
                                cumhaz: cumhaz, stdErr: stdErr, lower: lower, upper: upper)
    }

    /// One curve per group code 0..<groupCount (negative codes drop the row), from the same risk sets
    /// as `KaplanMeier.fit` with these options (timefix over all rows; `confType` is not used).
    public static func fit(time: [Double], event: [Bool], group: [Int32], groupCount: Int,
                           options: KaplanMeierOptions = KaplanMeierOptions()) throws -> [NelsonAalenCurve] {
        try KaplanMeier.fit(time: time, event: event, group: group, groupCount: groupCount, options: options)
            .map(estimate)
    }
}
