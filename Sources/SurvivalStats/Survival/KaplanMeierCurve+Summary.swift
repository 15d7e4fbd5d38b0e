// KaplanMeierCurve+Summary — what R derives from a survfit object: summary(fit, times=),
// quantile(fit, probs), the print.survfit median and restricted mean, and the product-limit arithmetic.
//
// Contract
//   Inputs:  a KaplanMeierCurve (already sorted by construction); requested times / probabilities.
//   Outputs: value structs; nil wherever R has NA/NaN.
//   Reference: R survival 3.5 summary.survfit (findrow, survfit0), quantile.survfit (doquant, findq),
//            survmean (pfun, minmin). Conventions are listed in KaplanMeier.swift.

import Foundation

extension KaplanMeierCurve {
    // MARK: - summary(fit, times=)

    /// S(t), its standard error and CI, and n at risk at the requested times, as `summary(fit, times=)`.
    /// The result is sorted by time (as R sorts `times`); non-finite times are dropped (as R).
    /// Times after the last time of the curve are flagged `beyondLastFollowUp` (R drops them).
    public func survival(at times: [Double]) -> [KaplanMeierTimePoint] {
        let requested = times.filter { $0.isFinite }.sorted()
        if requested.isEmpty { return [] }
        guard let last = lastTime else {
            return requested.map {
                KaplanMeierTimePoint(time: $0, surv: nil, stdErr: nil, lower: nil, upper: nil, nRisk: 0,
                                     nEvent: 0, nCensor: 0, beyondLastFollowUp: true)
            }
        }
        // survfit0: a row at startTime with S = 1, se = 0, CI (1, 1), n.risk = first n.risk.
        let insert = time[0] != startTime
        let offset = insert ? 1 : 0
        let m0 = count + offset
        func t0(_ i: Int) -> Double { insert ? (i == 0 ? startTime : time[i - 1]) : time[i] }
        func risk0(_ i: Int) -> Int { insert ? (i == 0 ? nRisk[0] : nRisk[i - 1]) : nRisk[i] }
        // cumulative counts through fit0 row i (inclusive)
        var cumEvent = [Int](repeating: 0, count: m0 + 1)
        var cumCensor = [Int](repeating: 0, count: m0 + 1)
        for i in 0..<m0 {
            let src = i - offset
            cumEvent[i + 1] = cumEvent[i] + (src >= 0 ? nEvent[src] : 0)
            cumCensor[i + 1] = cumCensor[i] + (src >= 0 ? nCensor[src] : 0)
        }
        var out = [KaplanMeierTimePoint]()
        out.reserveCapacity(requested.count)
        var prevEvent = 0, prevCensor = 0
        for tau in requested {
            // index1 = #(fit0 times <= tau); index2 = 1 + #(fit0 times < tau)   (R's findInterval)
            var lo = 0, hi = m0
            while lo < hi { let mid = (lo + hi) / 2; if t0(mid) <= tau { lo = mid + 1 } else { hi = mid } }
            let index1 = lo
            lo = 0; hi = m0
            while lo < hi { let mid = (lo + hi) / 2; if t0(mid) < tau { lo = mid + 1 } else { hi = mid } }
            let below = lo
            let r = max(index1, 1) - 1     // 0-based fit0 row
            let src = r - offset
            let s: Double, se: Double?, lower: Double?, upper: Double?
            if src < 0 {
                s = 1; se = 0; lower = 1; upper = 1
            } else {
                s = surv[src]; se = stdErr(at: src)
                lower = KaplanMeier.optional(lowerRaw[src]); upper = KaplanMeier.optional(upperRaw[src])
            }
            let risk = below < m0 ? risk0(below) : 0
            let ce = cumEvent[index1], cc = cumCensor[index1]
            out.append(KaplanMeierTimePoint(time: tau, surv: s, stdErr: se, lower: lower, upper: upper,
                                            nRisk: risk, nEvent: ce - prevEvent, nCensor: cc - prevCensor,
                                            beyondLastFollowUp: tau > last))
            prevEvent = ce
            prevCensor = cc
        }
        return out
    }

    // MARK: - quantile(fit, probs)

    /// Quantiles as R's `quantile.survfit` (the time where 1 − S reaches p), with CI limits from the
    /// CI curves. `tolerance` is R's `sqrt(.Machine$double.eps)`. nil when not reached.
    public func quantiles(_ probabilities: [Double],
                          tolerance: Double = SurvivalTimeOrder.timefixTolerance) -> [KaplanMeierQuantile] {
        let x = [0.0] + time
        let ys = [0.0] + surv.map { 1 - $0 }
        let yl = [0.0] + lowerRaw.map { 1 - $0 }
        let yu = [0.0] + upperRaw.map { 1 - $0 }
        let q = KaplanMeierQuantileRule.findq(x: x, y: ys, p: probabilities, tol: tolerance)
        let ql = KaplanMeierQuantileRule.findq(x: x, y: yl, p: probabilities, tol: tolerance)
        let qu = KaplanMeierQuantileRule.findq(x: x, y: yu, p: probabilities, tol: tolerance)
        return probabilities.indices.map {
            KaplanMeierQuantile(probability: probabilities[$0], time: KaplanMeier.optional(q[$0]),
                                lower: KaplanMeier.optional(ql[$0]), upper: KaplanMeier.optional(qu[$0]))
        }
    }

    // MARK: - print.survfit

    /// The median as print.survfit reports it (survmean's rule), with its CI; nil when not reached.
    public var median: KaplanMeierQuantile {
        let med = KaplanMeierQuantileRule.minmin(y: surv, x: time)
        let lo = KaplanMeierQuantileRule.minmin(y: lowerRaw, x: time)
        let hi = KaplanMeierQuantileRule.minmin(y: upperRaw, x: time)
        return KaplanMeierQuantile(probability: 0.5, time: KaplanMeier.optional(med),
                                   lower: KaplanMeier.optional(lo), upper: KaplanMeier.optional(hi))
    }

    /// Restricted mean survival up to `tau` and its standard error, as print.survfit(fit, rmean = tau).
    /// R refuses tau below the first time; here that case gives mean = tau − startTime, se = 0.
    public func restrictedMean(tau: Double) -> KaplanMeierRestrictedMean {
        // rectangles: widths between successive times up to tau, heights S just before each.
        var area = 0.0
        var previousTime = startTime
        var previousSurv = 1.0
        var used = 0
        for i in 0..<count where time[i] <= tau {
            area += (time[i] - previousTime) * previousSurv
            previousTime = time[i]
            previousSurv = surv[i]
            used = i + 1
        }
        area += (tau - previousTime) * previousSurv
        // variance: sum_i A_i^2 h_i with A_i = area from time_i to tau.
        var variance = 0.0
        var tail = 0.0                      // area from time_i to tau
        var nextTime = tau
        var i = used - 1
        while i >= 0 {
            tail += (nextTime - time[i]) * surv[i]
            nextTime = time[i]
            let d = nEvent[i], r = nRisk[i]
            if d > 0 && r > d {
                let h = Double(d) / (Double(r) * Double(r - d))
                variance += tail * tail * h
            }
            i -= 1
        }
        return KaplanMeierRestrictedMean(tau: tau, mean: area + startTime, stdErr: variance.squareRoot())
    }

    // MARK: - explain

    /// The product-limit arithmetic per event time: n_i, d_i, c_i, 1 − d_i/n_i, S, Greenwood term and
    /// sum, and the confidence limits.
    public var explain: [KaplanMeierExplainRow] {
        var rows = [KaplanMeierExplainRow]()
        var sum = 0.0
        for i in 0..<count where nEvent[i] > 0 {
            let n = nRisk[i], d = nEvent[i]
            let term: Double? = n > d ? Double(d) / (Double(n) * Double(n - d)) : nil
            if let term { sum += term } else { sum = .infinity }
            let total: Double? = sum.isFinite ? sum : nil
            rows.append(KaplanMeierExplainRow(
                time: time[i], nRisk: n, nEvent: d, conditionalSurvival: 1 - Double(d) / Double(n),
                surv: surv[i], greenwoodTerm: term, greenwoodSum: total,
                stdErr: total.map { surv[i] * $0.squareRoot() }, nCensor: nCensor[i],
                lower: KaplanMeier.optional(lowerRaw[i]), upper: KaplanMeier.optional(upperRaw[i])))
        }
        return rows
    }
}

/// R's quantile rules (quantile.survfit's findq and survmean's minmin); NaN stands for NA.
enum KaplanMeierQuantileRule {
    /// findq(x, y, p, tol): y is 1 − curve (NaN = NA) with x the matching times, x[0] = 0, y[0] = 0.
    static func findq(x xIn: [Double], y yIn: [Double], p: [Double], tol: Double) -> [Double] {
        let maxY = yIn.lazy.filter { !$0.isNaN }.max() ?? -.infinity
        if let minP = p.min(), maxY < minP { return p.map { _ in .nan } }
        let xmax = xIn.last ?? .nan
        // drop duplicated y values (first occurrence kept; NA counts as one value)
        var seen = Set<UInt64>()
        var x = [Double](), y = [Double]()
        for i in yIn.indices {
            let v = yIn[i]
            let key = v.isNaN ? Double.nan.bitPattern : (v == 0 ? 0.0 : v).bitPattern
            if seen.insert(key).inserted {
                x.append(xIn[i])
                y.append(v)
            }
        }
        let n = y.count
        // approx(y ± tol, 1:n, p, method = "constant", f = 1): the index of the smallest key >= p,
        // NA outside [min key, max key]; NA pairs removed, keys sorted (as R's regularize.values).
        func lookup(_ shift: Double) -> (Double) -> Int? {
            var pairs = [(key: Double, index: Int)]()
            for i in 0..<n where !y[i].isNaN { pairs.append((y[i] + shift, i)) }
            pairs.sort { $0.key < $1.key }
            return { v in
                guard let first = pairs.first, let lastPair = pairs.last,
                      v >= first.key, v <= lastPair.key else { return nil }
                var lo = 0, hi = pairs.count
                while lo < hi { let mid = (lo + hi) / 2; if pairs[mid].key < v { lo = mid + 1 } else { hi = mid } }
                return pairs[lo].index
            }
        }
        let find1 = lookup(tol), find2 = lookup(-tol)
        var out = [Double](repeating: .nan, count: p.count)
        for (k, pk) in p.enumerated() {
            let i1 = find1(pk), i2 = find2(pk)
            if let i1, let i2 { out[k] = (x[i1] + x[i2]) / 2 }
            if pk == 0, let x0 = x.first { out[k] = x0 }
            if n > 0, !y[n - 1].isNaN, abs(pk - y[n - 1]) < tol {
                out[k] = i1.map { (x[$0] + xmax) / 2 } ?? .nan
            }
        }
        return out
    }

    /// survmean's minmin(y, x): first x with y < 0.5 + tol; midpoint rule at exactly 0.5.
    static func minmin(y: [Double], x: [Double]) -> Double {
        let tolerance = Double.ulpOfOne.squareRoot()
        var first = -1
        for i in y.indices where !y[i].isNaN && y[i] < 0.5 + tolerance { first = i; break }
        if first < 0 { return .nan }
        let y1 = y[first]
        if abs(y1 - 0.5) < tolerance {
            for i in (first + 1)..<y.count where !y[i].isNaN && y[i] < 0.5 + tolerance && y[i] < y1 {
                return (x[first] + x[i]) / 2
            }
        }
        return x[first]
    }
}
