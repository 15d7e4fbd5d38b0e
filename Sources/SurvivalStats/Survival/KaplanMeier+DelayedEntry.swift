// KaplanMeier+DelayedEntry.swift — the product-limit estimate with delayed entry (left truncation):
// R's survfit(Surv(start, stop, event) ~ group).
//
// Contract
//   Inputs:  start, stop [Double] (finite, start < stop: the row is at risk on (start, stop]), event
//            [Bool] (an event at stop), group codes [Int32] (0..<groupCount; negative drops the row),
//            the same options as the right-censored fit.
//   Outputs: one KaplanMeierCurve per group with a row per distinct stop time (events and censorings,
//            as survfit's table); n.risk at t = #{start < t <= stop} (a row entering at t is not at risk
//            at t); S(t) = prod (1 - d/n.risk), Greenwood's se(log S) and the CIs as the right-censored
//            fit. `n` is the number of rows (survfit's "records"); the start time for summary(times=)
//            is min(0, first stop time), as survfit0.
//   Cost: O(n): stops and starts of each group are radix-sorted once and swept together; `cancel` is
//            polled in the sorts and the sweep (CancellationError).
//   Reference: Klein & Moeschberger (2003) 4.6 (left truncation); R survival 3.5 survfitKM
//            (counting-process data; timefix = TRUE merges start and stop values within sqrt(eps)).

import Foundation

extension KaplanMeier {
    /// The right-censored fit, or the delayed-entry fit when `start` is given (survfit on
    /// Surv(time, event) or Surv(start, stop, event)).
    public static func fit(start: [Double]?, time: [Double], event: [Bool], group: [Int32], groupCount: Int,
                           options: KaplanMeierOptions = KaplanMeierOptions(),
                           cancel: Cancellation = .never) throws -> [KaplanMeierCurve] {
        if let start {
            return try fit(start: start, stop: time, event: event, group: group, groupCount: groupCount, options: options,
                           cancel: cancel)
        }
        return try fit(time: time, event: event, group: group, groupCount: groupCount, options: options, cancel: cancel)
    }

    /// One curve per group code from counting-process rows (start, stop]. `cancel` is polled between
    /// the steps (each row sort runs to its end).
    public static func fit(start: [Double], stop: [Double], event: [Bool], group: [Int32], groupCount: Int,
                           options: KaplanMeierOptions = KaplanMeierOptions(),
                           cancel: Cancellation = .never) throws -> [KaplanMeierCurve] {
        let n = stop.count
        for (values, what) in [(start.count, "start"), (event.count, "event"), (group.count, "group")] where values != n {
            throw SurvivalInputError.lengthMismatch(expected: n, got: values, what: what)
        }
        guard options.level > 0 && options.level < 1 else { throw SurvivalInputError.invalidLevel(options.level) }
        guard groupCount >= 1 else { throw SurvivalInputError.invalidArgument("groupCount must be at least 1") }
        for i in 0..<n where group[i] >= 0 {
            guard Int(group[i]) < groupCount else {
                throw SurvivalInputError.invalidGroupCode(index: i, code: group[i], groupCount: groupCount)
            }
            guard start[i].isFinite, stop[i].isFinite else { throw SurvivalInputError.nonFiniteTime(index: i) }
            guard start[i] < stop[i] else {
                throw SurvivalInputError.invalidArgument("start time is not before the stop time at row \(i + 1)")
            }
        }
        try cancel.check()
        let (entry, exit) = options.timefix ? try SurvivalTimeOrder.timefixed(start: start, stop: stop, cancel: cancel)
            : (start, stop)
        try cancel.check()
        let z = Normal.quantile(1 - (1 - options.level) / 2)
        var rowsOf = [[Int32]](repeating: [], count: groupCount)
        for i in 0..<n where group[i] >= 0 { rowsOf[Int(group[i])].append(Int32(i)) }
        var firstTime = Double.infinity
        for i in 0..<n where group[i] >= 0 { firstTime = min(firstTime, exit[i]) }
        if firstTime == .infinity { firstTime = 0 }
        return try rowsOf.map { rows in
            var builder = CurveBuilder(n: rows.count)
            let byStop = SurvivalTimeOrder.order(exit, subset: rows, cancel: cancel).map { Int($0) }
            try cancel.check()
            let starts = SurvivalTimeOrder.order(entry, subset: rows, cancel: cancel).map { entry[Int($0)] }
            try cancel.check()
            var poll = CancelPoll(cancel)
            var entered = 0   // rows with start < t
            var j = 0         // rows with stop < t (those before the current stop time)
            while j < byStop.count {
                if poll.stop() { throw CancellationError() }
                let t = exit[byStop[j]]
                while entered < starts.count && starts[entered] < t { entered += 1 }
                var d = 0, c = 0, k = j
                while k < byStop.count && exit[byStop[k]] == t {
                    if event[byStop[k]] { d += 1 } else { c += 1 }
                    k += 1
                }
                builder.add(time: t, events: d, censored: c, atRisk: entered - j)
                j = k
            }
            return builder.finish(confType: options.confType, level: options.level, z: z, startTime: min(0, firstTime))
        }
    }
}
