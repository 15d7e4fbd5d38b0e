// CoxSurvivalCurve.swift — covariate-adjusted survival curves from a Cox fit, as R's survfit.coxph.
//
// Contract
//   Inputs:   a CoxFitResult, the CoxData it was fitted on, covariate rows z (one value per design
//             column, original units: the "newdata"), the CI transform and level.
//   Preconditions: `fit` was fitted on `data` (same rows and columns).
//   Outputs:  one KaplanMeierCurve-shaped curve per (z, stratum), z-major: every distinct stop time
//             of the stratum with n at risk, events, censorings, S(t | z), se(log S) = se of the
//             cumulative hazard, and the pointwise CI; so summary(times=), the median and the
//             figures work as for Kaplan–Meier curves.
//   Method (survfit.coxph, stype = 2: S = exp(-H)): risk scores r_i = exp(lp_i), lp = R's
//             linear predictor (centred at fit$means); at an event time with d deaths, at-risk sum
//             S0 and deaths' sum D0, the Efron sub-terms (ties = efron, R's ctype = 2) have
//             denominators S0_k = S0 - (k/d) D0, k = 0..d-1:
//               dH = sum_k 1/S0_k,  dV = sum_k 1/S0_k^2,  dX = sum_k (S1 - (k/d) D1)/S0_k^2
//             (Breslow, ctype = 1: dH = d/S0, dV = d/S0^2, dX = d S1/S0^2). With
//             r(z) = exp(z beta - sum(means beta)):
//               H(t|z) = r(z) sum dH,  var H(t|z) = r(z)^2 [ sum dV + q' V q ],  q = z sum dH - sum dX,
//             V = the fit's variance (robust when clustered, R's fit$var). Aliased coefficients
//             count as 0. Counting-process rows are at risk on (start, stop].
//   Reference: Therneau & Grambsch (2000) §10.2; Kalbfleisch & Prentice (2002) §4.3.
//   R convention: survival 3.5-x survfit.coxph(fit, newdata) -> coxsurv.fit -> agsurv
//             (survtype = vartype = ctype + 1), conf.type = "log" by default.

import Foundation

/// One adjusted curve: the covariate row and the stratum it belongs to.
public struct CoxAdjustedCurve: Sendable {
    /// Index of the covariate row (the newdata row).
    public let profile: Int
    /// Stratum index (0 without strata), in the fit's stratum order.
    public let stratum: Int
    public let curve: KaplanMeierCurve
}

public enum CoxSurvivalCurve {
    /// survfit.coxph(fit, newdata = profiles): curves z-major, then stratum. `cancel` is polled in the
    /// passes over the rows (CancellationError).
    public static func curves(_ fit: CoxFitResult, data: CoxData, profiles: [[Double]],
                              confType: KaplanMeierConfType = .log, level: Double = 0.95,
                              cancel: Cancellation = .never) throws -> [CoxAdjustedCurve] {
        let p = data.p
        guard fit.n == data.n, fit.columnNames == data.columnNames else {
            throw CoxError.dimensionMismatch("the fit does not belong to these data")
        }
        guard level > 0 && level < 1 else { throw CoxError.invalidArgument("level must be between 0 and 1") }
        for z in profiles where z.count != p || z.contains(where: { !$0.isFinite }) {
            throw CoxError.invalidArgument("each covariate row needs \(p) finite values")
        }
        let beta = fit.beta.map { $0.isFinite ? $0 : 0 }
        let center = zip(fit.means, beta).reduce(0) { $0 + $1.0 * $1.1 }
        let rs = try CoxRiskSet(data, cancel: cancel)
        let zq = Normal.quantile((1 + level) / 2)
        let bases = try (0..<rs.strataCount).map { try baseline(rs, data: data, fit: fit, stratum: $0, cancel: cancel) }
        var out: [CoxAdjustedCurve] = []
        for (k, z) in profiles.enumerated() {
            let risk = exp(zip(z, beta).reduce(0) { $0 + $1.0 * $1.1 } - center)
            for (s, b) in bases.enumerated() {
                try cancel.check()
                out.append(CoxAdjustedCurve(profile: k, stratum: s,
                                            curve: b.curve(z: z, risk: risk, variance: fit.variance, confType: confType,
                                                           level: level, z: zq)))
            }
        }
        return out
    }

    /// The baseline quantities of one stratum at each of its distinct stop times (cumulative).
    struct Baseline {
        var n = 0
        var time: [Double] = []
        var nRisk: [Int] = [], nEvent: [Int] = [], nCensor: [Int] = []
        var hazard: [Double] = []       // cumulative sum dH
        var varHazard: [Double] = []    // cumulative sum dV
        var xbar: [[Double]] = []       // cumulative sum dX (p values per time)

        func curve(z: [Double], risk: Double, variance: [Double], confType: KaplanMeierConfType, level: Double,
                   z zq: Double) -> KaplanMeierCurve {
            let p = z.count
            let m = time.count
            var surv = [Double](repeating: 1, count: m), se = [Double](repeating: 0, count: m)
            var lower = [Double](repeating: .nan, count: m), upper = [Double](repeating: .nan, count: m)
            var q = [Double](repeating: 0, count: p)
            for i in 0..<m {
                for j in 0..<p { q[j] = z[j] * hazard[i] - xbar[i][j] }
                var quad = 0.0
                for a in 0..<p { for b in 0..<p { quad += q[a] * variance[a * p + b] * q[b] } }
                surv[i] = exp(-hazard[i] * risk)
                se[i] = ((varHazard[i] + quad) * risk * risk).squareRoot()
                (lower[i], upper[i]) = KaplanMeier.confidenceLimits(surv: surv[i], logStdErr: se[i], type: confType, z: zq)
            }
            return KaplanMeierCurve(n: n, events: nEvent.reduce(0, +), confType: confType, level: level,
                                    startTime: min(0, time.first ?? 0), time: time, nRisk: nRisk, nEvent: nEvent,
                                    nCensor: nCensor, surv: surv, logStdErr: se, lowerRaw: lower, upperRaw: upper)
        }
    }

    /// agsurv for stratum `s`: at-risk sums from row sums by time (entries at stop, exits at start).
    static func baseline(_ rs: CoxRiskSet, data: CoxData, fit: CoxFitResult, stratum s: Int,
                         cancel: Cancellation = .never) throws -> Baseline {
        var poll = CancelPoll(cancel)
        let p = data.p
        let lo = rs.strataBounds[s], hi = rs.strataBounds[s + 1]
        var b = Baseline()
        b.n = hi - lo
        // distinct stop times (ascending) of the stratum, with per-time sums of the rows stopping there
        var times: [Double] = []
        var firstRow: [Int] = []
        for i in lo..<hi where i == lo || rs.stop[i] != rs.stop[i - 1] { times.append(rs.stop[i]); firstRow.append(i) }
        firstRow.append(hi)
        let m = times.count
        func x(_ i: Int, _ j: Int) -> Double { data.columns[j][Int(rs.order[i])] }
        func r(_ i: Int) -> Double { exp(fit.linearPredictors[Int(rs.order[i])]) }
        // suffix sums over times of the rows stopping at or after t: count, S0, S1
        var atRisk = [Int](repeating: 0, count: m + 1)
        var s0 = [Double](repeating: 0, count: m + 1)
        var s1 = [[Double]](repeating: [Double](repeating: 0, count: p), count: m + 1)
        for t in stride(from: m - 1, through: 0, by: -1) {
            if poll.stop(after: firstRow[t + 1] - firstRow[t]) { throw CancellationError() }
            atRisk[t] = atRisk[t + 1]; s0[t] = s0[t + 1]; s1[t] = s1[t + 1]
            for i in firstRow[t]..<firstRow[t + 1] {
                let ri = r(i)
                atRisk[t] += 1; s0[t] += ri
                for j in 0..<p { s1[t][j] += ri * x(i, j) }
            }
        }
        // counting process: remove the rows whose start is >= t (R: rows with start >= t by start time)
        if rs.counting {
            let starts = RadixSort.order(keys: Array(rs.start[lo..<hi]), cancel: cancel).map { lo + Int($0) }
            try cancel.check()
            var k = starts.count
            var out = 0, o0 = 0.0
            var o1 = [Double](repeating: 0, count: p)
            for t in stride(from: m - 1, through: 0, by: -1) {
                if poll.stop() { throw CancellationError() }
                while k > 0 && rs.start[starts[k - 1]] >= times[t] {
                    k -= 1
                    let i = starts[k], ri = r(i)
                    out += 1; o0 += ri
                    for j in 0..<p { o1[j] += ri * x(i, j) }
                }
                atRisk[t] -= out; s0[t] -= o0
                for j in 0..<p { s1[t][j] -= o1[j] }
            }
        }
        var h = 0.0, vh = 0.0
        var xb = [Double](repeating: 0, count: p)
        let efron = fit.ties == .efron
        for t in 0..<m {
            if poll.stop(after: firstRow[t + 1] - firstRow[t]) { throw CancellationError() }
            var d = 0, d0 = 0.0
            var d1 = [Double](repeating: 0, count: p)
            for i in firstRow[t]..<firstRow[t + 1] where rs.event[i] != 0 {
                let ri = r(i)
                d += 1; d0 += ri
                for j in 0..<p { d1[j] += ri * x(i, j) }
            }
            if d > 0 {
                let dd = Double(d)
                if !efron || d == 1 {
                    h += dd / s0[t]; vh += dd / (s0[t] * s0[t])
                    for j in 0..<p { xb[j] += dd * s1[t][j] / (s0[t] * s0[t]) }
                } else {
                    for k in 0..<d {
                        let f = Double(k) / dd
                        let den = s0[t] - f * d0
                        h += 1 / den; vh += 1 / (den * den)
                        for j in 0..<p { xb[j] += (s1[t][j] - f * d1[j]) / (den * den) }
                    }
                }
            }
            b.time.append(times[t])
            b.nRisk.append(atRisk[t])
            b.nEvent.append(d)
            b.nCensor.append(firstRow[t + 1] - firstRow[t] - d)
            b.hazard.append(h); b.varHazard.append(vh); b.xbar.append(xb)
        }
        return b
    }
}
