// ConcordanceRankedTests.swift — Concordance.ranked (a Cox fit's concordance on the ranked path: rows
// sorted by x with their time rank and event made as they are scattered, facts per rank, passed counts,
// each row's counts written over its sorted key) against the definition:
//  * every pair, O(n^2), on stratified data with many ties in time, in x and in both, below and above
//    the size where the sort goes by buckets (RadixSort.minBucketRows): the five counts exactly, and
//    C and its variance from the per-subject counts of the pairs (rel 1e-12), so a row's own counts
//    are checked, not only the totals;
//  * the sorted sweeps (Concordance.harrell) above CoxParallel.minRows with thousands of ranks in
//    several strata, for 1 and 2 threads: the sweep's chunks, prefetches and Fenwick segments of many
//    levels; counts exactly, C and variance to rounding.

import XCTest
@testable import SurvivalStats

final class ConcordanceRankedTests: XCTestCase {
    /// Counts (non-reversed: the longer survivor has the larger x) and IJ variance over all pairs.
    private func allPairs(time: [Double], event: [Bool], x: [Double], strata: [Int32]) -> (counts: [Double], c: Double, variance: Double) {
        let n = time.count
        var c = 0, d = 0, tx = 0, ty = 0, txy = 0
        var ci = [Int](repeating: 0, count: n), di = ci, ti = ci
        for i in 0..<n where event[i] {
            for j in 0..<n where j != i && strata[j] == strata[i] {
                let atRisk = time[j] > time[i] || (time[j] == time[i] && !event[j])
                if atRisk {
                    if x[j] > x[i] { c += 1; ci[i] += 1; ci[j] += 1 } else if x[j] < x[i] { d += 1; di[i] += 1; di[j] += 1 } else {
                        tx += 1; ti[i] += 1; ti[j] += 1
                    }
                } else if j > i && event[j] && time[j] == time[i] {
                    if x[i] == x[j] { txy += 1 } else { ty += 1 }
                }
            }
        }
        let npair = Double(c + d + tx), somers = Double(c - d) / npair
        var ss = 0.0
        for i in 0..<n {
            let v = (Double(ci[i] - di[i]) - somers * Double(ci[i] + di[i] + ti[i])) / npair
            ss += v * v
        }
        return ([Double(c), Double(d), Double(tx), Double(ty), Double(txy)], (somers + 1) / 2, ss / 4)
    }

    private struct Rows {
        var time: [Double] = [], event: [Bool] = [], x: [Double] = [], strata: [Int32] = []
    }

    private func rows(_ n: Int, times: UInt64, xValues: UInt64, strata: UInt64, rng: inout SplitMix64) -> Rows {
        var r = Rows()
        for _ in 0..<n {
            r.time.append(Double(rng.next() % times) / 4)
            r.event.append(rng.next() % 5 < 3)
            r.x.append((Double(rng.next() % xValues) - Double(xValues / 2)) / 8)
            r.strata.append(Int32(rng.next() % strata))
        }
        return r
    }

    private func ranked(_ r: Rows, reverse: Bool) throws -> ConcordanceResult {
        let ranks = try XCTUnwrap(try CoxTimeRanks.rankPairs(stop: r.time, strata: r.strata, maxRanks: r.time.count, cancel: .never))
        return Concordance.ranked(x: r.x, event: r.event, rank: ranks.rank, rankBounds: ranks.bounds, reverse: reverse)
    }

    func testRankedCountsEveryPair() throws {
        var rng = SplitMix64(seed: 15_07)
        // 5,000 rows: the bucket sort (with its sub-bucket radix and insertion sorts) on one chunk
        for (n, times, xValues, strata) in [(60, 6, 4, 2), (700, 40, 25, 3), (5000, 300, 400, 4), (5000, 2000, 5000, 1)] {
            let r = rows(n, times: UInt64(times), xValues: UInt64(xValues), strata: UInt64(strata), rng: &rng)
            let want = allPairs(time: r.time, event: r.event, x: r.x, strata: r.strata)
            for reverse in [false, true] {
                let got = try ranked(r, reverse: reverse)
                let counts = reverse ? [want.counts[1], want.counts[0]] + want.counts[2...] : want.counts
                XCTAssertEqual([got.concordant, got.discordant, got.tiedX, got.tiedY, got.tiedXY], counts, "n=\(n) reverse=\(reverse)")
                assertClose(got.concordance, reverse ? 1 - want.c : want.c, rel: 1e-12, abs: 0, "C n=\(n)")
                assertClose(got.variance, want.variance, rel: 1e-12, abs: 0, "variance n=\(n)")
            }
            if xValues <= 400 {
                XCTAssertGreaterThan(want.counts[2], 0, "ties in x, n=\(n)")
                XCTAssertGreaterThan(want.counts[4], 0, "events tied in time and x, n=\(n)")
            }
        }
    }

    func testRankedEqualsSortedSweepsWithManyRanks() throws {
        var rng = SplitMix64(seed: 15_08)
        // 200,000 rows in 5 strata with up to 4,000 times each; x with ties (3,000 values) or nearly none
        for (xValues, reverse) in [(UInt64(3000), true), (UInt64(1) << 40, false)] {
            let r = rows(200_000, times: 4000, xValues: xValues, strata: 5, rng: &rng)
            let want = try Concordance.harrell(time: r.time, event: r.event, x: r.x, strata: r.strata, reverse: reverse)
            for threads in [1, 2] {
                let got = try Parallelism.$threads.withValue(threads) { try ranked(r, reverse: reverse) }
                XCTAssertEqual([got.concordant, got.discordant, got.tiedX, got.tiedY, got.tiedXY],
                               [want.concordant, want.discordant, want.tiedX, want.tiedY, want.tiedXY], "x values \(xValues)")
                assertClose(got.concordance, want.concordance, rel: 1e-14, abs: 0, "C x values \(xValues)")
                assertClose(got.variance, want.variance, rel: 1e-12, abs: 0, "variance x values \(xValues)")
            }
        }
    }
}
