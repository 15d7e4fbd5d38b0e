// Concordance+Ranked.swift — Harrell's C of a predictor when every row carries the dense rank of its
// (stratum, time) (CoxTimeRanks gives them): one sweep in the order of x with counts per time rank, so
// nothing is indexed by the n ranks of x. Same pairs, counts and variance as `compute` (its header
// has R's conventions); no clusters.
//
// Algorithm: the rows in ascending x (RadixSort.bucketSorted, carrying each row's rank and event, so
// that the sweep reads memory in order), a group of equal x at a time. Fenwick trees over
// the time ranks (one segment per stratum) count the rows already passed (smaller x): all rows, and
// the events (one tree of packed pairs: the rows in the high 32 bits and the events in the low 32, so one
// walk of the tree updates or sums both; no count reaches 2^32, so the halves never carry into each
// other); arrays count the passed censored rows and events per rank. For an event at rank r
// (its risk set: rows of its stratum with rank > r, and rows censored at r) the rows of smaller x in
// its risk set are all(ranks > r) + censored(r); for any row at rank r, the events whose risk set
// holds it (events of its stratum with rank < r, and at r when the row is censored) with smaller x
// are events(< r) (+ events(r)). The same counts after the group is added give "smaller or equal";
// "larger" is the size of the set minus both. O(n log D) after the sort (D distinct pairs, trees in
// the cache). Per row only c - d and c + d + tied.x are kept, for the variance.
// Threads: the x order is cut into CoxParallel's fixed chunks (each boundary moved to the start of a
// group of equal x); every chunk counts its rows per rank, and chunk k starts its sweep from the
// counts of the chunks before it (trees built in O(D)). Counts are integers added in chunk order and
// the variance is summed over the rows in x order on one thread: the result is the same for every
// number of threads.

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
        let d = rankBounds.last ?? 0
        let strata = rankBounds.count - 1
        // per rank: stratum, rows, censored rows; the sizes of the two sets of each row
        var stratumOf = [Int32](repeating: 0, count: d)
        var nAll = [Int](repeating: 0, count: d), nCens = [Int](repeating: 0, count: d)
        for s in 0..<strata { for r in rankBounds[s]..<rankBounds[s + 1] { stratumOf[r] = Int32(s) } }
        if let (rows, events) = rankCounts {
            for r in 0..<d { nAll[r] = Int(rows[r]); nCens[r] = Int(rows[r] - events[r]) }
        } else {
            for i in 0..<n { nAll[Int(rank[i])] += 1; if !event[i] { nCens[Int(rank[i])] += 1 } }
        }
        var above = [Int](repeating: 0, count: d), below = [Int](repeating: 0, count: d)
        var pairsY = 0                                    // pairs of events at the same time
        for s in 0..<strata {
            var acc = 0
            for r in stride(from: rankBounds[s + 1] - 1, through: rankBounds[s], by: -1) { above[r] = acc; acc += nAll[r] }
            acc = 0
            for r in rankBounds[s]..<rankBounds[s + 1] {
                below[r] = acc
                let e = nAll[r] - nCens[r]
                acc += e
                pairsY += e * (e - 1) / 2
            }
        }
        // rows in x order, each as rank * 2 + event
        let code = [Int32](unsafeUninitializedCapacity: n) { buf, c in
            for i in 0..<n { buf[i] = rank[i] << 1 | (event[i] ? 1 : 0) }
            c = n
        }
        let (keys, sortedCode) = RadixSort.bucketSorted(keys: x, payload: consume code, cancel: cancel)
        if cancel.isCancelled { return finish(c: 0, d: 0, tx: 0, ty: 0, txy: 0, reverse: reverse) { _, _ in 0 } }
        let sweep = RankedSweep(keys: keys, code: sortedCode, rankBounds: rankBounds, stratumOf: stratumOf, nAll: nAll,
                                nCens: nCens, above: above, below: below)
        let (tc, td, tt, txy) = sweep.run(cancel: cancel)
        return finish(c: tc, d: td, tx: tt, ty: pairsY - txy, txy: txy, reverse: reverse) { somers, npair in
            var ss = 0.0
            for k in 0..<n {
                let v = (Double(sweep.diff[k]) - somers * Double(sweep.size[k])) / npair
                ss += v * v
            }
            return ss
        }
    }
}

/// The sweep of `Concordance.ranked` over the rows in x order (see the file header): per row c - d
/// and c + d + tied.x (x order), and the totals.
private final class RankedSweep: @unchecked Sendable {
    let n: Int, d: Int, strata: Int
    let keys: [UInt64]
    let code: [Int32]
    let rankBounds: [Int]
    let stratumOf: [Int32]
    let nAll: [Int], nCens: [Int], above: [Int], below: [Int]
    /// c - d and c + d + tied.x per row (x order); each chunk writes its own rows.
    let diff: UnsafeMutablePointer<Int32>
    let size: UnsafeMutablePointer<Int32>

    init(keys: [UInt64], code: [Int32], rankBounds: [Int], stratumOf: [Int32], nAll: [Int], nCens: [Int], above: [Int],
         below: [Int]) {
        n = keys.count; d = rankBounds.last ?? 0; strata = rankBounds.count - 1
        self.keys = keys; self.code = code; self.rankBounds = rankBounds; self.stratumOf = stratumOf
        self.nAll = nAll; self.nCens = nCens; self.above = above; self.below = below
        diff = .allocate(capacity: n)
        diff.initialize(repeating: 0, count: n)
        size = .allocate(capacity: n)
        size.initialize(repeating: 0, count: n)
    }

    deinit {
        diff.deallocate()
        size.deallocate()
    }

    /// Concordant, discordant, tied-on-x pairs and event pairs tied on time and x.
    func run(cancel: Cancellation) -> (Int, Int, Int, Int) {
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
            let sh = UncheckedBox((bb.baseAddress!, tb.baseAddress!))
            if chunks > 1 {
                CoxParallel.run(chunks - 1) { k in
                    let cnt = sh.value.0 + (k + 1) * 2 * d
                    code.withUnsafeBufferPointer { cp in
                        for q in st[k]..<st[k + 1] {
                            let c = Int(cp[q]), r = c >> 1
                            cnt[2 * r] += 1
                            cnt[2 * r + 1] += Int32(c & 1)
                        }
                    }
                }
                for k in 2..<max(chunks, 2) {
                    let a = bb.baseAddress! + (k - 1) * 2 * d, b = bb.baseAddress! + k * 2 * d
                    for q in 0..<(2 * d) { b[q] += a[q] }
                }
            }
            CoxParallel.run(chunks) { k in
                sh.value.1[k] = self.sweep(st[k]..<st[k + 1], before: sh.value.0 + k * 2 * d, cancel: cancel)
            }
        }}
        var tc = 0, td = 0, tt = 0, txy = 0
        for t in totals { tc += t.0; td += t.1; tt += t.2; txy += t.3 }
        return (tc, td, tt, txy)
    }

    /// Sweeps the rows `range` (x order) from the state where the rows counted in `before` (per rank:
    /// all, events) have been passed; returns its pair counts.
    private func sweep(_ range: Range<Int>, before: UnsafePointer<Int32>, cancel: Cancellation) -> (Int, Int, Int, Int) {
        let d = self.d, rankBounds = self.rankBounds
        // per rank (1-based Fenwick positions of each stratum's segment): rows << 32 | events
        var tree = [UInt64](repeating: 0, count: d + 1)
        var passedCens = [Int32](repeating: 0, count: d), passedEv = [Int32](repeating: 0, count: d)
        var passedInStratum = [Int](repeating: 0, count: strata)
        for s in 0..<strata {
            let f = rankBounds[s], len = rankBounds[s + 1] - f
            for r in f..<(f + len) {
                let all = before[2 * r], ev = before[2 * r + 1]
                tree[r + 1] = UInt64(all) << 32 | UInt64(ev)
                passedEv[r] = ev; passedCens[r] = all - ev
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
        passedCens.withUnsafeMutableBufferPointer { pc in
        passedEv.withUnsafeMutableBufferPointer { pe in
        let df = diff, sz = size
        code.withUnsafeBufferPointer { cd in
        keys.withUnsafeBufferPointer { kp in
        stratumOf.withUnsafeBufferPointer { so in
        nAll.withUnsafeBufferPointer { nAll in
        nCens.withUnsafeBufferPointer { nCens in
        above.withUnsafeBufferPointer { above in
        below.withUnsafeBufferPointer { below in
            /// Rows and events passed over the ranks of r's stratum up to r (inclusive).
            @inline(__always) func upTo(_ r: Int) -> (all: Int, events: Int) {
                let f = rankBounds[Int(so[r])]
                var k = r - f + 1, s: UInt64 = 0
                while k > 0 { s &+= tr[f + k]; k &= k - 1 }
                return (Int(s >> 32), Int(s & 0xFFFF_FFFF))
            }
            /// Counts one more row at rank r (and one more event when `event`).
            @inline(__always) func add(_ r: Int, event: Bool) {
                let st = Int(so[r])
                let f = rankBounds[st], len = rankBounds[st + 1] - f
                let one: UInt64 = 1 << 32 | (event ? 1 : 0)
                var k = r - f + 1
                while k <= len { tr[f + k] &+= one; k += k & -k }
            }
            /// Rows passed so far in the risk set of the row at position q (if it is an event; else 0),
            /// and events passed so far whose risk set holds it.
            @inline(__always) func passed(_ q: Int) -> (risk: Int, events: Int) {
                let c = Int(cd[q]), r = c >> 1
                let upToR = upTo(r)
                if c & 1 != 0 {
                    let risk = ps[Int(so[r])] - upToR.all + Int(pc[r])
                    return (risk, upToR.events - Int(pe[r]))
                }
                return (0, upToR.events)
            }
            @inline(__always) func enter(_ q: Int) {
                let c = Int(cd[q]), r = c >> 1
                add(r, event: c & 1 != 0)
                ps[Int(so[r])] += 1
                if c & 1 != 0 { pe[r] += 1 } else { pc[r] += 1 }
            }
            /// Adds the counts of the row at position q: smaller and equal x in its risk set (events)
            /// and among the events whose risk set holds it.
            @inline(__always) func count(_ q: Int, smaller: (risk: Int, events: Int), equal: (risk: Int, events: Int)) {
                let c0 = Int(cd[q]), r = c0 >> 1, dies = c0 & 1 != 0
                var c = 0, dd = 0, t = 0
                if dies {
                    let larger = above[r] + nCens[r] - smaller.risk - equal.risk
                    // event side: concordant when the longer survivor has the larger x
                    c += larger; dd += smaller.risk; t += equal.risk
                    tc += larger; td += smaller.risk; tt += equal.risk
                }
                let holding = below[r] + (dies ? 0 : nAll[r] - nCens[r])
                let larger = holding - smaller.events - equal.events
                c += smaller.events; dd += larger; t += equal.events
                df[q] = Int32(c - dd)
                sz[q] = Int32(c + dd + t)
            }
            var poll = CancelPoll(cancel)
            var g = range.lowerBound
            while g < range.upperBound {
                var h = g + 1
                let v = kp[g]
                while h < range.upperBound && kp[h] == v { h += 1 }
                if poll.stop(after: h - g) { break }
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
        }}}}}}}}}}}
        return (tc, td, tt, txy)
    }
}
