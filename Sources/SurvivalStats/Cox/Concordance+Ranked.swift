// Concordance+Ranked.swift — Harrell's C of a predictor when every row carries the dense rank of its
// (stratum, time) (CoxTimeRanks gives them): one sweep in the order of x with counts per time rank, so
// nothing is indexed by the n ranks of x. Same pairs, counts and variance as `compute` (its header
// has R's conventions); no clusters.
//
// Algorithm: the rows in ascending x (RadixSort.bucketSorted, carrying each row's rank * 2 + event, made
// as the rows are scattered, so that the sweep reads memory in order), a group of equal x at a time.
// Fenwick trees over the time ranks (one segment per stratum) count the rows already passed (smaller
// x): all rows, and the events (one tree of packed pairs: the rows in the high 32 bits and the events
// in the low 32, so one walk of the tree updates or sums both; no count reaches 2^32, so the halves
// never carry into each other); the counts at rank r itself come from the same tree (its node less
// the nodes just below it). For an event at rank r (its risk set: rows of its stratum with rank > r,
// and rows censored at r) the rows of smaller x in its risk set are all(ranks > r) + censored(r); for
// any row at rank r, the events whose risk set holds it (events of its stratum with rank < r, and at
// r when the row is censored) with smaller x are events(< r) (+ events(r)). The same counts after the
// group is added give "smaller or equal"; "larger" is the size of the set minus both, kept per rank
// with the rank's stratum in one 16-byte record. O(n log D) after the sort (D distinct pairs). Per row
// only c - d and c + d + tied.x are kept, for the variance, written over the row's sorted key.
// Memory: at 10^7 rows and ~200,000 ranks the trees and records are larger than the L2 cache and the
// ranks come at random, so the lines of the rows a few places ahead are prefetched; one record instead
// of an array per value, and no array of passed counts, leave two lines a row to miss (the record and
// the tree node) where there were eight.
// Threads: the x order is cut into CoxParallel's fixed chunks (each boundary moved to the start of a
// group of equal x); every chunk counts its rows per rank, and chunk k starts its sweep from the
// counts of the chunks before it (trees built in O(D)). Counts are integers added in chunk order and
// the variance is summed over the rows in x order on one thread (LaneSum): the result is the same for
// every number of threads.

import CSurvshPrefetch
import Foundation

extension Concordance {
    /// Concordance of `x` (input order) for rows whose (stratum, time) rank is `rank` (ranks of
    /// stratum s: `rankBounds[s] ..< rankBounds[s + 1]`, ascending time), `reverse` as in `compute`.
    /// `rankCounts`, when the caller has them (CoxTimeRanks does), are the rows and the events per rank,
    /// which are otherwise counted here in a pass over the rows on one thread.
    /// A `cancel` that fires makes the sweep stop early: the caller must `try cancel.check()` before use.
    static func ranked(x: [Double], event: [Bool], rank: [Int32], rankBounds: [Int], reverse: Bool,
                       rankCounts: (rows: [Int32], events: [Int32])? = nil, cancel: Cancellation = .never) -> ConcordanceResult {
        let n = x.count
        guard n > 0 else { return finish(c: 0, d: 0, tx: 0, ty: 0, txy: 0, reverse: reverse) { _, _ in 0 } }
        let d = rankBounds.last ?? 0
        let strata = rankBounds.count - 1
        // per rank: rows, censored rows
        var nAll = [Int](repeating: 0, count: d), nCens = [Int](repeating: 0, count: d)
        if let (rows, events) = rankCounts {
            for r in 0..<d { nAll[r] = Int(rows[r]); nCens[r] = Int(rows[r] - events[r]) }
        } else {
            for i in 0..<n { nAll[Int(rank[i])] += 1; if !event[i] { nCens[Int(rank[i])] += 1 } }
        }
        var facts = [RankFacts](repeating: RankFacts(), count: d)
        var pairsY = 0                                    // pairs of events at the same time
        for s in 0..<strata {
            var above = 0
            for r in stride(from: rankBounds[s + 1] - 1, through: rankBounds[s], by: -1) {
                facts[r].stratum = Int32(s)
                facts[r].riskOfEvent = Int32(above + nCens[r])
                above += nAll[r]
            }
            var below = 0
            for r in rankBounds[s]..<rankBounds[s + 1] {
                let e = nAll[r] - nCens[r]
                facts[r].holdingEvent = Int32(below)
                facts[r].holdingCensored = Int32(below + e)
                below += e
                pairsY += e * (e - 1) / 2
            }
        }
        // rows in x order, each as rank * 2 + event
        var (keys, sortedCode) = rank.withUnsafeBufferPointer { rp in
            event.withUnsafeBufferPointer { ep in
                RadixSort.bucketSorted(keys: x, payloadOf: RankEventCode(rank: rp.baseAddress!, event: ep.baseAddress!),
                                       cancel: cancel)
            }
        }
        if cancel.isCancelled { return finish(c: 0, d: 0, tx: 0, ty: 0, txy: 0, reverse: reverse) { _, _ in 0 } }
        let sweep = RankedSweep(rankBounds: rankBounds, facts: facts)
        let (tc, td, tt, txy) = sweep.run(keys: &keys, code: sortedCode, cancel: cancel)
        return finish(c: tc, d: td, tx: tt, ty: pairsY - txy, txy: txy, reverse: reverse) { somers, npair in
            // (in eight lanes: one running total was a chain of n dependent additions on one thread)
            var ss = LaneSum()
            keys.withUnsafeBufferPointer { kp in
                ss.add(count: n) { k in
                    let (diff, size) = RankedSweep.counts(kp[k])
                    let v = (Double(diff) - somers * Double(size)) / npair
                    return v * v
                }
            }
            return ss.total
        }
    }
}

/// The sort payload of a row: its rank * 2 + 1 when it is an event.
private struct RankEventCode: SortPayload {
    let rank: UnsafePointer<Int32>
    let event: UnsafePointer<Bool>
    @inline(__always) func value(_ i: Int) -> Int32 { rank[i] << 1 | (event[i] ? 1 : 0) }
}

/// What the sweep needs of a rank for every row at it, together (16 bytes: the ranks are visited at
/// random, and one cache line for all of it misses once where an array per value missed each time).
private struct RankFacts {
    var stratum: Int32 = 0
    /// Rows in the risk set of an event at this rank: its stratum's rows at higher ranks and the
    /// censored at this rank.
    var riskOfEvent: Int32 = 0
    /// Events whose risk set holds an event at this rank (its stratum's events at lower ranks), and
    /// a censored row (those and the events at this rank).
    var holdingEvent: Int32 = 0
    var holdingCensored: Int32 = 0
}

/// The sweep of `Concordance.ranked` over the rows in x order (see the file header): the totals, and
/// per row c - d and c + d + tied.x, written over the row's key once its group of equal x is done (the
/// keys' storage is in the cache then, and no other n-row array is allocated and faulted in).
private struct RankedSweep {
    let rankBounds: [Int]
    let facts: [RankFacts]
    var d: Int { facts.count }
    var strata: Int { rankBounds.count - 1 }

    /// c - d and c + d + tied.x of a row from the word `run` left in its key.
    @inline(__always)
    static func counts(_ word: UInt64) -> (diff: Int32, size: Int32) {
        (Int32(truncatingIfNeeded: word >> 32), Int32(truncatingIfNeeded: word))
    }

    /// The word holding c - d (high half) and c + d + tied.x (low half).
    @inline(__always)
    static func word(diff: Int, size: Int) -> UInt64 {
        UInt64(UInt32(bitPattern: Int32(diff))) << 32 | UInt64(UInt32(bitPattern: Int32(size)))
    }

    /// Concordant, discordant, tied-on-x pairs and event pairs tied on time and x of the rows `keys`
    /// (ascending sortable images of x) with `code` (rank * 2 + event); leaves each row's counts in
    /// its key (`counts`).
    func run(keys: inout [UInt64], code: [Int32], cancel: Cancellation) -> (Int, Int, Int, Int) {
        let n = keys.count, d = self.d
        // chunk bounds in x order, each moved forward to the start of a group of equal x
        let chunks = CoxParallel.chunkCount(n)
        var start = CoxParallel.ranges(n, chunks: chunks).map(\.lowerBound) + [n]
        for k in 1..<chunks {
            var s = max(start[k], start[k - 1])
            while s < n && s > 0 && keys[s] == keys[s - 1] { s += 1 }
            start[k] = s
        }
        // rows (all, events) per rank of each chunk, then of the chunks before it
        var before = [Int32](repeating: 0, count: chunks * 2 * d)
        var totals = [(Int, Int, Int, Int)](repeating: (0, 0, 0, 0), count: chunks)
        let st = start
        before.withUnsafeMutableBufferPointer { bb in
        totals.withUnsafeMutableBufferPointer { tb in
        keys.withUnsafeMutableBufferPointer { kb in
        code.withUnsafeBufferPointer { cb in
            let sh = UncheckedBox((bb.baseAddress!, tb.baseAddress!, kb.baseAddress!, cb.baseAddress!))
            if chunks > 1 {
                CoxParallel.run(chunks - 1) { k in
                    let cnt = sh.value.0 + (k + 1) * 2 * d, cp = sh.value.3
                    for q in st[k]..<st[k + 1] {
                        let c = Int(cp[q]), r = c >> 1
                        cnt[2 * r] += 1
                        cnt[2 * r + 1] += Int32(c & 1)
                    }
                }
                for k in 2..<max(chunks, 2) {
                    let a = bb.baseAddress! + (k - 1) * 2 * d, b = bb.baseAddress! + k * 2 * d
                    for q in 0..<(2 * d) { b[q] += a[q] }
                }
            }
            CoxParallel.run(chunks) { k in
                let (before, totals, keys, code) = sh.value
                totals[k] = self.sweep(st[k]..<st[k + 1], keys: keys, code: code, before: before + k * 2 * d, cancel: cancel)
            }
        }}}}
        var tc = 0, td = 0, tt = 0, txy = 0
        for t in totals { tc += t.0; td += t.1; tt += t.2; txy += t.3 }
        return (tc, td, tt, txy)
    }

    /// Rows ahead of the one being counted whose rank's lines are prefetched: the ranks come at random
    /// and their lines (facts, the first tree node) are mostly outside the L2 cache.
    /// (16: at 10^7 rows, perf on the loaded machine, the sweep took 444 ms of CPU time without, about
    /// 395 with 16 or 32 and 400 with 8; prefetching also the next nodes of the row's two tree walks
    /// made it slower, 490-520 ms.)
    private static let ahead = 16

    /// Sweeps the rows `range` (x order) from the state where the rows counted in `before` (per rank:
    /// all, events) have been passed; returns its pair counts.
    private func sweep(_ range: Range<Int>, keys kp: UnsafeMutablePointer<UInt64>, code cd: UnsafePointer<Int32>,
                       before: UnsafePointer<Int32>, cancel: Cancellation) -> (Int, Int, Int, Int) {
        let d = self.d, strata = self.strata, rankBounds = self.rankBounds
        // per rank (1-based Fenwick positions of each stratum's segment): rows << 32 | events
        var tree = [UInt64](repeating: 0, count: d + 1)
        var passedInStratum = [Int](repeating: 0, count: strata)
        for s in 0..<strata {
            let f = rankBounds[s], len = rankBounds[s + 1] - f
            for r in f..<(f + len) {
                let all = before[2 * r], ev = before[2 * r + 1]
                tree[r + 1] = UInt64(all) << 32 | UInt64(ev)
                passedInStratum[s] += Int(all)
            }
            // the Fenwick tree built in place over the segment f + 1 ... f + len
            for k in stride(from: 1, through: len, by: 1) {
                let up = k + (k & -k)
                if up <= len { tree[f + up] &+= tree[f + k] }
            }
        }
        var tc = 0, td = 0, tt = 0, txy = 0
        var eventRanks: [Int32] = []
        var groupBefore: [(risk: Int, events: Int)] = []
        passedInStratum.withUnsafeMutableBufferPointer { ps in
        tree.withUnsafeMutableBufferPointer { tr in
        facts.withUnsafeBufferPointer { fa in
            /// Rows and events passed over the ranks of r's stratum up to r (inclusive), and at r: node k
            /// holds the ranks after k - lowbit(k) up to k, so the value at k is the node less the nodes
            /// of the walk from k - 1 down to k - lowbit(k) (near k: mostly its own cache line). Packed
            /// words added and subtracted modulo 2^64 decode right: the true halves are never negative.
            @inline(__always) func upTo(_ r: Int, first f: Int) -> (all: Int, events: Int, allAt: Int, eventsAt: Int) {
                // wrapping operations: the indices stay in 0 ... len, and the walks need no overflow branches
                // (the sweep's CPU time at 10^7 rows: 357-374 ms against 392-395, perf, interleaved)
                let k0 = r &- f &+ 1, below = k0 & (k0 &- 1)
                var s = tr[f + k0], at = s
                var j = k0 &- 1
                while j > below { at &-= tr[f &+ j]; j &= j &- 1 }
                var k = below
                while k > 0 { s &+= tr[f &+ k]; k &= k &- 1 }
                return (Int(s >> 32), Int(s & 0xFFFF_FFFF), Int(at >> 32), Int(at & 0xFFFF_FFFF))
            }
            /// Counts one more row at rank r (and one more event when `event`).
            @inline(__always) func add(_ r: Int, stratum st: Int, event: Bool) {
                let f = rankBounds[st], len = rankBounds[st + 1] - f
                let one: UInt64 = 1 << 32 | (event ? 1 : 0)
                var k = r &- f &+ 1
                while k <= len { tr[f &+ k] &+= one; k &+= k & (0 &- k) }
            }
            /// Rows passed so far in the risk set of the row at position q (if it is an event; else 0),
            /// and events passed so far whose risk set holds it.
            @inline(__always) func passed(_ q: Int) -> (risk: Int, events: Int) {
                let c = Int(cd[q]), r = c >> 1
                let st = Int(fa[r].stratum)
                let upToR = upTo(r, first: rankBounds[st])
                if c & 1 != 0 {
                    let risk = ps[st] - upToR.all + (upToR.allAt - upToR.eventsAt)
                    return (risk, upToR.events - upToR.eventsAt)
                }
                return (0, upToR.events)
            }
            @inline(__always) func enter(_ q: Int) {
                let c = Int(cd[q]), r = c >> 1
                let st = Int(fa[r].stratum)
                add(r, stratum: st, event: c & 1 != 0)
                ps[st] += 1
            }
            /// Adds the counts of the row at position q: smaller and equal x in its risk set (events)
            /// and among the events whose risk set holds it.
            @inline(__always) func count(_ q: Int, smaller: (risk: Int, events: Int), equal: (risk: Int, events: Int)) {
                let c0 = Int(cd[q]), r = c0 >> 1, dies = c0 & 1 != 0
                var c = 0, dd = 0, t = 0
                let facts = fa[r]
                if dies {
                    let larger = Int(facts.riskOfEvent) - smaller.risk - equal.risk
                    // event side: concordant when the longer survivor has the larger x
                    c += larger; dd += smaller.risk; t += equal.risk
                    tc += larger; td += smaller.risk; tt += equal.risk
                }
                let holding = Int(dies ? facts.holdingEvent : facts.holdingCensored)
                let larger = holding - smaller.events - equal.events
                c += smaller.events; dd += larger; t += equal.events
                kp[q] = Self.word(diff: c - dd, size: c + dd + t)
            }
            @inline(__always) func prefetch(_ q: Int) {
                let r = Int(cd[q] >> 1)
                survsh_prefetch_for_read(fa.baseAddress! + r)
                survsh_prefetch_for_write(tr.baseAddress! + r + 1)
            }
            var poll = CancelPoll(cancel)
            let end = range.upperBound
            for q in range.lowerBound..<min(range.lowerBound + Self.ahead, end) { prefetch(q) }
            var g = range.lowerBound
            while g < end {
                var h = g + 1
                let v = kp[g]
                while h < end && kp[h] == v { h += 1 }
                if poll.stop(after: h - g) { break }
                var next = g + Self.ahead
                while next < min(h + Self.ahead, end) { prefetch(next); next += 1 }
                if h == g + 1 {
                    count(g, smaller: passed(g), equal: (0, 0))
                    enter(g)
                } else {
                    groupBefore.removeAll(keepingCapacity: true)
                    eventRanks.removeAll(keepingCapacity: true)
                    for q in g..<h { groupBefore.append(passed(q)) }
                    for q in g..<h { enter(q); if cd[q] & 1 != 0 { eventRanks.append(cd[q] >> 1) } }
                    for q in g..<h {
                        let after = passed(q), b = groupBefore[q - g]
                        count(q, smaller: b, equal: (after.risk - b.risk, after.events - b.events))
                    }
                    // events at the same time with the same x
                    txy += Concordance.equalPairs(&eventRanks)
                }
                g = h
            }
        }}}
        return (tc, td, tt, txy)
    }
}
