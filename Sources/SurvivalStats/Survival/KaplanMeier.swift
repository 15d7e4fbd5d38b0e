// KaplanMeier — product-limit estimate of the survival function, as R's survfit / summary.survfit /
// print.survfit / quantile.survfit compute it.
//
// Contract
//   Inputs:  time [Double] (finite; the caller drops missing rows), event [Bool] (true = event),
//            optionally group codes [Int32] (0..<groupCount; a negative code drops the row), the CI
//            transform (log = R's default, log-log, plain, logit, arcsin), the level, and timefix.
//   Preconditions: none on order — events and censorings are counted per distinct time and group
//            in one hashed pass (TimeTally, when there are at most 2^18 distinct times), else the rows
//            are sorted once (O(n) radix sort); every curve is then built in one pass over the times.
//   Outputs: one KaplanMeierCurve per group: one row per distinct time (events AND censorings, as
//            survfit's table) with n.risk, n.event, n.censor, S, the standard error of S and the CI.
//            Methods on the curve give summary(fit, times=), quantile(fit, probs), the print.survfit
//            median, the restricted mean (print.survfit rmean=) and the product-limit arithmetic.
//   Reference: Kaplan & Meier (1958); Greenwood's variance; Kalbfleisch & Prentice (2002) ch. 1;
//            R survival 3.5 (survfitKM, survfit_confint, summary.survfit, survmean, quantile.survfit).
//   R conventions used (check them before changing anything):
//     * se(log S) = sqrt(sum d/(n(n-d))) (Greenwood); it is +Inf once S = 0. The standard error of S
//       reported in the table is S * se(log S), as summary.survfit prints (undefined, nil, at S = 0).
//     * CIs use z = qnorm(1 - (1-level)/2) on the transformed scale (survfit_confint):
//         log:     exp(log S -+ z se), upper capped at 1;              NA at S = 0
//         log-log: exp(-exp(log(-log S) -+ z se / log S));              NA at S = 0 and S = 1
//         plain:   S -+ z S se, clipped to [0, 1];                      NA at S = 0
//         logit:   expit(logit S -+ z se / (1 - S));                    NA at S = 0, NaN (nil) at S = 1
//         arcsin:  sin^2(asin sqrt S -+ z se sqrt(S/(1-S)) / 2), clipped to [0, pi/2];  NA at S = 0,
//                  NaN (nil) at S = 1
//       Every NA or NaN of R is nil here.
//     * summary(fit, times=) inserts a row at the start time (min(0, times)) with S = 1 and CI (1, 1)
//       for every transform (survfit0), takes S at the last row with time <= t, n.risk at the first
//       row with time >= t (0 past the end), and counts events/censorings between requested times.
//       Times after the curve's last time are dropped by R (extend = FALSE); here they are returned
//       with `beyondLastFollowUp = true` and the values R gives with extend = TRUE.
//     * quantile.survfit: findq on (0, time) and (0, 1 - S) with tolerance sqrt(eps): a flat stretch
//       at exactly p gives the midpoint between its start and the next drop (or the last time when the
//       curve ends on the stretch); CI limits are the same rule applied to the lower and upper curves.
//     * print.survfit median (survmean's minmin): the first time S <= 0.5 (+tol); when S is exactly 0.5
//       there and drops later, the midpoint of that time and the time of the next drop; no midpoint
//       when the curve ends at 0.5. The CI limits are the first times the lower / upper curves are <= 0.5.
//       This can differ from quantile(fit, 0.5) only when the curve ends flat at exactly 0.5.
//     * rmean (print.survfit rmean = tau): area under S from min(0, time) to tau, S extended flat past
//       the last time; se^2 = sum over times t_i <= tau of A_i^2 d_i/(n_i(n_i-d_i)), A_i = area from t_i
//       to tau (terms with n_i = d_i are 0). No n/(n-1) correction.
//     * timefix = TRUE (R's default): times equal to within sqrt(eps) (absolute or relative to the mean
//       |time|) are merged first (aeqSurv), over all groups together, as survfit does.

import Foundation

/// Confidence-interval transform, spelled as R's `conf.type`.
public enum KaplanMeierConfType: String, Sendable, CaseIterable, Equatable {
    case log = "log"
    case logLog = "log-log"
    case plain = "plain"
    case logit = "logit"
    case arcsin = "arcsin"

    /// One-line statement of the transform, for output that says which convention it used.
    public var formula: String {
        switch self {
        case .log: return "log: exp(log S ± z·se(log S)), upper limit capped at 1 (R's default)"
        case .logLog: return "log-log: exp(−exp(log(−log S) ∓ z·se(log S)/log S))"
        case .plain: return "plain: S ± z·se(S), clipped to [0, 1]"
        case .logit: return "logit: expit(logit S ± z·se(log S)/(1 − S))"
        case .arcsin: return "arcsin: sin²(asin √S ± z·se(log S)·√(S/(1 − S))/2)"
        }
    }
}

/// Options of a Kaplan–Meier fit (R's survfit arguments of the same meaning).
public struct KaplanMeierOptions: Sendable, Equatable {
    /// R's `conf.type`; default `.log` as R.
    public var confType: KaplanMeierConfType
    /// R's `conf.int`; default 0.95.
    public var level: Double
    /// R's `timefix`; default true (merge times equal to within sqrt(eps)).
    public var timefix: Bool

    public init(confType: KaplanMeierConfType = .log, level: Double = 0.95, timefix: Bool = true) {
        self.confType = confType
        self.level = level
        self.timefix = timefix
    }
}

/// One row of the life table (one distinct time of one curve).
public struct KaplanMeierRow: Sendable, Equatable {
    public let time: Double
    public let nRisk: Int
    public let nEvent: Int
    public let nCensor: Int
    public let surv: Double
    /// Standard error of S(t) (summary.survfit's `std.err`); nil where R gives NaN (S = 0).
    public let stdErr: Double?
    /// Pointwise confidence limits; nil where R gives NA or NaN.
    public let lower: Double?
    public let upper: Double?
}

/// S(t) at a requested time, as `summary(fit, times=)`.
public struct KaplanMeierTimePoint: Sendable, Equatable {
    public let time: Double
    /// nil only for an empty curve.
    public let surv: Double?
    public let stdErr: Double?
    public let lower: Double?
    public let upper: Double?
    /// Number at risk at `time` (0 past the end of follow-up).
    public let nRisk: Int
    /// Events and censorings after the previous requested time, up to and including this one.
    public let nEvent: Int
    public let nCensor: Int
    /// True when `time` is after the curve's last time: R's summary (extend = FALSE) drops it;
    /// the values are those of extend = TRUE (S carried forward, n at risk 0).
    public let beyondLastFollowUp: Bool
}

/// A quantile of the survival distribution with its confidence limits (nil when not reached).
public struct KaplanMeierQuantile: Sendable, Equatable {
    /// The probability p: the quantile is the time where 1 − S reaches p (the median is p = 0.5).
    public let probability: Double
    public let time: Double?
    public let lower: Double?
    public let upper: Double?
}

/// Restricted mean survival time up to `tau` (print.survfit's `rmean=tau`).
public struct KaplanMeierRestrictedMean: Sendable, Equatable {
    public let tau: Double
    public let mean: Double
    public let stdErr: Double
}

/// The product-limit arithmetic at one event time (for teaching).
public struct KaplanMeierExplainRow: Sendable, Equatable {
    public let time: Double
    /// n_i
    public let nRisk: Int
    /// d_i
    public let nEvent: Int
    /// 1 − d_i/n_i
    public let conditionalSurvival: Double
    /// S(t_i): running product of the conditional survivals
    public let surv: Double
    /// Greenwood term d_i/(n_i(n_i − d_i)); nil when d_i = n_i (S drops to 0)
    public let greenwoodTerm: Double?
    /// Running sum of the Greenwood terms = se(log S)^2; nil once S = 0
    public let greenwoodSum: Double?
    /// se(S) = S · sqrt(greenwoodSum); nil once S = 0
    public let stdErr: Double?
    /// c_i: rows censored at exactly t_i (they are in n_i: censoring counts as just after the events)
    public let nCensor: Int
    /// The pointwise confidence limits at t_i (the curve's transform); nil where R has NA
    public let lower: Double?
    public let upper: Double?
}

/// One Kaplan–Meier curve (all arrays have one entry per distinct time).
public struct KaplanMeierCurve: Sendable {
    /// Rows used (R's `n`).
    public let n: Int
    /// Total number of events.
    public let events: Int
    public let confType: KaplanMeierConfType
    public let level: Double
    /// R's start time for summary/rmean: min(0, smallest time of the fit).
    public let startTime: Double
    public let time: [Double]
    public let nRisk: [Int]
    public let nEvent: [Int]
    public let nCensor: [Int]
    public let surv: [Double]
    /// R's `fit$std.err`: se(log S) = sqrt(Greenwood sum); +Inf once S = 0.
    public let logStdErr: [Double]
    /// Pointwise limits with NaN where R has NA/NaN (use `rows` for optionals).
    public let lowerRaw: [Double]
    public let upperRaw: [Double]

    /// Number of distinct times (rows of the table).
    public var count: Int { time.count }

    /// Last time of the curve (event or censoring); nil for an empty curve.
    public var lastTime: Double? { time.last }

    /// Standard error of S at row i (nil at S = 0), as summary.survfit.
    public func stdErr(at i: Int) -> Double? { KaplanMeier.optional(surv[i] * logStdErr[i]) }

    /// Row i of the life table.
    public func row(_ i: Int) -> KaplanMeierRow {
        KaplanMeierRow(time: time[i], nRisk: nRisk[i], nEvent: nEvent[i], nCensor: nCensor[i],
                       surv: surv[i], stdErr: stdErr(at: i),
                       lower: KaplanMeier.optional(lowerRaw[i]), upper: KaplanMeier.optional(upperRaw[i]))
    }

    /// The whole life table (survfit's rows: every distinct time, events and censorings).
    public var rows: [KaplanMeierRow] { (0..<count).map(row) }
}

/// Kaplan–Meier estimation (R's survfit for right-censored data, unweighted).
public enum KaplanMeier {
    /// The rule print.survfit uses for the median, for output that states its conventions.
    public static let medianRule = "median: first time S(t) ≤ 0.5; if S equals 0.5 exactly over a stretch, the midpoint of "
        + "that stretch (R print.survfit); CI limits from where the CI curves cross 0.5"

    /// One curve from all rows.
    public static func fit(time: [Double], event: [Bool],
                           options: KaplanMeierOptions = KaplanMeierOptions()) throws -> KaplanMeierCurve {
        let group = [Int32](repeating: 0, count: time.count)
        return try fit(time: time, event: event, group: group, groupCount: 1, options: options)[0]
    }

    /// One curve per group code 0..<groupCount (rows with a negative code are ignored).
    /// The rows are tallied per distinct time (or sorted once); timefix is applied over all used rows
    /// together, as survfit does.
    /// `cancel` is polled every `Cancellation.stride` rows (CancellationError).
    public static func fit(time: [Double], event: [Bool], group: [Int32], groupCount: Int,
                           options: KaplanMeierOptions = KaplanMeierOptions(),
                           cancel: Cancellation = .never) throws -> [KaplanMeierCurve] {
        try fit(time: time, event: event, group: group, groupCount: groupCount, options: options,
                tallyLimit: TimeTally.defaultMaxDistinct, cancel: cancel)
    }

    /// `tallyLimit`: most distinct times counted by TimeTally before falling back to sorting the rows
    /// (0 = always sort; tests compare the two paths).
    static func fit(time: [Double], event: [Bool], group: [Int32], groupCount: Int,
                    options: KaplanMeierOptions, tallyLimit: Int, cancel: Cancellation = .never) throws -> [KaplanMeierCurve] {
        guard event.count == time.count else {
            throw SurvivalInputError.lengthMismatch(expected: time.count, got: event.count, what: "event")
        }
        guard group.count == time.count else {
            throw SurvivalInputError.lengthMismatch(expected: time.count, got: group.count, what: "group")
        }
        guard options.level > 0 && options.level < 1 else { throw SurvivalInputError.invalidLevel(options.level) }
        guard groupCount >= 1 else { throw SurvivalInputError.invalidArgument("groupCount must be at least 1") }

        let z = Normal.quantile(1 - (1 - options.level) / 2)
        // Usual case (many tied times): count events and censorings per distinct time and group
        // without sorting the rows (TimeTally); the curves see the same (time, d, c) sequence.
        if tallyLimit > 0, let tally = try TimeTally.make(time: time, event: event, group: group, groupCount: groupCount,
                                                          timefix: options.timefix, maxDistinct: tallyLimit,
                                                          cancel: cancel) {
            return curves(tally, groupCount: groupCount, options: options)
        }

        // Many distinct times: sort keys and payloads (group << 1 | event) of the used rows; no row
        // index is kept, so the pass below reads memory sequentially.
        var keys = [UInt64]()
        var payload = [UInt32]()
        keys.reserveCapacity(time.count)
        payload.reserveCapacity(time.count)
        var groupN = [Int](repeating: 0, count: groupCount)
        for i in 0..<time.count {
            if cancel.stops(at: i) { break }
            let g = group[i]
            if g < 0 { continue }
            guard Int(g) < groupCount else {
                throw SurvivalInputError.invalidGroupCode(index: i, code: g, groupCount: groupCount)
            }
            guard time[i].isFinite else { throw SurvivalInputError.nonFiniteTime(index: i) }
            keys.append(SurvivalTimeOrder.sortKey(time[i]))
            payload.append(UInt32(g) << 1 | (event[i] ? 1 : 0))
            groupN[Int(g)] += 1
        }
        try cancel.check()
        var (sortedTime, sortedPayload) = SurvivalTimeOrder.sortByTime(keys: keys, payload: payload, cancel: cancel)
        try cancel.check()
        keys = []
        payload = []
        let m = sortedTime.count
        if options.timefix, let fixed = SurvivalTimeOrder.tieFixed(sortedTimes: sortedTime) {
            sortedTime = fixed
        }
        let startTime = min(0, sortedTime.first ?? 0)

        var builders = (0..<groupCount).map { CurveBuilder(n: groupN[$0]) }
        if groupCount == 1 {
            // one curve: no per-group bookkeeping
            var j = 0
            while j < m {
                let t = sortedTime[j]
                var d = 0, c = 0
                while j < m && sortedTime[j] == t {
                    if sortedPayload[j] & 1 == 1 { d += 1 } else { c += 1 }
                    j += 1
                }
                builders[0].add(time: t, events: d, censored: c)
            }
        } else {
            var dCount = [Int](repeating: 0, count: groupCount)
            var cCount = [Int](repeating: 0, count: groupCount)
            var touched = [Int]()
            var j = 0
            while j < m {
                let t = sortedTime[j]
                while j < m && sortedTime[j] == t {
                    let code = sortedPayload[j]
                    let g = Int(code >> 1)
                    if dCount[g] == 0 && cCount[g] == 0 { touched.append(g) }
                    if code & 1 == 1 { dCount[g] += 1 } else { cCount[g] += 1 }
                    j += 1
                }
                for g in touched {
                    builders[g].add(time: t, events: dCount[g], censored: cCount[g])
                    dCount[g] = 0
                    cCount[g] = 0
                }
                touched.removeAll(keepingCapacity: true)
            }
        }
        return builders.map { $0.finish(confType: options.confType, level: options.level, z: z, startTime: startTime) }
    }

    /// The curves from events and censorings counted per distinct time and group.
    private static func curves(_ tally: TimeTally, groupCount: Int, options: KaplanMeierOptions) -> [KaplanMeierCurve] {
        let z = Normal.quantile(1 - (1 - options.level) / 2)
        let startTime = min(0, tally.times.first ?? 0)
        var builders = (0..<groupCount).map { CurveBuilder(n: tally.groupN[$0], rows: tally.times.count) }
        tally.counts.withUnsafeBufferPointer { counts in
            for (j, t) in tally.times.enumerated() {
                for g in 0..<groupCount {
                    let d = Int(counts[(j * groupCount + g) * 2]), c = Int(counts[(j * groupCount + g) * 2 + 1])
                    if d + c > 0 { builders[g].add(time: t, events: d, censored: c) }
                }
            }
        }
        return builders.map { $0.finish(confType: options.confType, level: options.level, z: z, startTime: startTime) }
    }

    /// Events and censorings per distinct time and group, counted once (TimeTally, timefix as given),
    /// for `fit(counts:options:)`; nil when there are too many distinct times to count this way
    /// (`fit(time:event:group:...)` then sorts the rows). Same checks and errors as `fit`.
    public static func counts(time: [Double], event: [Bool], group: [Int32], groupCount: Int, timefix: Bool = true,
                              cancel: Cancellation = .never) throws -> SurvivalCounts? {
        guard event.count == time.count else {
            throw SurvivalInputError.lengthMismatch(expected: time.count, got: event.count, what: "event")
        }
        guard group.count == time.count else {
            throw SurvivalInputError.lengthMismatch(expected: time.count, got: group.count, what: "group")
        }
        guard groupCount >= 1 else { throw SurvivalInputError.invalidArgument("groupCount must be at least 1") }
        guard let tally = try TimeTally.make(time: time, event: event, group: group, groupCount: groupCount,
                                             timefix: timefix, cancel: cancel) else { return nil }
        return SurvivalCounts(tally: tally, cellCount: groupCount, timefix: timefix)
    }

    /// The curves from counts made by `counts(...)`: identical to `fit` on the rows they counted
    /// (`options.timefix` must be the counts' timefix).
    public static func fit(counts: SurvivalCounts, options: KaplanMeierOptions = KaplanMeierOptions()) throws -> [KaplanMeierCurve] {
        guard options.level > 0 && options.level < 1 else { throw SurvivalInputError.invalidLevel(options.level) }
        guard options.timefix == counts.timefix else {
            throw SurvivalInputError.invalidArgument("the counts were made with timefix = \(counts.timefix)")
        }
        return curves(counts.tally, groupCount: counts.cellCount, options: options)
    }

    /// Pointwise confidence limits of S from se(log S), exactly as R's survfit_confint (logse = TRUE).
    /// Returns NaN where R returns NA or NaN.
    public static func confidenceLimits(surv p: Double, logStdErr se: Double, type: KaplanMeierConfType,
                                        z: Double) -> (lower: Double, upper: Double) {
        switch type {
        case .plain:
            let half = se * p * z            // NaN at S = 0 (0 * Inf)
            if half.isNaN { return (.nan, .nan) }
            return (max(p - half, 0), min(p + half, 1))
        case .log:
            if p == 0 { return (.nan, .nan) }
            let half = z * se
            return (Foundation.exp(Foundation.log(p) - half), min(Foundation.exp(Foundation.log(p) + half), 1))
        case .logLog:
            if p == 0 || p == 1 { return (.nan, .nan) }
            let half = z * se / Foundation.log(p)
            let center = Foundation.log(-Foundation.log(p))
            return (Foundation.exp(-Foundation.exp(center - half)), Foundation.exp(-Foundation.exp(center + half)))
        case .logit:
            if p == 0 { return (.nan, .nan) }
            let half = z * se * (1 + p / (1 - p))
            let center = Foundation.log(p / (1 - p))
            let lo = 1 - 1 / (1 + Foundation.exp(center - half))
            let hi = 1 - 1 / (1 + Foundation.exp(center + half))
            return (lo, hi)
        case .arcsin:
            if p == 0 { return (.nan, .nan) }
            let half = 0.5 * z * se * (p / (1 - p)).squareRoot()
            let center = Foundation.asin(p.squareRoot())
            // R: sin(pmax(0, a - h))^2; pmax/pmin propagate NaN.
            let a = center - half, b = center + half
            let lo = a.isNaN ? Double.nan : Foundation.sin(max(0, a))
            let hi = b.isNaN ? Double.nan : Foundation.sin(min(Double.pi / 2, b))
            return (lo * lo, hi * hi)
        }
    }

    @inline(__always)
    static func optional(_ x: Double) -> Double? { x.isNaN ? nil : x }
}

/// Accumulates one curve in time order.
struct CurveBuilder {
    let n: Int
    var remaining: Int
    var events = 0
    var s = 1.0
    var greenwood = 0.0
    var time: [Double] = []
    var nRisk: [Int] = []
    var nEvent: [Int] = []
    var nCensor: [Int] = []
    var surv: [Double] = []
    var logSE: [Double] = []

    /// `n` rows in the curve, at most `rows` rows in its table (distinct times).
    init(n: Int, rows: Int? = nil) {
        self.n = n
        self.remaining = n
        let capacity = min(n, rows ?? n)
        time.reserveCapacity(capacity)
        nRisk.reserveCapacity(capacity)
        nEvent.reserveCapacity(capacity)
        nCensor.reserveCapacity(capacity)
        surv.reserveCapacity(capacity)
        logSE.reserveCapacity(capacity)
    }

    /// Adds the row at time t: d events and c censorings among those at risk (by default everyone
    /// not yet out; delayed entry gives the number explicitly).
    mutating func add(time t: Double, events d: Int, censored c: Int, atRisk given: Int? = nil) {
        let atRisk = given ?? remaining
        if d > 0 {
            let nr = Double(atRisk), dd = Double(d)
            s *= (nr - dd) / nr
            greenwood += atRisk > d ? dd / (nr * (nr - dd)) : .infinity
            events += d
        }
        time.append(t)
        nRisk.append(atRisk)
        nEvent.append(d)
        nCensor.append(c)
        surv.append(s)
        logSE.append(greenwood.squareRoot())
        remaining -= d + c
    }

    func finish(confType: KaplanMeierConfType, level: Double, z: Double, startTime: Double) -> KaplanMeierCurve {
        var lower = [Double](repeating: .nan, count: surv.count)
        var upper = [Double](repeating: .nan, count: surv.count)
        for i in 0..<surv.count {
            let ci = KaplanMeier.confidenceLimits(surv: surv[i], logStdErr: logSE[i], type: confType, z: z)
            lower[i] = ci.lower
            upper[i] = ci.upper
        }
        return KaplanMeierCurve(n: n, events: events, confType: confType, level: level, startTime: startTime,
                                time: time, nRisk: nRisk, nEvent: nEvent, nCensor: nCensor, surv: surv,
                                logStdErr: logSE, lowerRaw: lower, upperRaw: upper)
    }
}
