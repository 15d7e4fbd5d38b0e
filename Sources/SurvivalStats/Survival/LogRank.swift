// LogRank — k-sample log-rank and Fleming–Harrington G-rho tests, as R's survdiff; the test for
// trend over ordered groups; pairwise tests as survminer's pairwise_survdiff; per-time arithmetic.
//
// Contract
//   Inputs:  time [Double] (finite), event [Bool], group codes [Int32] in 0..<groupCount (negative =
//            row not used), optional stratum codes [Int32] in 0..<stratumCount (negative = not used),
//            rho >= 0, timefix.
//   Preconditions: none on order. Events and censorings are counted per distinct time, stratum and
//            group in one hashed pass (TimeTally, when there are at most 2^18 distinct times; the
//            same counts as KaplanMeier's, `counts` keeps them for reuse), O(n + T·s·k²) for T distinct
//            times, s strata and k groups; otherwise the rows are sorted once (radix sort by time, then
//            a stable counting sort by stratum), O(n + T·k²). Both feed LogRankSums the same
//            (time, d_j, c_j) sequence per stratum, so the two paths agree to the last bit.
//   Outputs: LogRankResult: n, observed, expected per group (summed over strata, also per stratum),
//            the k×k variance matrix, chisq, df, p. `explain` gives per event time the weight,
//            expected counts, O − E and variance contributions.
//   Reference: Mantel (1966); Peto & Peto (1972); Harrington & Fleming (1982); Klein & Moeschberger
//            (2003) §7.3–7.5; R survival 3.5 survdiff / survdiff.fit.
//   R conventions used:
//     * Within each stratum, at each distinct time t with d > 0 deaths among n at risk (n_j, d_j in
//       group j): weight w = S(t−)^rho, S the pooled Kaplan–Meier of the stratum just before t
//       (rho = 0 log-rank, rho = 1 Peto & Peto);  O_j += w d_j;  E_j += w d n_j / n;
//       V_jk += w² d (n − d)/(n − 1) · (n_j/n)(δ_jk − n_k/n)   (no term when n = 1).
//       O, E and V are summed over strata. With rho > 0 the observed counts are weighted, as R's.
//     * chisq = (O − E)' V⁻ (O − E) over the groups with E > 0, dropping the first of them and solving
//       the remaining system (R's solve); df = #(groups with E > 0) − 1; chisq = 0 when that is < 1.
//       df is not a generalized-inverse rank.
//     * Trend: U = s'(O − E), chisq = U² / (s'Vs) on 1 df, scores s default 1..k (group order).
//     * Pairwise (survminer pairwise_survdiff): each pair is re-tested on the rows of those two
//       groups only (strata kept), chisq on 1 df; p-values adjusted over all pairs by p.adjust
//       (PAdjust; a NaN p-value is left out of the count, as R's NA).
//     * timefix = TRUE (R's default): near-tied times are merged first (aeqSurv), over the rows used.

import Foundation

/// Result of a k-group (possibly stratified) log-rank / G-rho test.
public struct LogRankResult: Sendable {
    public let groupCount: Int
    public let stratumCount: Int
    public let rho: Double
    /// Rows per group (R's `n`).
    public let n: [Int]
    /// Unweighted number of events per group.
    public let events: [Int]
    /// Observed (weighted by S(t−)^rho when rho > 0, as R) per group, summed over strata.
    public let observed: [Double]
    /// Expected per group, summed over strata.
    public let expected: [Double]
    /// observed and expected per stratum: [stratum][group].
    public let observedByStratum: [[Double]]
    public let expectedByStratum: [[Double]]
    /// Rows per stratum (R's `strata` table).
    public let nByStratum: [Int]
    /// k×k variance matrix of O − E (R's `var`).
    public let variance: [[Double]]
    public let chisq: Double
    public let df: Int
    public let p: Double
    /// Conditions worth telling the user (degenerate test, singular variance).
    public let warnings: [String]
}

/// Test for trend over ordered groups.
public struct LogRankTrend: Sendable, Equatable {
    public let scores: [Double]
    /// U = s'(O − E)
    public let statistic: Double
    /// s'Vs
    public let variance: Double
    /// U / sqrt(s'Vs)
    public let z: Double
    /// U² / (s'Vs), 1 df; NaN when s'Vs = 0
    public let chisq: Double
    public let df: Int
    public let p: Double
}

/// One pairwise comparison.
public struct LogRankPairwise: Sendable, Equatable {
    public let groupA: Int
    public let groupB: Int
    public let chisq: Double
    public let df: Int
    public let p: Double
    public let pAdjusted: Double
}

/// Log-rank arithmetic at one event time of one stratum.
public struct LogRankExplainRow: Sendable, Equatable {
    public let stratum: Int
    public let time: Double
    /// n: at risk in the stratum
    public let nRisk: Int
    /// d: events in the stratum
    public let nEvent: Int
    /// S(t−)^rho (1 for the log-rank test)
    public let weight: Double
    /// n_j per group
    public let groupRisk: [Int]
    /// d_j per group
    public let groupEvents: [Int]
    /// w d n_j / n per group
    public let expected: [Double]
    /// w (d_j − d n_j / n) per group
    public let observedMinusExpected: [Double]
    /// diagonal variance contribution w² d (n−d)/(n−1) (n_j/n)(1 − n_j/n) per group
    public let variance: [Double]
}

/// Rows sorted by time with their codes (`LogRank.sortedRows`), reusable by tests on the same rows.
public struct LogRankSortedRows: Sendable {
    let prepared: LogRank.Prepared
    let groupCount: Int
    /// Approximate memory held (bytes).
    public var byteCount: Int { prepared.sorted.times.count * 12 }
}

/// Log-rank family of tests (R's survdiff).
public enum LogRank {
    /// The k-group test (R's `survdiff(Surv(time, event) ~ group + strata(S), rho = rho)`).
    public static func test(time: [Double], event: [Bool], group: [Int32], groupCount: Int,
                            strata: [Int32]? = nil, stratumCount: Int = 1, rho: Double = 0,
                            timefix: Bool = true, cancel: Cancellation = .never) throws -> LogRankResult {
        try run(time: time, event: event, group: group, groupCount: groupCount, strata: strata,
                stratumCount: stratumCount, rho: rho, timefix: timefix, explain: false,
                tallyLimit: TimeTally.defaultMaxDistinct, cancel: cancel).result
    }

    /// Events and censorings per distinct time, stratum and group, counted once (same checks and
    /// errors as `test`; timefix as given), for `test(counts:groupCount:rho:cancel:)`: survsh keeps
    /// them while the data are unchanged. Without strata they are `KaplanMeier.counts` of the same
    /// rows. nil when there are too many distinct times to count this way (`sortedRows` then).
    public static func counts(time: [Double], event: [Bool], group: [Int32], groupCount: Int,
                              strata: [Int32]? = nil, stratumCount: Int = 1, timefix: Bool = true,
                              cancel: Cancellation = .never) throws -> SurvivalCounts? {
        try counts(time: time, event: event, group: group, groupCount: groupCount, strata: strata,
                   stratumCount: stratumCount, timefix: timefix, tallyLimit: TimeTally.defaultMaxDistinct, cancel: cancel)
    }

    /// The test on counts made by `counts(...)` (or `KaplanMeier.counts` of the groups without
    /// strata): identical to `test(time:event:group:...)` on the rows they counted, with their timefix.
    public static func test(counts: SurvivalCounts, groupCount: Int, rho: Double = 0,
                            cancel: Cancellation = .never) throws -> LogRankResult {
        guard rho.isFinite && rho >= 0 else { throw SurvivalInputError.invalidArgument("rho must be >= 0") }
        guard groupCount >= 1, counts.cellCount % groupCount == 0 else {
            throw SurvivalInputError.invalidArgument("the counts have \(counts.cellCount) cells, not strata × \(groupCount) groups")
        }
        let result = compute(counts.tally, groupCount: groupCount, stratumCount: counts.cellCount / groupCount, rho: rho,
                             explain: false, cancel: cancel).result
        try cancel.check()
        return result
    }

    /// The rows of a test sorted once by time, with their group and stratum codes (same checks and
    /// errors as `test`), for `test(_:rho:timefix:cancel:)`: survsh keeps them while the data are
    /// unchanged, so a second test on the same rows does not sort again.
    public static func sortedRows(time: [Double], event: [Bool], group: [Int32], groupCount: Int,
                                  strata: [Int32]? = nil, stratumCount: Int = 1,
                                  cancel: Cancellation = .never) throws -> LogRankSortedRows {
        let prepared = try prepare(time: time, event: event, group: group, groupCount: groupCount,
                                   strata: strata, stratumCount: stratumCount, rho: 0, cancel: cancel)
        return LogRankSortedRows(prepared: prepared, groupCount: groupCount)
    }

    /// The test on rows sorted by `sortedRows`: identical to `test(time:event:group:...)` on those rows.
    public static func test(_ rows: LogRankSortedRows, rho: Double = 0, timefix: Bool = true,
                            cancel: Cancellation = .never) throws -> LogRankResult {
        guard rho.isFinite && rho >= 0 else { throw SurvivalInputError.invalidArgument("rho must be >= 0") }
        let result = compute(rows.prepared.sorted, groupCount: rows.groupCount, stratumCount: rows.prepared.stratumCount,
                             rho: rho, timefix: timefix, explain: false, cancel: cancel).result
        try cancel.check()
        return result
    }

    /// The per-event-time arithmetic of the same test, together with the result.
    public static func explain(time: [Double], event: [Bool], group: [Int32], groupCount: Int,
                               strata: [Int32]? = nil, stratumCount: Int = 1, rho: Double = 0,
                               timefix: Bool = true, cancel: Cancellation = .never)
                               throws -> (result: LogRankResult, rows: [LogRankExplainRow]) {
        let out = try run(time: time, event: event, group: group, groupCount: groupCount, strata: strata,
                          stratumCount: stratumCount, rho: rho, timefix: timefix, explain: true,
                          tallyLimit: TimeTally.defaultMaxDistinct, cancel: cancel)
        return (out.result, out.explain)
    }

    /// The test (and with `explain` its per-time rows) from counts per distinct time when there are at
    /// most `tallyLimit` of them, else from the rows sorted by time (0 = always sort; tests compare).
    static func run(time: [Double], event: [Bool], group: [Int32], groupCount: Int, strata: [Int32]?,
                    stratumCount: Int, rho: Double, timefix: Bool, explain: Bool, tallyLimit: Int,
                    cancel: Cancellation) throws -> (result: LogRankResult, explain: [LogRankExplainRow]) {
        try validate(time: time, event: event, group: group, groupCount: groupCount, strata: strata,
                     stratumCount: stratumCount, rho: rho)
        let out: (result: LogRankResult, explain: [LogRankExplainRow])
        if tallyLimit > 0, let counts = try counts(time: time, event: event, group: group, groupCount: groupCount,
                                                   strata: strata, stratumCount: stratumCount, timefix: timefix,
                                                   tallyLimit: tallyLimit, cancel: cancel) {
            out = compute(counts.tally, groupCount: groupCount, stratumCount: counts.cellCount / groupCount, rho: rho,
                          explain: explain, cancel: cancel)
        } else {
            let prepared = try prepare(time: time, event: event, group: group, groupCount: groupCount,
                                       strata: strata, stratumCount: stratumCount, rho: rho, cancel: cancel)
            out = compute(prepared.sorted, groupCount: groupCount, stratumCount: prepared.stratumCount, rho: rho,
                          timefix: timefix, explain: explain, cancel: cancel)
        }
        try cancel.check()
        return out
    }

    static func counts(time: [Double], event: [Bool], group: [Int32], groupCount k: Int, strata: [Int32]?,
                       stratumCount: Int, timefix: Bool, tallyLimit: Int, cancel: Cancellation) throws -> SurvivalCounts? {
        try validate(time: time, event: event, group: group, groupCount: k, strata: strata,
                     stratumCount: stratumCount, rho: 0)
        guard let strata else {
            return try TimeTally.make(time: time, event: event, group: group, groupCount: k, timefix: timefix,
                                      maxDistinct: tallyLimit, cancel: cancel)
                .map { SurvivalCounts(tally: $0, cellCount: k, timefix: timefix) }
        }
        // cell = stratum · k + group (-1: row not used); a bad code is reported as prepare's row loop
        // would: unless an earlier used row has a non-finite time
        var cells = [Int32](repeating: -1, count: time.count)
        for i in 0..<time.count {
            if cancel.stops(at: i) { break }
            let g = group[i], s = strata[i]
            if g < 0 { continue }
            var bad: SurvivalInputError? = nil
            if Int(g) >= k {
                bad = .invalidGroupCode(index: i, code: g, groupCount: k)
            } else if s >= 0 && Int(s) >= stratumCount {
                bad = .invalidArgument("stratum code \(s) at row \(i + 1) is outside 0..<\(stratumCount)")
            }
            if let bad {
                if let r = (0..<i).first(where: { cells[$0] >= 0 && !time[$0].isFinite }) {
                    throw SurvivalInputError.nonFiniteTime(index: r)
                }
                throw bad
            }
            if s >= 0 { cells[i] = s * Int32(k) + g }
        }
        try cancel.check()
        return try TimeTally.make(time: time, event: event, group: cells, groupCount: k * stratumCount, timefix: timefix,
                                  maxDistinct: tallyLimit, cancel: cancel)
            .map { SurvivalCounts(tally: $0, cellCount: k * stratumCount, timefix: timefix) }
    }

    /// Test for trend: chisq = (s'(O − E))² / (s'Vs) on 1 df; scores default 1, 2, ..., k.
    public static func trend(_ result: LogRankResult, scores: [Double]? = nil) throws -> LogRankTrend {
        let k = result.groupCount
        let s = scores ?? (1...max(k, 1)).map(Double.init)
        guard s.count == k else { throw SurvivalInputError.lengthMismatch(expected: k, got: s.count, what: "scores") }
        var u = 0.0, v = 0.0
        for j in 0..<k {
            u += s[j] * (result.observed[j] - result.expected[j])
            for l in 0..<k { v += s[j] * s[l] * result.variance[j][l] }
        }
        let chisq = v > 0 ? u * u / v : .nan
        let p = chisq.isNaN ? Double.nan : ChiSquared.sf(chisq, df: 1)
        return LogRankTrend(scores: s, statistic: u, variance: v, z: v > 0 ? u / v.squareRoot() : .nan,
                            chisq: chisq, df: 1, p: p)
    }

    /// All pairs of groups that have rows (a < b), each tested on its own rows as survminer's
    /// pairwise_survdiff, with p-values adjusted over the pairs (R's p.adjust). `cancel` is polled
    /// before each pair and inside each test (CancellationError).
    public static func pairwise(time: [Double], event: [Bool], group: [Int32], groupCount: Int,
                                strata: [Int32]? = nil, stratumCount: Int = 1, rho: Double = 0,
                                adjust: PAdjust.Method = .holm, timefix: Bool = true,
                                cancel: Cancellation = .never) throws -> [LogRankPairwise] {
        let prepared = try prepare(time: time, event: event, group: group, groupCount: groupCount,
                                   strata: strata, stratumCount: stratumCount, rho: rho, cancel: cancel)
        let sorted = prepared.sorted
        var counts = [Int](repeating: 0, count: groupCount)
        for code in sorted.payload { counts[Int(code >> 1) % groupCount] += 1 }
        let present = (0..<groupCount).filter { counts[$0] > 0 }
        var pairs = [(a: Int, b: Int, chisq: Double, p: Double)]()
        for ia in 0..<present.count {
            for ib in (ia + 1)..<present.count {
                try cancel.check()
                let a = present[ia], b = present[ib]
                // the rows of groups a and b, recoded to groups 0 and 1 (time order is kept)
                var times = [Double]()
                var payload = [UInt32]()
                times.reserveCapacity(counts[a] + counts[b])
                payload.reserveCapacity(counts[a] + counts[b])
                for j in 0..<sorted.times.count {
                    if cancel.stops(at: j) { break }
                    let code = sorted.payload[j]
                    let cell = Int(code >> 1)
                    let g = cell % groupCount
                    if g != a && g != b { continue }
                    let stratum = cell / groupCount
                    times.append(sorted.times[j])
                    payload.append(UInt32((stratum * 2 + (g == a ? 0 : 1)) << 1) | (code & 1))
                }
                let r = compute(SortedRows(times: times, payload: payload), groupCount: 2,
                                stratumCount: prepared.stratumCount, rho: rho, timefix: timefix,
                                explain: false, cancel: cancel).result
                try cancel.check()
                // survminer: pchisq(chisq, length(n) - 1) = 1 df
                pairs.append((a, b, r.chisq, ChiSquared.sf(r.chisq, df: 1)))
            }
        }
        let adjusted = PAdjust.adjust(pairs.map(\.p), method: adjust)
        return zip(pairs, adjusted).map { pair, pAdjusted in
            LogRankPairwise(groupA: pair.a, groupB: pair.b, chisq: pair.chisq, df: 1, p: pair.p, pAdjusted: pAdjusted)
        }
    }

    // MARK: - internals

    /// Rows in ascending time order: time and packed code ((stratum · k + group) << 1 | event).
    struct SortedRows {
        var times: [Double]
        var payload: [UInt32]
    }

    struct Prepared {
        let sorted: SortedRows
        let stratumCount: Int
    }

    /// The checks every entry point makes before reading rows.
    static func validate(time: [Double], event: [Bool], group: [Int32], groupCount: Int, strata: [Int32]?,
                         stratumCount: Int, rho: Double) throws {
        guard event.count == time.count else {
            throw SurvivalInputError.lengthMismatch(expected: time.count, got: event.count, what: "event")
        }
        guard group.count == time.count else {
            throw SurvivalInputError.lengthMismatch(expected: time.count, got: group.count, what: "group")
        }
        if let strata, strata.count != time.count {
            throw SurvivalInputError.lengthMismatch(expected: time.count, got: strata.count, what: "strata")
        }
        guard groupCount >= 1, stratumCount >= 1 else {
            throw SurvivalInputError.invalidArgument("groupCount and stratumCount must be at least 1")
        }
        let ns = strata == nil ? 1 : stratumCount
        guard groupCount.multipliedReportingOverflow(by: ns).partialValue < (1 << 31),
              !groupCount.multipliedReportingOverflow(by: ns).overflow else {
            throw SurvivalInputError.invalidArgument("too many group × stratum combinations")
        }
        guard rho.isFinite && rho >= 0 else { throw SurvivalInputError.invalidArgument("rho must be >= 0") }
    }

    static func prepare(time: [Double], event: [Bool], group: [Int32], groupCount: Int,
                        strata: [Int32]?, stratumCount: Int, rho: Double, cancel: Cancellation) throws -> Prepared {
        try validate(time: time, event: event, group: group, groupCount: groupCount, strata: strata,
                     stratumCount: stratumCount, rho: rho)
        let ns = strata == nil ? 1 : stratumCount
        var keys = [UInt64]()
        var payload = [UInt32]()
        keys.reserveCapacity(time.count)
        payload.reserveCapacity(time.count)
        for i in 0..<time.count {
            if cancel.stops(at: i) { break }
            let g = group[i]
            if g < 0 { continue }
            guard Int(g) < groupCount else {
                throw SurvivalInputError.invalidGroupCode(index: i, code: g, groupCount: groupCount)
            }
            var stratum = 0
            if let strata {
                let s = strata[i]
                if s < 0 { continue }
                guard Int(s) < stratumCount else {
                    throw SurvivalInputError.invalidArgument(
                        "stratum code \(s) at row \(i + 1) is outside 0..<\(stratumCount)")
                }
                stratum = Int(s)
            }
            guard time[i].isFinite else { throw SurvivalInputError.nonFiniteTime(index: i) }
            keys.append(SurvivalTimeOrder.sortKey(time[i]))
            payload.append(UInt32(stratum * groupCount + Int(g)) << 1 | (event[i] ? 1 : 0))
        }
        try cancel.check()
        let sorted = SurvivalTimeOrder.sortByTime(keys: keys, payload: payload, cancel: cancel)
        try cancel.check()
        return Prepared(sorted: SortedRows(times: sorted.times, payload: sorted.payload), stratumCount: ns)
    }

    /// Runs the test on rows sorted by time (timefix is applied here, over these rows).
    /// A `cancel` that fires stops the sweep early: the caller must `try cancel.check()` before use.
    static func compute(_ rows: SortedRows, groupCount k: Int, stratumCount ns: Int, rho: Double, timefix: Bool,
                        explain: Bool, cancel: Cancellation = .never) -> (result: LogRankResult, explain: [LogRankExplainRow]) {
        let m = rows.times.count
        var times = rows.times
        if timefix, let fixed = SurvivalTimeOrder.tieFixed(sortedTimes: times) { times = fixed }
        // stable counting sort by stratum
        var sortedTimes = times
        var codes = rows.payload
        var stratumStart = [Int](repeating: m, count: ns + 1)
        stratumStart[0] = 0
        if ns > 1 {
            var counts = [Int](repeating: 0, count: ns + 1)
            for code in rows.payload { counts[Int(code >> 1) / k + 1] += 1 }
            for s in 0..<ns { counts[s + 1] += counts[s] }
            stratumStart = counts
            var next = counts
            for j in 0..<m {
                let s = Int(rows.payload[j] >> 1) / k
                sortedTimes[next[s]] = times[j]
                codes[next[s]] = rows.payload[j]
                next[s] += 1
            }
        }

        var sums = LogRankSums(groupCount: k, stratumCount: ns, rho: rho, explain: explain)
        var poll = CancelPoll(cancel)
        strata: for s in 0..<ns {
            let lo = stratumStart[s], hi = stratumStart[s + 1]
            if hi <= lo { continue }
            let base = s * k
            var groupN = [Int](repeating: 0, count: k)
            for j in lo..<hi { groupN[Int(codes[j] >> 1) - base] += 1 }
            sums.beginStratum(s, groupN: groupN)
            var j = lo
            while j < hi {
                let t = sortedTimes[j]
                var e = j
                while e < hi && sortedTimes[e] == t {
                    let code = codes[e]
                    let g = Int(code >> 1) - base
                    if code & 1 == 1 { sums.dj[g] += 1 } else { sums.cj[g] += 1 }
                    e += 1
                }
                if poll.stop(after: e - j) { break strata }
                sums.step(time: t)
                j = e
            }
        }
        return (sums.result(), sums.explainRows)
    }

    /// Runs the test on events and censorings counted per distinct time and cell (stratum · k + group).
    /// A `cancel` that fires stops the sweep early: the caller must `try cancel.check()` before use.
    static func compute(_ tally: TimeTally, groupCount k: Int, stratumCount ns: Int, rho: Double, explain: Bool,
                        cancel: Cancellation = .never) -> (result: LogRankResult, explain: [LogRankExplainRow]) {
        var sums = LogRankSums(groupCount: k, stratumCount: ns, rho: rho, explain: explain)
        let w = 2 * ns * k
        var poll = CancelPoll(cancel)
        tally.counts.withUnsafeBufferPointer { counts in
            strata: for s in 0..<ns {
                let groupN = Array(tally.groupN[(s * k)..<(s * k + k)])
                if groupN.allSatisfy({ $0 == 0 }) { continue }
                sums.beginStratum(s, groupN: groupN)
                for (j, t) in tally.times.enumerated() {
                    if poll.stop(after: k) { break strata }
                    let base = j * w + 2 * s * k
                    var any: Int32 = 0
                    for g in 0..<k { any |= counts[base + 2 * g] | counts[base + 2 * g + 1] }
                    if any == 0 { continue }
                    for g in 0..<k {
                        sums.dj[g] = Int(counts[base + 2 * g])
                        sums.cj[g] = Int(counts[base + 2 * g + 1])
                    }
                    sums.step(time: t)
                }
            }
        }
        return (sums.result(), sums.explainRows)
    }
}

/// The sums of one log-rank / G-rho test (O, E, V per stratum and group), fed one distinct time of
/// one stratum at a time, in time order within each stratum: `beginStratum`, then for each time the
/// events `dj` and censorings `cj` per group and `step`. Both the sorted-rows and the counted path go
/// through it, so they do the same arithmetic in the same order.
struct LogRankSums {
    let k: Int
    let ns: Int
    let rho: Double
    let explain: Bool
    /// Events and censorings per group at the current time (the caller fills them; `step` clears them).
    var dj: [Int]
    var cj: [Int]
    var explainRows: [LogRankExplainRow] = []
    private var nGroup: [Int]
    private var eventsGroup: [Int]
    private var obsS: [[Double]]
    private var expS: [[Double]]
    private var nStratum: [Int]
    private var v: [Double]
    private var frac: [Double]
    // the current stratum
    private var s = 0
    private var risk: [Int]
    private var atRisk = 0
    private var km = 1.0

    init(groupCount k: Int, stratumCount ns: Int, rho: Double, explain: Bool) {
        self.k = k
        self.ns = ns
        self.rho = rho
        self.explain = explain
        dj = [Int](repeating: 0, count: k)
        cj = dj
        nGroup = dj
        eventsGroup = dj
        risk = dj
        obsS = [[Double]](repeating: [Double](repeating: 0, count: k), count: ns)
        expS = obsS
        nStratum = [Int](repeating: 0, count: ns)
        v = [Double](repeating: 0, count: k * k)
        frac = [Double](repeating: 0, count: k)
    }

    /// Starts stratum `s` with `groupN` rows per group.
    mutating func beginStratum(_ s: Int, groupN: [Int]) {
        self.s = s
        risk = groupN
        atRisk = groupN.reduce(0, +)
        nStratum[s] = atRisk
        for g in 0..<k { nGroup[g] += groupN[g] }
        km = 1
    }

    /// Adds the time `t` with the events `dj` and censorings `cj` now filled in, and clears them.
    mutating func step(time t: Double) {
        var d = 0, c = 0
        for g in 0..<k { d += dj[g]; c += cj[g] }
        if d > 0 {
            let w = rho == 0 ? 1.0 : pow(km, rho)
            let nn = Double(atRisk), dd = Double(d)
            let factor = atRisk > 1 ? w * w * dd * (nn - dd) / (nn - 1) : 0
            for g in 0..<k {
                frac[g] = Double(risk[g]) / nn
                obsS[s][g] += w * Double(dj[g])
                expS[s][g] += w * dd * frac[g]
                eventsGroup[g] += dj[g]
            }
            if factor != 0 {
                for a in 0..<k where frac[a] != 0 {
                    let fa = factor * frac[a]
                    v[a * k + a] += fa
                    for b in 0..<k where frac[b] != 0 { v[a * k + b] -= fa * frac[b] }
                }
            }
            if explain {
                explainRows.append(LogRankExplainRow(
                    stratum: s, time: t, nRisk: atRisk, nEvent: d, weight: w, groupRisk: risk,
                    groupEvents: dj,
                    expected: (0..<k).map { w * dd * frac[$0] },
                    observedMinusExpected: (0..<k).map { w * (Double(dj[$0]) - dd * frac[$0]) },
                    variance: (0..<k).map { factor * frac[$0] * (1 - frac[$0]) }))
            }
            km *= (nn - dd) / nn
        }
        for g in 0..<k {
            risk[g] -= dj[g] + cj[g]
            dj[g] = 0
            cj[g] = 0
        }
        atRisk -= d + c
    }

    /// O and E summed over strata, the variance, and survdiff's chi-square.
    func result() -> LogRankResult {
        var observed = [Double](repeating: 0, count: k)
        var expected = [Double](repeating: 0, count: k)
        for s in 0..<ns {
            for g in 0..<k {
                observed[g] += obsS[s][g]
                expected[g] += expS[s][g]
            }
        }
        let variance = (0..<k).map { a in (0..<k).map { b in v[a * k + b] } }
        // survdiff: groups with expected > 0; drop the first; solve.
        let keep = (0..<k).filter { expected[$0] > 0 }
        var warnings = [String]()
        var chisq = 0.0
        if keep.count >= 2 {
            let idx = Array(keep.dropFirst())
            let diff = idx.map { observed[$0] - expected[$0] }
            let sub = idx.map { a in idx.map { b in variance[a][b] } }
            if let x = LinearSolve.solve(sub, diff) {
                chisq = zip(x, diff).reduce(0) { $0 + $1.0 * $1.1 }
            } else {
                chisq = .nan
                warnings.append("the variance matrix is singular: no chi-square (R's solve() stops here)")
            }
        } else {
            warnings.append("fewer than two groups have expected events > 0: chi-square set to 0 as R does")
        }
        let df = keep.count - 1
        let p: Double
        if chisq.isNaN || df < 0 {
            p = .nan
        } else if df == 0 {
            p = 1                                   // R: pchisq(0, 0, lower.tail = FALSE) = 1
        } else {
            p = ChiSquared.sf(chisq, df: Double(df))
        }
        return LogRankResult(groupCount: k, stratumCount: ns, rho: rho, n: nGroup, events: eventsGroup,
                             observed: observed, expected: expected, observedByStratum: obsS,
                             expectedByStratum: expS, nByStratum: nStratum, variance: variance,
                             chisq: chisq, df: df, p: p, warnings: warnings)
    }
}

/// Dense linear solve by Gaussian elimination with partial pivoting (as LAPACK dgesv, R's solve).
enum LinearSolve {
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        var m = a
        var x = b
        var scale = 0.0
        for row in a { for value in row { scale = max(scale, abs(value)) } }
        if scale == 0 { return nil }
        for col in 0..<n {
            var pivot = col
            for r in (col + 1)..<max(n, col + 1) where abs(m[r][col]) > abs(m[pivot][col]) { pivot = r }
            // R's solve() refuses reciprocal condition numbers below .Machine$double.eps
            if abs(m[pivot][col]) <= scale * Double.ulpOfOne * Double(n) { return nil }
            if pivot != col { m.swapAt(pivot, col); x.swapAt(pivot, col) }
            for r in (col + 1)..<max(n, col + 1) {
                let f = m[r][col] / m[col][col]
                if f == 0 { continue }
                for c in col..<n { m[r][c] -= f * m[col][c] }
                x[r] -= f * x[col]
            }
        }
        for col in stride(from: n - 1, through: 0, by: -1) {
            var sum = x[col]
            for c in (col + 1)..<max(n, col + 1) { sum -= m[col][c] * x[c] }
            x[col] = sum / m[col][col]
        }
        return x
    }
}
