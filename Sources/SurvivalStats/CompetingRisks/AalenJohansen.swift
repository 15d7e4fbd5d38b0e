// AalenJohansen — cumulative incidence of each cause under competing risks (the Aalen–Johansen
// estimator for the competing-risks model), with Gray's variance, as R's cmprsk::cuminc computes them.
//
// Contract
//   Inputs:  time [Double] (finite; the caller drops missing rows), cause [Int32] per row (0 = censored,
//            1...causeCount = the cause of failure), group codes [Int32] (0..<groupCount).
//   Preconditions: none on order: the rows are sorted once (SurvivalTimeOrder.order, stable radix sort)
//            and split by group keeping that order.
//   Outputs: one CompetingRisksCurve per group: one row per distinct time (failures of any cause and
//            censorings) with n.risk, the failures of each cause, the censorings, the overall
//            event-free survival S(t) (Kaplan–Meier of the first failure of any cause), and per cause
//            the cumulative incidence F_k(t) = sum over failure times u <= t of S(u-) d_k(u) / n(u)
//            and its variance.
//   Variance: Gray's estimator, exactly as cmprsk's Fortran routine `cinc` (cmprsk 2.2): with
//            S- = S(u-), S+ = S(u), n at risk, d1 failures of the cause and d2 of the other causes at u,
//            tie factor t5(d) = 1 - (d - 1)/(n - 1), three sums are accumulated at every failure time
//              other causes (d2 > 0, S+ > 0): t6 = S-^2 t5(d2) d2/n^2, a = F(u)/S+, b = 1/S+
//              the cause (d1 > 0):              t6 = S-^2 t5(d1) d1/n^2, a = 1 + F(u)/S+, b = 1/S+ (0 if S+ = 0)
//              v1 += a^2 t6, v2 += a b t6, v3 += b^2 t6,
//            and Var F(u) = v1 + F(u)^2 v3 - 2 F(u) v2 is recorded at the cause's own failure times
//            only (cmprsk's convention: between two failures of the cause the variance stays at its
//            last recorded value, even when other causes fail in between; it is 0 before the first).
//   R conventions: no timefix (times are compared exactly, as cmprsk); censorings at a failure time
//            are still at risk at it. At `times=` (cmprsk::timepoints) the values at the last row with
//            time <= t; from time 0 to the first row F = 0, Var = 0; before 0 and after the group's last time
//            cmprsk gives NA (here nil).
//   Reference: Kalbfleisch & Prentice (2002) §8.2; Gray (1988) Ann Stat 16:1141–1154;
//            R cmprsk 2.2 (cuminc, timepoints, src/cincsub.f); R survival 3.5 survfit (multi-state AJ,
//            whose pstate equals these estimates).

/// One group's cumulative incidence curves (every cause), one row per distinct time.
public struct CompetingRisksCurve: Sendable, Equatable {
    public let n: Int
    /// Distinct times with a failure or a censoring, ascending.
    public let time: [Double]
    public let nRisk: [Int]
    /// Failures per cause: `nEvent[k - 1][i]` for cause k at `time[i]`.
    public let nEvent: [[Int]]
    public let nCensor: [Int]
    /// Event-free survival S(t) (no failure of any cause) just after `time[i]`.
    public let survival: [Double]
    /// `incidence[k - 1][i]`: F_k(time[i]).
    public let incidence: [[Double]]
    /// `variance[k - 1][i]`: Gray's variance of F_k as cmprsk reports it at time[i].
    public let variance: [[Double]]

    public var causeCount: Int { nEvent.count }
    /// The group's last follow-up time (nil for an empty group).
    public var lastTime: Double? { time.last }
    /// Failures of each cause in the group.
    public var events: [Int] { nEvent.map { $0.reduce(0, +) } }

    /// The row in effect at `t`: the last with time <= t (nil before the first row).
    public func rowIndex(at t: Double) -> Int? {
        var lo = 0, hi = time.count          // first index with time > t
        while lo < hi {
            let mid = (lo + hi) / 2
            if time[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }

    /// F_k and its variance at `t` as cmprsk::timepoints: 0 and 0 from time 0 to the first time; nil
    /// after the last follow-up time and before 0 (cmprsk's curves start at time 0).
    public func value(cause k: Int, at t: Double) -> (incidence: Double, variance: Double)? {
        guard let last = lastTime, t <= last, t >= 0 else { return nil }
        guard let i = rowIndex(at: t) else { return (0, 0) }
        return (incidence[k - 1][i], variance[k - 1][i])
    }

    /// Number at risk at `t` (the first row with time >= t, as summary.survfit; 0 after the last).
    public func nRisk(at t: Double) -> Int {
        let i = rowIndex(at: t).map { time[$0] == t ? $0 : $0 + 1 } ?? 0
        return i < nRisk.count ? nRisk[i] : 0
    }
}

public enum AalenJohansen {
    /// The curves of every group (see the contract above).
    /// `cancel` is polled in the sort and every `Cancellation.stride` rows of each curve; once it
    /// fires the fit throws CancellationError.
    public static func fit(time: [Double], cause: [Int32], causeCount: Int, group: [Int32], groupCount: Int,
                           cancel: Cancellation = .never) throws -> [CompetingRisksCurve] {
        precondition(time.count == cause.count && time.count == group.count, "AalenJohansen: lengths differ")
        if let bad = time.firstIndex(where: { !$0.isFinite }) { throw SurvivalInputError.nonFiniteTime(index: bad) }
        let curves = try byGroup(time: time, group: group, groupCount: groupCount, cancel: cancel).map {
            try curve(rows: $0, time: time, cause: cause, causeCount: causeCount, cancel: cancel)
        }
        try cancel.check()
        return curves
    }

    /// Row indices of each group in ascending time order (stable: ties keep row order).
    static func byGroup(time: [Double], group: [Int32], groupCount: Int, cancel: Cancellation) throws -> [[Int32]] {
        let order = SurvivalTimeOrder.order(time, subset: (0..<Int32(time.count)).map { $0 }, cancel: cancel)
        try cancel.check()
        if groupCount == 1 { return [order] }
        var out = [[Int32]](repeating: [], count: groupCount)
        guard cancel.inBlocks(0..<order.count, { rows in for i in rows { out[Int(group[Int(order[i])])].append(order[i]) } })
        else { throw CancellationError() }
        return out
    }

    /// Gray's variance accumulators of one cause (cmprsk's v1, v2, v3).
    struct GrayVariance {
        var v1 = 0.0, v2 = 0.0, v3 = 0.0
        var variance = 0.0

        /// Adds one failure time: `f` = F(u) after the jump, `before`/`after` = S(u-), S(u), `n` at
        /// risk, `d1` failures of this cause, `d2` of the others.
        mutating func add(f: Double, before: Double, after: Double, n: Int, d1: Int, d2: Int) {
            let rs = Double(n)
            func tie(_ d: Int) -> Double { d > 1 ? 1 - Double(d - 1) / (rs - 1) : 1 }
            if d2 > 0 && after > 0 {
                let t6 = before * before * tie(d2) * Double(d2) / (rs * rs)
                let b = 1 / after, a = f / after
                v1 += a * a * t6; v2 += b * a * t6; v3 += b * b * t6
            }
            if d1 > 0 {
                let t6 = before * before * tie(d1) * Double(d1) / (rs * rs)
                let b = after > 0 ? 1 / after : 0
                let a = 1 + b * f
                v1 += a * a * t6; v2 += b * a * t6; v3 += b * b * t6
                variance = v1 + f * f * v3 - 2 * f * v2
            }
        }
    }

    /// One group's curve from its rows in ascending time order.
    static func curve(rows: [Int32], time: [Double], cause: [Int32], causeCount: Int,
                      cancel: Cancellation) throws -> CompetingRisksCurve {
        var times: [Double] = [], nRisk: [Int] = [], nCensor: [Int] = [], surv: [Double] = []
        var nEvent = [[Int]](repeating: [], count: causeCount)
        var incidence = nEvent.map { _ in [Double]() }
        var variance = incidence
        var gray = [GrayVariance](repeating: GrayVariance(), count: causeCount)
        var f = [Double](repeating: 0, count: causeCount)
        var d = [Int](repeating: 0, count: causeCount + 1)   // d[0] censored, d[k] cause k
        var s = 1.0
        var atRisk = rows.count
        var j = 0
        var poll = CancelPoll(cancel)
        while j < rows.count {
            let t = time[Int(rows[j])]
            for k in d.indices { d[k] = 0 }
            var m = j
            while m < rows.count && time[Int(rows[m])] == t { d[Int(cause[Int(rows[m])])] += 1; m += 1 }
            let failures = m - j - d[0]
            let after = s * Double(atRisk - failures) / Double(atRisk)
            for k in 0..<causeCount {
                let d1 = d[k + 1]
                if d1 > 0 { f[k] += s * Double(d1) / Double(atRisk) }
                if failures > 0 {
                    gray[k].add(f: f[k], before: s, after: after, n: atRisk, d1: d1, d2: failures - d1)
                }
                nEvent[k].append(d1)
                incidence[k].append(f[k])
                variance[k].append(gray[k].variance)
            }
            times.append(t); nRisk.append(atRisk); nCensor.append(d[0])
            if failures > 0 { s = after }
            surv.append(s)
            atRisk -= m - j
            if poll.stop(after: m - j) { throw CancellationError() }
            j = m
        }
        return CompetingRisksCurve(n: rows.count, time: times, nRisk: nRisk, nEvent: nEvent, nCensor: nCensor,
                                   survival: surv, incidence: incidence, variance: variance)
    }
}

/// Pointwise confidence limits of a cumulative incidence from its variance, by R's own formula:
/// survival's `survfit_confint(p, se, logse = FALSE, conf.type, conf.int)` — the one survfit applies to a
/// multi-state pstate — with se = sqrt(Gray's variance). So `log` (survfit's default) is
/// F exp(-+ z se/F), upper capped at 1; `log-log` is F^exp(-+ z se/(F log F)) (Pintilie's); `plain`
/// F -+ z se clipped to [0, 1]. Undefined limits (F = 0 for log and log-log) are nil.
public enum CompetingRisksCI {
    public static func limits(incidence p: Double, variance: Double, type: KaplanMeierConfType,
                              level: Double) -> (lower: Double?, upper: Double?) {
        let se = variance.squareRoot()
        let z = Normal.quantile(1 - (1 - level) / 2)
        let l = KaplanMeier.confidenceLimits(surv: p, logStdErr: se == 0 ? 0 : se / p, type: type, z: z)
        return (KaplanMeier.optional(l.lower), KaplanMeier.optional(l.upper))
    }
}
