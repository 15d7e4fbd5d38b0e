// RadixSortBucketsTests.swift — RadixSort.bucketSorted (the concordance's sort by the values) gives
// exactly RadixSort.sorted's answer (keys, and the payload in the same stable order) on inputs that
// take each of its paths: continuous values, heavy ties, skewed buckets (the 8-bit radix fallback),
// signed zeros, all equal, non-finite keys and ranges whose scale is not finite (the plain sort),
// the sizes around its threshold, empty and one element; for 1, 2 and 3 threads. And the growing
// (stratum, time) hash of CoxTimeRanks.rankPairs gives dense ranks through many doublings.

import XCTest
@testable import SurvivalStats

final class RadixSortBucketsTests: XCTestCase {
    /// Asserts bucketSorted == sorted on `keys` with the payload 0 ..< n (so the order is compared too).
    private func assertSameAsRadix(_ keys: [Double], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let idx = (0..<keys.count).map { Int32($0) }
        let want = RadixSort.sorted(keys: keys, payload: idx)
        for threads in [1, 2, 3] {
            let got = Parallelism.$threads.withValue(threads) { RadixSort.bucketSorted(keys: keys, payload: idx) }
            XCTAssertEqual(got.keys, want.keys, "\(label) keys, threads=\(threads)", file: file, line: line)
            XCTAssertEqual(got.payload, want.payload, "\(label) order, threads=\(threads)", file: file, line: line)
        }
    }

    private func uniform(_ rng: inout SplitMix64) -> Double { Double(rng.next() >> 11) / Double(1 << 53) }

    func testContinuousAndTiedValues() {
        var rng = SplitMix64(seed: 15_1)
        for n in [RadixSort.minBucketRows - 1, RadixSort.minBucketRows, 10_000, 120_000] {
            // roughly normal (a Cox fit's linear predictor), chunked above CoxParallel.minRows
            let normal = (0..<n).map { _ in (0..<4).reduce(0.0) { s, _ in s + uniform(&rng) } - 2 }
            assertSameAsRadix(normal, "normal n=\(n)")
            // 7 values: every bucket one run of ties, larger than the insertion sort
            assertSameAsRadix((0..<n).map { _ in Double(rng.next() % 7) - 3 }, "7 values n=\(n)")
            // two decimals: small ties inside the sub-buckets
            assertSameAsRadix((0..<n).map { _ in (uniform(&rng) * 100).rounded() / 100 }, "ties n=\(n)")
        }
    }

    func testSkewedValuesTakeTheRadixFallback() {
        var rng = SplitMix64(seed: 15_2)
        let n = 60_000
        // geometric: nearly everything in the first bucket, and again in its first sub-bucket
        let geometric = (0..<n).map { _ in pow(1.5, -Double(rng.next() % 1500)) * (rng.next() % 2 == 0 ? 1 : -1) }
        assertSameAsRadix(geometric, "geometric")
        // one far outlier: the rest in one bucket
        var outlier = (0..<n).map { _ in uniform(&rng) }
        outlier[n / 2] = 1e12
        assertSameAsRadix(outlier, "outlier")
        // signed zeros among small values: -0.0 and +0.0 are one key, in input order
        assertSameAsRadix((0..<n).map { i in i % 3 == 0 ? (i % 2 == 0 ? -0.0 : 0.0) : uniform(&rng) * 1e-300 }, "zeros")
        // subnormal values only
        assertSameAsRadix((0..<n).map { _ in Double(bitPattern: rng.next() % 1000) }, "subnormal")
    }

    func testDegenerateInputsTakeThePlainSort() {
        var rng = SplitMix64(seed: 15_3)
        let n = 20_000
        assertSameAsRadix([Double](repeating: 2.5, count: n), "all equal")
        assertSameAsRadix((0..<n).map { i in i % 2 == 0 ? -1e308 : 1e308 * uniform(&rng) }, "range overflows")
        assertSameAsRadix((0..<n).map { i in i == 7 ? .infinity : uniform(&rng) }, "infinite key")
        assertSameAsRadix((0..<n).map { i in i == 7 ? -.infinity : uniform(&rng) }, "minus infinite key")
        assertSameAsRadix([], "empty")
        assertSameAsRadix([3], "one")
        assertSameAsRadix([2, 1, 2], "three")
    }

    /// Enough distinct (stratum, time) pairs for the hash to double many times: ranks dense by
    /// stratum then time, the same as counted from the sorted distinct pairs; nil just above maxRanks.
    func testRankPairsThroughManyDoublings() throws {
        var rng = SplitMix64(seed: 15_4)
        let n = 50_000
        let time = (0..<n).map { _ in Double(rng.next() % 9000) / 10 }
        let strata = (0..<n).map { _ in Int32(rng.next() % 3) - 1 }
        let r = try XCTUnwrap(try CoxTimeRanks.rankPairs(stop: time, strata: strata, maxRanks: n, cancel: .never))
        struct Pair: Hashable, Comparable {
            let g: Int32, t: Double
            static func < (a: Pair, b: Pair) -> Bool { a.g != b.g ? a.g < b.g : a.t < b.t }
        }
        let distinct = Set((0..<n).map { Pair(g: strata[$0], t: time[$0]) }).sorted()
        XCTAssertGreaterThan(distinct.count, 20_000)
        let rankOf = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, Int32($0)) })
        XCTAssertEqual(r.rank, (0..<n).map { rankOf[Pair(g: strata[$0], t: time[$0])]! })
        XCTAssertEqual(r.time, distinct.map(\.t))
        XCTAssertEqual(r.bounds, [0] + (1..<distinct.count).filter { distinct[$0].g != distinct[$0 - 1].g } + [distinct.count])
        XCTAssertNotNil(try CoxTimeRanks.rankPairs(stop: time, strata: strata, maxRanks: distinct.count, cancel: .never))
        XCTAssertNil(try CoxTimeRanks.rankPairs(stop: time, strata: strata, maxRanks: distinct.count - 1, cancel: .never))
    }
}
