// Concordance.swift — Harrell's C with its infinitesimal-jackknife standard error.
//
// Contract
//   Inputs:   times (stop times; optional start times for (start, stop] data), events, a
//             predictor x, optional strata and cluster ids, `reverse`.
//   Preconditions: all values finite; start < stop.
//   Outputs:  counts of concordant, discordant, tied-on-x, tied-on-y and tied-on-both pairs,
//             C = (concordant + tied.x / 2) / (concordant + discordant + tied.x), and its
//             standard error.
//   Pairs (R's convention): a pair is comparable when the shorter time is an event and the other
//             subject is still at risk then: time_j > t_i, or time_j == t_i and j censored (a
//             subject censored at t was at risk at t); with (start, stop] data j must also have
//             start_j < t_i. Two events at the same time are "tied.y" (not comparable). Pairs in
//             different strata are never compared. Non-reversed: the pair is concordant when the
//             longer survivor has the larger x; `reverse = true` (what coxph reports, x = risk
//             score) swaps concordant and discordant.
//   Variance: infinitesimal jackknife as R's concordancefit: for each subject,
//             dfbeta_i = ((c_i - d_i) - somers * (c_i + d_i + tx_i)) / npair, with c_i, d_i, tx_i
//             the concordant, discordant and x-tied comparable pairs the subject belongs to;
//             dfbeta is summed within clusters when clusters are given, and
//             var(C) = sum dfbeta^2 / 4.
//   Algorithm: O(n log n): one descending sweep in time with a Fenwick tree of the subjects at
//             risk (indexed by the rank of x) gives the event-side counts; one ascending sweep with
//             a Fenwick tree of the events gives the at-risk-side counts.
//   Reference: Harrell, Lee & Mark (1996) Stat Med 15:361; Therneau & Atkinson, "The
//             concordance statistic" (survival package vignette, 2023).

import Foundation

/// Harrell's concordance and its counts, as R's `concordance` / `coxph()$concordance`.
public struct ConcordanceResult: Sendable, Equatable {
    /// Concordant comparable pairs (R: `concordant`).
    public let concordant: Double
    /// Discordant comparable pairs (R: `discordant`).
    public let discordant: Double
    /// Comparable pairs tied on x (R: `tied.x`); they count 1/2.
    public let tiedX: Double
    /// Pairs of events at the same time with different x (R: `tied.y`); not comparable.
    public let tiedY: Double
    /// Pairs of events at the same time with the same x (R: `tied.xy`).
    public let tiedXY: Double
    /// C = (concordant + tiedX/2) / (concordant + discordant + tiedX).
    public let concordance: Double
    /// Infinitesimal-jackknife variance of C (R: `var`).
    public let variance: Double
    /// sqrt(variance) (R: `std` in coxph's concordance, `se(C)` in summary.coxph).
    public var standardError: Double { variance.squareRoot() }
}

public enum Concordance {
    /// Per-subject pair counts (in the sorted order used by the computation) and totals.
    struct Counts {
        /// concordant, discordant and x-tied comparable pairs per row (sorted order)
        var concordant: [Int32]
        var discordant: [Int32]
        var tiedX: [Int32]
        var total: (c: Int, d: Int, tx: Int, ty: Int, txy: Int)
    }

    /// Data sorted by (stratum, time), as the sweeps need it.
    struct Sorted {
        var time: [Double]
        var event: [UInt8]
        var x: [Double]
        /// start times (sorted order) or empty
        var start: [Double]
        /// stratum ranges: rows bounds[s] ..< bounds[s+1]
        var bounds: [Int]
        /// counting process: sorted positions ordered by (stratum, start)
        var startOrder: [Int32]
    }

    /// Harrell's C of predictor `x` for the outcome (start, stop, event), as R's
    /// `concordance(Surv(...) ~ x, reverse=)` (timewt = "n").
    public static func harrell(time: [Double], event: [Bool], x: [Double], start: [Double]? = nil,
                               strata: [Int32]? = nil, cluster: [Int32]? = nil,
                               reverse: Bool = false, cancel: Cancellation = .never) throws -> ConcordanceResult {
        let n = time.count
        guard n > 0 else { throw CoxError.empty }
        guard event.count == n, x.count == n else { throw CoxError.dimensionMismatch("time, event and x must have the same length") }
        if let s = start, s.count != n { throw CoxError.dimensionMismatch("start") }
        if let s = strata, s.count != n { throw CoxError.dimensionMismatch("strata") }
        if let c = cluster, c.count != n { throw CoxError.dimensionMismatch("cluster") }
        for v in x where !v.isFinite { throw CoxError.nonFinite("x") }
        for v in time where !v.isFinite { throw CoxError.nonFinite("time") }
        let order = RadixSort.order(keys: time, groups: strata, cancel: cancel)
        try cancel.check()
        let sorted = sortedData(time: time, event: event, x: x, start: start, strata: strata, order: order)
        let result = compute(sorted, cluster: cluster.map { c in order.map { c[Int($0)] } }, reverse: reverse, cancel: cancel)
        try cancel.check()
        return result
    }

    /// Gathers the inputs into (stratum, time) order.
    static func sortedData(time: [Double], event: [Bool], x: [Double], start: [Double]?, strata: [Int32]?,
                           order: [Int32]) -> Sorted {
        let n = time.count
        var bounds = [0]
        if let s = strata {
            for i in 1..<max(n, 1) where s[Int(order[i])] != s[Int(order[i - 1])] { bounds.append(i) }
        }
        bounds.append(n)
        let st = start.map { a in order.map { a[Int($0)] } } ?? []
        var startOrder: [Int32] = []
        if start != nil {
            var grp = [Int32](repeating: 0, count: n)
            for s in 0..<(bounds.count - 1) { for i in bounds[s]..<bounds[s + 1] { grp[i] = Int32(s) } }
            startOrder = RadixSort.order(keys: st, groups: grp)
        }
        return Sorted(time: order.map { time[Int($0)] }, event: order.map { event[Int($0)] ? 1 : 0 },
                      x: order.map { x[Int($0)] }, start: st, bounds: bounds, startOrder: startOrder)
    }

    /// C, counts and IJ variance from sorted data; `cluster` (sorted order) optional. A `cancel`
    /// that fires makes the sweeps stop early: the caller must `try cancel.check()` before use.
    static func compute(_ d: Sorted, cluster: [Int32]?, reverse: Bool, cancel: Cancellation = .never) -> ConcordanceResult {
        let cnt = counts(d, cancel: cancel)
        let n = cnt.concordant.count
        let t = cnt.total
        return finish(c: t.c, d: t.d, tx: t.tx, ty: t.ty, txy: t.txy, reverse: reverse) { somers, npair in
            var ss = 0.0
            cnt.concordant.withUnsafeBufferPointer { cp in
            cnt.discordant.withUnsafeBufferPointer { dp in
            cnt.tiedX.withUnsafeBufferPointer { tp in
                @inline(__always) func dfb(_ i: Int) -> Double {
                    let ci = Double(cp[i]), di = Double(dp[i]), ti = Double(tp[i])
                    return ((ci - di) - somers * (ci + di + ti)) / npair
                }
                if let cl = cluster {
                    var sums: [Int32: Double] = [:]
                    for i in 0..<n { sums[cl[i], default: 0] += dfb(i) }
                    // in cluster order: Dictionary order changes from run to run, and so would the last bits
                    for k in sums.keys.sorted() { let v = sums[k]!; ss += v * v }
                } else {
                    for i in 0..<n { let v = dfb(i); ss += v * v }
                }
            }}}
            return ss
        }
    }

    /// Number of pairs of equal values in `values` (sorted in place).
    static func equalPairs(_ values: inout [Int32]) -> Int {
        values.sort()
        var pairs = 0, a = 0
        while a < values.count {
            var b = a
            while b < values.count && values[b] == values[a] { b += 1 }
            pairs += (b - a) * (b - a - 1) / 2
            a = b
        }
        return pairs
    }

    /// The result from the pair counts (non-reversed: concordant = the longer survivor has the larger
    /// x) and `squares(somers, npair)`, the sum of the squared dfbeta of C's variance; `reverse` swaps
    /// concordant and discordant.
    static func finish(c ci: Int, d di: Int, tx ti: Int, ty: Int, txy: Int, reverse: Bool,
                       squares: (Double, Double) -> Double) -> ConcordanceResult {
        let c = Double(ci), dd0 = Double(di), tx = Double(ti)
        let npair = c + dd0 + tx
        var variance = Double.nan
        var conc = Double.nan
        if npair > 0 {
            let somers = (c - dd0) / npair
            conc = (somers + 1) / 2
            variance = squares(somers, npair) / 4
        }
        let (cc, dd) = reverse ? (dd0, c) : (c, dd0)
        if reverse && npair > 0 { conc = 1 - conc }
        return ConcordanceResult(concordant: cc, discordant: dd, tiedX: tx, tiedY: Double(ty),
                                 tiedXY: Double(txy), concordance: conc, variance: variance)
    }

    /// Counts of the ranks 0..<size currently in a set, answering "how many below / equal / above
    /// rank r". Hierarchical counts: level 0 holds one counter per rank (type C0, as narrow as the
    /// largest multiplicity allows, so that it stays in cache), level 1 one per 16 ranks (C1),
    /// higher levels one per 64 entries below (Int32). An update touches one counter per level; a
    /// query sums at most 15 + 63 * (levels - 1) contiguous counters. For 10^6 distinct ranks this
    /// is several times faster than a Fenwick tree, which is bound by cache misses.
    private struct RankCounter<C0: FixedWidthInteger, C1: FixedWidthInteger> {
        let l0: UnsafeMutablePointer<C0>
        let l1: UnsafeMutablePointer<C1>
        let upper: UnsafeMutablePointer<Int32>
        let offset: UnsafeMutablePointer<Int>     // start of level l (l >= 2) in `upper`
        let nLevels: Int
        var total = 0
        init(_ size: Int) {
            var sz: [Int] = [max(size, 1)]
            var m = (max(size, 1) + 15) >> 4
            sz.append(m)
            while m > 1 { m = (m + 63) >> 6; sz.append(m) }
            nLevels = sz.count
            l0 = .allocate(capacity: sz[0]); l0.initialize(repeating: 0, count: sz[0])
            l1 = .allocate(capacity: sz[1]); l1.initialize(repeating: 0, count: sz[1])
            offset = .allocate(capacity: sz.count)
            var o = 0
            for l in 2..<max(sz.count, 2) { offset[l] = o; o += sz[l] }
            upper = .allocate(capacity: max(o, 1)); upper.initialize(repeating: 0, count: max(o, 1))
        }
        func free() { l0.deallocate(); l1.deallocate(); upper.deallocate(); offset.deallocate() }
        @inline(__always) mutating func add(_ i: Int, _ v: Int32) {
            total += Int(v)
            l0[i] &+= C0(truncatingIfNeeded: v)
            var r = i >> 4
            l1[r] &+= C1(truncatingIfNeeded: v)
            for l in 2..<nLevels { r >>= 6; upper[offset[l] + r] &+= v }
        }
        /// (less, equal, greater) than rank i
        @inline(__always) func query(_ i: Int) -> (Int, Int, Int) {
            var s = 0
            var k = i & ~15
            while k < i { s += Int(l0[k]); k += 1 }
            var r = i >> 4
            k = r & ~63
            while k < r { s += Int(l1[k]); k += 1 }
            for l in 2..<nLevels {
                r >>= 6
                let lvl = upper + offset[l]
                var k2 = r & ~63
                var acc: Int32 = 0
                while k2 < r { acc &+= lvl[k2]; k2 += 1 }
                s += Int(acc)
            }
            let e = Int(l0[i])
            return (s, e, total - s - e)
        }
    }

    static func counts(_ sd: Sorted, cancel: Cancellation = .never) -> Counts {
        let n = sd.time.count
        // dense ranks of x, in sorted order
        let xo = RadixSort.order(keys: sd.x, cancel: cancel)
        var rank = [Int32](unsafeUninitializedCapacity: n) { _, c in c = n }
        var size = 0
        var maxMult = 1
        sd.x.withUnsafeBufferPointer { xp in
        rank.withUnsafeMutableBufferPointer { rp in
        xo.withUnsafeBufferPointer { op in
            var k: Int32 = -1
            var prev = Double.nan
            var run = 0
            if cancel.isCancelled { return }
            cancel.inBlocks(0..<n) { rows in
                for i in rows {
                    let o = Int(op[i])
                    let v = xp[o]
                    if i == 0 || v != prev { k += 1; prev = v; run = 1 } else { run += 1; maxMult = max(maxMult, run) }
                    rp[o] = k
                }
            }
            size = Int(k) + 1
        }}}
        if cancel.isCancelled { return Counts(concordant: [], discordant: [], tiedX: [], total: (0, 0, 0, 0, 0)) }
        // the largest multiplicity of a rank decides the width of the level-0 counters
        if maxMult < 256 {
            return sweeps(sd, rank: rank, size: size, counter: RankCounter<UInt8, UInt16>.self, cancel: cancel)
        } else if maxMult < 4096 {
            return sweeps(sd, rank: rank, size: size, counter: RankCounter<UInt16, UInt16>.self, cancel: cancel)
        } else {
            return sweeps(sd, rank: rank, size: size, counter: RankCounter<UInt32, UInt32>.self, cancel: cancel)
        }
    }

    private static func sweeps<C0, C1>(_ sd: Sorted, rank: [Int32], size: Int,
                                       counter: RankCounter<C0, C1>.Type, cancel: Cancellation) -> Counts {
        let n = sd.time.count
        let bounds = sd.bounds
        let counting = !sd.start.isEmpty
        var evC = [Int32](repeating: 0, count: n), evD = [Int32](repeating: 0, count: n), evT = [Int32](repeating: 0, count: n)
        var arC = [Int32](repeating: 0, count: n), arD = [Int32](repeating: 0, count: n), arT = [Int32](repeating: 0, count: n)
        var totals = (c: 0, d: 0, tx: 0, ty: 0, txy: 0)
        evC.withUnsafeMutableBufferPointer { evc in evD.withUnsafeMutableBufferPointer { evd in
        evT.withUnsafeMutableBufferPointer { evt in arC.withUnsafeMutableBufferPointer { arc in
        arD.withUnsafeMutableBufferPointer { ard in arT.withUnsafeMutableBufferPointer { art in
        rank.withUnsafeBufferPointer { rkb in sd.time.withUnsafeBufferPointer { tmb in
        sd.event.withUnsafeBufferPointer { deb in sd.startOrder.withUnsafeBufferPointer { sob in
        sd.start.withUnsafeBufferPointer { stb in withUnsafeMutablePointer(to: &totals) { totp in
            let sh = UncheckedBox((evc.baseAddress!, evd.baseAddress!, evt.baseAddress!, arc.baseAddress!, ard.baseAddress!,
                                   art.baseAddress!, rkb.baseAddress!, tmb.baseAddress!, deb.baseAddress!,
                                   sob.baseAddress, stb.baseAddress, totp))
            let parallel = n >= CoxParallel.minRows && CoxParallel.chunkCount(n) > 1
            CoxParallel.run(parallel ? 2 : 1) { job in
                let (evc, evd, evt, arc, ard, art, rk, tm, de, sob, stv, totp) = sh.value
                var poll = CancelPoll(cancel)
                for side in (parallel ? [job] : [0, 1]) {
                    var tree = RankCounter<C0, C1>(size)
                    defer { tree.free() }
                    if side == 0 {
                        // event side: descending time; tree = rows at risk
                        var tc = 0, td = 0, tt = 0, ty = 0, txy = 0
                        var xs: [Int32] = []
                        strata: for s in 0..<(bounds.count - 1) {
                            let lo = bounds[s], hi = bounds[s + 1]
                            var i = hi - 1
                            var j = hi - 1
                            while i >= lo {
                                let t = tm[i]
                                var g = i
                                while g >= lo && tm[g] == t { g -= 1 }
                                if poll.stop(after: i - g) { break strata }
                                if counting {
                                    while j >= lo {
                                        let r = Int(sob![j])
                                        if stv![r] < t { break }
                                        tree.add(Int(rk[r]), -1)
                                        j -= 1
                                    }
                                }
                                var nd = 0
                                for q in (g + 1)...i where de[q] == 0 { tree.add(Int(rk[q]), 1) }
                                for q in (g + 1)...i where de[q] != 0 {
                                    let (less, eq, greater) = tree.query(Int(rk[q]))
                                    evc[q] = Int32(greater); evd[q] = Int32(less); evt[q] = Int32(eq)
                                    tc += greater; td += less; tt += eq
                                    nd += 1
                                }
                                if nd > 1 {
                                    ty += nd * (nd - 1) / 2
                                    xs.removeAll(keepingCapacity: true)
                                    for q in (g + 1)...i where de[q] != 0 { xs.append(rk[q]) }
                                    txy += equalPairs(&xs)
                                }
                                for q in (g + 1)...i where de[q] != 0 { tree.add(Int(rk[q]), 1) }
                                i = g
                            }
                            // empty the tree for the next stratum (not after the last: it is freed)
                            if s == bounds.count - 2 { continue }
                            if counting {
                                while j >= lo { tree.add(Int(rk[Int(sob![j])]), -1); j -= 1 }
                            } else {
                                for q in lo..<hi { tree.add(Int(rk[q]), -1) }
                            }
                        }
                        totp.pointee = (tc, td, tt, ty - txy, txy)
                    } else {
                        // at-risk side: ascending time; tree = earlier events
                        strata: for s in 0..<(bounds.count - 1) {
                            let lo = bounds[s], hi = bounds[s + 1]
                            var sp = lo
                            var i = lo
                            while i < hi {
                                let t = tm[i]
                                var g = i
                                while g < hi && tm[g] == t { g += 1 }
                                if poll.stop(after: g - i) { break strata }
                                if counting {
                                    // events with time <= start_j are outside j's window
                                    while sp < hi {
                                        let r = Int(sob![sp])
                                        if stv![r] >= t { break }
                                        let (less, eq, greater) = tree.query(Int(rk[r]))
                                        arc[r] -= Int32(less); ard[r] -= Int32(greater); art[r] -= Int32(eq)
                                        sp += 1
                                    }
                                }
                                for q in i..<g where de[q] != 0 {
                                    let (less, eq, greater) = tree.query(Int(rk[q]))
                                    arc[q] += Int32(less); ard[q] += Int32(greater); art[q] += Int32(eq)
                                }
                                for q in i..<g where de[q] != 0 { tree.add(Int(rk[q]), 1) }
                                for q in i..<g where de[q] == 0 {
                                    let (less, eq, greater) = tree.query(Int(rk[q]))
                                    arc[q] += Int32(less); ard[q] += Int32(greater); art[q] += Int32(eq)
                                }
                                i = g
                            }
                            if counting {
                                while sp < hi {
                                    let r = Int(sob![sp])
                                    let (less, eq, greater) = tree.query(Int(rk[r]))
                                    arc[r] -= Int32(less); ard[r] -= Int32(greater); art[r] -= Int32(eq)
                                    sp += 1
                                }
                            }
                            if s < bounds.count - 2 { for q in lo..<hi where de[q] != 0 { tree.add(Int(rk[q]), -1) } }
                        }
                    }
                }
            }
        }}}}}}}}}}}}
        for i in 0..<n { evC[i] &+= arC[i]; evD[i] &+= arD[i]; evT[i] &+= arT[i] }
        return Counts(concordant: evC, discordant: evD, tiedX: evT, total: totals)
    }
}
