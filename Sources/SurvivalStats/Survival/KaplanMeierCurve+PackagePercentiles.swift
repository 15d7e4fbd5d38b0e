// KaplanMeierCurve+PackagePercentiles — the median and other percentiles of a Kaplan–Meier curve as
// R, SAS and Stata each read them off the same curve, with their confidence limits.
//
// Contract
//   Inputs:  a KaplanMeierCurve (its pointwise limits use the curve's own CI transform) and
//            probabilities p in [0, 1]; the percentile is where S(t) reaches s = 1 − p.
//   Outputs: KaplanMeierQuantile values, nil where the package reports a missing value.
//   Rules (only event times t_j, where S drops, can be percentiles; "exactly s" means within
//   sqrt(machine eps), as R's tolerance, since S is a product computed in floating point):
//     * R (survival 3.5): print.survfit's median and quantile.survfit (KaplanMeierCurve+Summary):
//       the first time S <= s; on a stretch where S is exactly s, the midpoint of the stretch; the
//       limits where the lower and upper CI curves first fall to s.
//     * SAS (SAS/STAT User's Guide, The LIFETEST Procedure, Details: Computational Formulas,
//       Kaplan-Meier method): q_p = min{t_j : S(t_j) < s}; when S equals s exactly from t_j to the
//       next event time t_{j+1}, q_p = (t_j + t_{j+1})/2 (missing when t_j is the last event time,
//       as min{} is then empty). Limits (Brookmeyer & Crowley 1982, generalised by Klein &
//       Moeschberger): the set of event times with |g(S(t_j)) − g(s)| <= z g'(S(t_j)) se(S(t_j)),
//       i.e. whose pointwise CI (transform g = the curve's conf type, LIFETEST's CONFTYPE=)
//       contains s; the lower limit is the first time in the set, the upper limit the event time
//       that follows the last one in the set (missing when that is the last event time).
//     * Stata ([ST] stci, Methods and formulas; sts list for the limits): the smallest event time
//       with S(t) <= s, no midpoint (stci reports 2 where S = 0.5 exactly on [2, 4): Statalist,
//       2002-11, "-stsum- vs -stci-"); the limits where the lower and upper pointwise limits (log-log
//       in Stata) first fall to s or below, missing when they never do.
//   Reference: Brookmeyer & Crowley (1982) Biometrics 38:29-41; Klein & Moeschberger (1997) 4.5.

import Foundation

/// Whose rule reads a percentile (the median is p = 0.5) and its limits off a Kaplan–Meier curve.
public enum KaplanMeierPercentileConvention: String, Sendable, CaseIterable, Equatable {
    /// R: print.survfit's median, quantile.survfit's quantiles.
    case r
    /// SAS PROC LIFETEST.
    case sas
    /// Stata stci.
    case stata
}

extension KaplanMeierCurve {
    /// The median with its limits under `convention`.
    public func median(_ convention: KaplanMeierPercentileConvention) -> KaplanMeierQuantile {
        convention == .r ? median : quantiles([0.5], convention: convention)[0]
    }

    /// Percentiles with their limits under `convention` (R: quantile.survfit).
    public func quantiles(_ probabilities: [Double], convention: KaplanMeierPercentileConvention) -> [KaplanMeierQuantile] {
        switch convention {
        case .r: return quantiles(probabilities)
        case .sas: return probabilities.map(lifetestPercentile)
        case .stata: return probabilities.map(stciPercentile)
        }
    }

    /// Rows where S drops (event times).
    private var eventRows: [Int] { (0..<count).filter { nEvent[$0] > 0 } }

    private var exactTolerance: Double { SurvivalTimeOrder.timefixTolerance }

    /// SAS PROC LIFETEST's percentile and its Brookmeyer–Crowley limits (see the contract).
    private func lifetestPercentile(_ p: Double) -> KaplanMeierQuantile {
        let s = 1 - p
        let rows = eventRows
        var point: Double? = nil
        for (k, i) in rows.enumerated() {
            if abs(surv[i] - s) < exactTolerance {
                point = k + 1 < rows.count ? (time[i] + time[rows[k + 1]]) / 2 : nil
                break
            }
            if surv[i] < s { point = time[i]; break }
        }
        let inSet = rows.indices.filter { k in
            let lo = lowerRaw[rows[k]], hi = upperRaw[rows[k]]
            return !lo.isNaN && !hi.isNaN && lo <= s && s <= hi
        }
        let lower = inSet.first.map { time[rows[$0]] }
        let upper = inSet.last.flatMap { $0 + 1 < rows.count ? time[rows[$0 + 1]] : nil }
        return KaplanMeierQuantile(probability: p, time: point, lower: lower, upper: upper)
    }

    /// Stata stci's percentile: the first event time where S, and each pointwise limit, is <= s.
    private func stciPercentile(_ p: Double) -> KaplanMeierQuantile {
        let s = 1 - p
        let rows = eventRows
        func first(_ curve: [Double]) -> Double? {
            rows.first { !curve[$0].isNaN && curve[$0] < s + exactTolerance }.map { time[$0] }
        }
        return KaplanMeierQuantile(probability: p, time: first(surv), lower: first(lowerRaw), upper: first(upperRaw))
    }
}
