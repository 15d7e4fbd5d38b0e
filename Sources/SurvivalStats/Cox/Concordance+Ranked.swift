// Concordance+Ranked.swift — Harrell's C of a predictor when every row carries the dense rank of its
// (stratum, time) (CoxTimeRanks gives them): one sweep in the order of x with counts per time rank, so
// nothing is indexed by the n ranks of x. Same pairs, counts and variance as `compute` (its header
// has R's conventions); no clusters.
//
// Algorithm: the rows in ascending x (RadixSort), a group of equal x at a time. Fenwick trees over
// the time ranks (one segment per stratum) count the rows already passed (smaller x): all rows, and
// the events; arrays count the passed censored rows and events per rank. For an event at rank r
// (its risk set: rows of its stratum with rank > r, and rows censored at r) the rows of smaller x in
// its risk set are all(ranks > r) + censored(r); for any row at rank r, the events whose risk set
// holds it (events of its stratum with rank < r, and at r when the row is censored) with smaller x
// are events(< r) (+ events(r)). The same counts after the group is added give "smaller or equal";
// "larger" is the size of the set minus both. O(n log D) after the sort (D distinct pairs, trees in
// the cache). Per row only c - d and c + d + tied.x are kept, for the variance.

import Foundation

extension Concordance {
    /// Concordance of `x` (input order) for rows whose (stratum, time) rank is `rank` (ranks of
    /// stratum s: `rankBounds[s] ..< rankBounds[s + 1]`, ascending time), `reverse` as in `compute`.
    /// A `cancel` that fires makes the sweep stop early: the caller must `try cancel.check()` before use.
    static func ranked(x: [Double], event: [Bool], rank: [Int32], rankBounds: [Int], reverse: Bool,
                       cancel: Cancellation = .never) -> ConcordanceResult {
        let n = x.count
        let d = rankBounds.last ?? 0
        let strata = rankBounds.count - 1
        // per rank: stratum, rows, censored rows; the sizes of the two sets of each row
        var stratumOf = [Int32](repeating: 0, count: d)
        var nAll = [Int](repeating: 0, count: d), nCens = [Int](repeating: 0, count: d)
        for s in 0..<strata { for r in rankBounds[s]..<rankBounds[s + 1] { stratumOf[r] = Int32(s) } }
        for i in 0..<n { nAll[Int(rank[i])] += 1; if !event[i] { nCens[Int(rank[i])] += 1 } }
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
        let order = RadixSort.order(keys: x, cancel: cancel)
        var treeAll = [Int32](repeating: 0, count: d + 1), treeEv = [Int32](repeating: 0, count: d + 1)
        var passedCens = [Int32](repeating: 0, count: d), passedEv = [Int32](repeating: 0, count: d)
        var passedInStratum = [Int](repeating: 0, count: strata)
        var diff = [Int32](repeating: 0, count: n)        // c - d per row (x order)
        var size = [Int32](repeating: 0, count: n)        // c + d + tied.x per row
        var tc = 0, td = 0, tt = 0, txy = 0
        var eventRanks: [Int32] = []
        passedInStratum.withUnsafeMutableBufferPointer { ps in
        treeAll.withUnsafeMutableBufferPointer { ta in
        treeEv.withUnsafeMutableBufferPointer { te in
        passedCens.withUnsafeMutableBufferPointer { pc in
        passedEv.withUnsafeMutableBufferPointer { pe in
        diff.withUnsafeMutableBufferPointer { df in
        size.withUnsafeMutableBufferPointer { sz in
        order.withUnsafeBufferPointer { op in
        rank.withUnsafeBufferPointer { rk in
        event.withUnsafeBufferPointer { ev in
        x.withUnsafeBufferPointer { xp in
            if cancel.isCancelled { return }
            /// Sum of a tree over the ranks of r's stratum up to r (inclusive).
            @inline(__always) func upTo(_ t: UnsafeMutableBufferPointer<Int32>, _ r: Int) -> Int {
                let f = rankBounds[Int(stratumOf[r])]
                var k = r - f + 1, s = 0
                while k > 0 { s += Int(t[f + k]); k &= k - 1 }
                return s
            }
            @inline(__always) func add(_ t: UnsafeMutableBufferPointer<Int32>, _ r: Int) {
                let st = Int(stratumOf[r])
                let f = rankBounds[st], len = rankBounds[st + 1] - f
                var k = r - f + 1
                while k <= len { t[f + k] += 1; k += k & -k }
            }
            /// Rows passed so far in the risk set of row i (if it is an event; else 0), and events
            /// passed so far whose risk set holds row i.
            @inline(__always) func passed(_ i: Int) -> (risk: Int, events: Int) {
                let r = Int(rk[i])
                let allUpTo = upTo(te, r)
                if ev[i] {
                    let risk = ps[Int(stratumOf[r])] - upTo(ta, r) + Int(pc[r])
                    return (risk, allUpTo - Int(pe[r]))
                }
                return (0, allUpTo)
            }
            @inline(__always) func enter(_ i: Int) {
                let r = Int(rk[i])
                add(ta, r)
                ps[Int(stratumOf[r])] += 1
                if ev[i] { add(te, r); pe[r] += 1 } else { pc[r] += 1 }
            }
            /// Adds row i's counts: smaller and equal x in its risk set (events) and among the events
            /// whose risk set holds it; pos is its place in x order.
            @inline(__always) func count(_ i: Int, pos: Int, smaller: (risk: Int, events: Int), equal: (risk: Int, events: Int)) {
                let r = Int(rk[i])
                var c = 0, dd = 0, t = 0
                if ev[i] {
                    let larger = above[r] + nCens[r] - smaller.risk - equal.risk
                    // event side: concordant when the longer survivor has the larger x
                    c += larger; dd += smaller.risk; t += equal.risk
                    tc += larger; td += smaller.risk; tt += equal.risk
                }
                let holding = below[r] + (ev[i] ? 0 : nAll[r] - nCens[r])
                let larger = holding - smaller.events - equal.events
                c += smaller.events; dd += larger; t += equal.events
                df[pos] = Int32(c - dd)
                sz[pos] = Int32(c + dd + t)
            }
            var poll = CancelPoll(cancel)
            var before: [(risk: Int, events: Int)] = []
            var g = 0
            while g < n {
                var h = g + 1
                let v = xp[Int(op[g])]
                while h < n && xp[Int(op[h])] == v { h += 1 }
                if poll.stop(after: h - g) { break }
                if h == g + 1 {
                    let i = Int(op[g])
                    count(i, pos: g, smaller: passed(i), equal: (0, 0))
                    enter(i)
                } else {
                    before.removeAll(keepingCapacity: true)
                    eventRanks.removeAll(keepingCapacity: true)
                    for q in g..<h { before.append(passed(Int(op[q]))) }
                    for q in g..<h { let i = Int(op[q]); enter(i); if ev[i] { eventRanks.append(rk[i]) } }
                    for q in g..<h {
                        let i = Int(op[q])
                        let after = passed(i), b = before[q - g]
                        count(i, pos: q, smaller: b, equal: (after.risk - b.risk, after.events - b.events))
                    }
                    // events at the same time with the same x
                    txy += equalPairs(&eventRanks)
                }
                g = h
            }
        }}}}}}}}}}}
        return finish(c: tc, d: td, tx: tt, ty: pairsY - txy, txy: txy, reverse: reverse) { somers, npair in
            var ss = 0.0
            for k in 0..<n {
                let v = (Double(diff[k]) - somers * Double(size[k])) / npair
                ss += v * v
            }
            return ss
        }
    }
}
