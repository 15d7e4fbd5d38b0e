// CoxTimeRanksTests.swift — the storage-order, per-rank-bucket partial likelihood (CoxTimeRanks) that
// CoxFit uses for right-censored data without clusters. CoxTests checks it against R on every
// reference model (it is the automatic path there); here:
//  * the routing: which models take it, and the fall-back to the sorted design when the distinct
//    (stratum, time) pairs are too many;
//  * the two algorithms agree (1e-10 relative) on every reference model, so the sorted path stays
//    checked against R for right-censored data too, and on a larger tied, stratified data set with
//    an Efron block of many deaths;
//  * the ranks: dense, by (stratum, time), -0.0 with 0;
//  * Concordance.ranked (the sweep in x order over time ranks) equals Concordance.harrell on data
//    with ties in time, in x and in both, with strata;
//  * the linear predictor that the ranked path writes in its last information pass is bit for bit
//    the one of a separate pass over the design (R's X beta - sum(means * beta));
//  * LogSum, the sum of the Efron denominators' logs taken 8 at a time, against one log per term.
import XCTest
@testable import SurvivalStats

final class CoxTimeRanksTests: XCTestCase {
    /// The numbers of a fit that both algorithms must give.
    func summary(_ f: CoxFitResult) -> [Double] {
        f.coefficients.flatMap { [$0.coef ?? .nan, $0.se ?? .nan] } + f.loglik + f.naiveVariance
            + [f.scoreTest.chisq, f.waldTest.chisq, f.lrTest.chisq, f.concordance?.concordance ?? .nan,
               f.concordance?.standardError ?? .nan, Double(f.iterations)]
    }

    func assertSameFit(_ data: CoxData, ties: CoxTies, control: CoxControl = .default, _ label: String) throws {
        func run(_ a: CoxAlgorithm) throws -> CoxFitResult {
            try CoxFit.fit(data, ties: ties, level: 0.95, control: control, concordance: true, cancel: .never, algorithm: a)
        }
        let ranked = try run(.automatic), sorted = try run(.sorted)
        // a fit drifting to an infinite coefficient (or stopped there) amplifies rounding: R's tolerance
        let rel = ranked.converged && ranked.coefficients.allSatisfy({ !$0.possiblyInfinite }) ? 1e-10 : 1e-6
        let (a, b) = (summary(ranked), summary(sorted))
        XCTAssertEqual(a.count, b.count, label)
        for k in 0..<min(a.count, b.count) { assertClose(a[k], b[k], rel: rel, abs: 1e-13, "\(label) value \(k)") }
        // linear predictors: x beta, whose rounding scales with |x| (1e8 in lung_offset_e8)
        for (i, (u, v)) in zip(ranked.linearPredictors, sorted.linearPredictors).enumerated() {
            let size = data.columns.indices.reduce(0.0) { $0 + abs(data.columns[$1][i] * (ranked.beta[$1].isNaN ? 0 : ranked.beta[$1])) }
            assertClose(u, v, rel: rel, abs: rel * size, "\(label) lp[\(i)]")
        }
    }

    func testRoutingTakesRankedPathOnlyWhereItApplies() throws {
        let ref = try XCTUnwrap(CoxReference.shared)
        var ranked = 0
        for m in ref.models {
            let data = try m.input.coxData()
            let ev = try CoxEvaluator(data, algorithm: .automatic, cancel: .never)
            let expectRanked = data.start == nil && data.cluster == nil
            if case .ranked = ev { ranked += 1; XCTAssertTrue(expectRanked, m.id) } else { XCTAssertFalse(expectRanked, m.id) }
            if case .ranked = try CoxEvaluator(data, algorithm: .sorted, cancel: .never) { XCTFail("\(m.id): .sorted gave ranked") }
        }
        XCTAssertGreaterThan(ranked, 10)
    }

    func testBothAlgorithmsAgreeOnEveryReferenceModel() throws {
        let ref = try XCTUnwrap(CoxReference.shared)
        for m in ref.models where m.input.start == nil && m.input.cluster == nil {
            try assertSameFit(try m.input.coxData(), ties: CoxTies(rawValue: m.ties)!, control: CoxControl(iterMax: m.iter_max),
                              m.id)
        }
    }

    /// 60,000 rows (4 chunks), 3 strata, times on a coarse grid (blocks of hundreds of deaths), a
    /// 0/1 column and a column with a large mean: Efron and Breslow agree with the sorted design.
    func testLargeTiedStratifiedDataAgree() throws {
        let data = try Self.largeTiedStratifiedData()
        guard case .ranked(let tr) = try CoxEvaluator(data, algorithm: .automatic, cancel: .never) else {
            return XCTFail("expected the ranked path")
        }
        XCTAssertLessThan(tr.rankCount, 1000)
        XCTAssertEqual(tr.strataCount, 3)
        for ties in CoxTies.allCases { try assertSameFit(data, ties: ties, "60k \(ties)") }
    }

    /// The rows and deaths per rank that CoxTimeRanks.make counts (the fit's concordance and its
    /// evaluation at 0 use them) are the rows' own, and the concordance given them is the same.
    func testRankCountsAreTheRowsAndGiveTheSameConcordance() throws {
        let data = try Self.largeTiedStratifiedData()
        let tr = try XCTUnwrap(try CoxTimeRanks.make(data, maxRanks: data.n, cancel: .never))
        var rows = [Int32](repeating: 0, count: tr.rankCount), deaths = rows
        for i in 0..<data.n { rows[Int(tr.rank[i])] += 1; if data.event[i] { deaths[Int(tr.rank[i])] += 1 } }
        XCTAssertEqual(tr.rankRows, rows)
        XCTAssertEqual(tr.rankDeaths, deaths)
        let x = (0..<data.n).map { data.columns[0][$0] + 0.5 * data.columns[1][$0] }
        func run(_ counts: (rows: [Int32], events: [Int32])?) -> [Double] {
            let c = Concordance.ranked(x: x, event: data.event, rank: tr.rank, rankBounds: tr.rankBounds, reverse: true,
                                       rankCounts: counts)
            return [c.concordant, c.discordant, c.tiedX, c.tiedY, c.tiedXY,
                    c.concordance, c.variance]
        }
        XCTAssertEqual(run((tr.rankRows, tr.rankDeaths)).map(\.bitPattern), run(nil).map(\.bitPattern))
    }

    /// The data of testLargeTiedStratifiedDataAgree (CoxTimeRanksZeroTests uses them too).
    static func largeTiedStratifiedData() throws -> CoxData {
        var rng = SplitMix64(seed: 15)
        let n = 60_000
        func u() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        var cols = [[Double]](repeating: [], count: 3)
        var time: [Double] = [], event: [Bool] = [], strata: [Int32] = []
        for _ in 0..<n {
            let a = u() * 2 - 1, b = u() < 0.4 ? 1.0 : 0.0, c = 2000 + 10 * u()
            cols[0].append(a); cols[1].append(b); cols[2].append(c)
            let rate = exp(0.7 * a - 0.4 * b + 0.05 * (c - 2005))
            time.append((-log(1 - u()) / rate * 20).rounded() + 1)
            event.append(u() < 0.8)
            strata.append(Int32(rng.next() % 3) - 1)
        }
        return try CoxData(columns: cols, columnNames: ["a", "b", "c"], stop: time, event: event, strata: strata)
    }

    /// R's fit$linear.predictors summed as a separate pass over the columns does it: per row
    /// 0 + x_j coef_j over the non-aliased columns with a non-zero coefficient, in column order, minus
    /// sum(means * coef) over the non-aliased ones.
    func separatePassLinearPredictor(_ fit: CoxFitResult, _ data: CoxData) -> [Double] {
        let coef = fit.beta.map { $0.isNaN ? 0 : $0 }
        var offset = 0.0
        for j in coef.indices where !fit.beta[j].isNaN { offset += fit.means[j] * coef[j] }
        let used = coef.indices.filter { coef[$0] != 0 }
        return (0..<data.n).map { i in
            var v = 0.0
            for j in used { v += data.columns[j][i] * coef[j] }
            return v - offset
        }
    }

    func assertLinearPredictorIsSeparatePass(_ data: CoxData, ties: CoxTies, control: CoxControl = .default,
                                             _ label: String) throws {
        let fit = try CoxFit.fit(data, ties: ties, control: control)
        let want = separatePassLinearPredictor(fit, data)
        XCTAssertEqual(fit.linearPredictors.count, want.count, label)
        let differing = zip(fit.linearPredictors, want).filter { $0.bitPattern != $1.bitPattern }.count
        XCTAssertEqual(differing, 0, "\(label): rows whose linear predictor differs")
    }

    func testLinearPredictorFromTheLastInformationPassIsBitIdentical() throws {
        let ref = try XCTUnwrap(CoxReference.shared)
        // every right-censored reference model: aliased columns, iter.max = 0, 1, 2 (out of iterations)
        for m in ref.models where m.input.start == nil && m.input.cluster == nil {
            try assertLinearPredictorIsSeparatePass(try m.input.coxData(), ties: CoxTies(rawValue: m.ties)!,
                                                    control: CoxControl(iterMax: m.iter_max), m.id)
        }
        // 60,000 rows (4 chunks of the information pass), a constant (aliased) column, out of iterations
        var rng = SplitMix64(seed: 1507)
        func u() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        let n = 60_000
        var cols = [[Double]](repeating: [], count: 3)
        var time: [Double] = [], event: [Bool] = []
        for _ in 0..<n {
            let a = u() * 2 - 1, b = u() < 0.4 ? 1.0 : 0.0
            cols[0].append(a); cols[1].append(b); cols[2].append(3)
            time.append((-log(1 - u()) / exp(0.7 * a - 0.4 * b) * 20).rounded() + 1)
            event.append(u() < 0.8)
        }
        let data = try CoxData(columns: cols, columnNames: ["a", "b", "k"], stop: time, event: event)
        guard case .ranked = try CoxEvaluator(data, algorithm: .automatic, cancel: .never) else {
            return XCTFail("expected the ranked path")
        }
        for ties in CoxTies.allCases {
            for it in [1, 2, 20] { try assertLinearPredictorIsSeparatePass(data, ties: ties, control: CoxControl(iterMax: it), "60k \(ties) iter.max=\(it)") }
        }
    }

    func testTooManyDistinctTimesFallBackToSortedDesign() throws {
        let data = try CoxData(columns: [[1, 2, 3, 4, 5, 6]], columnNames: ["x"], stop: [1, 2, 3, 4, 5, 6],
                               event: [true, false, true, true, false, true])
        XCTAssertNil(try CoxTimeRanks.make(data, maxRanks: 5, cancel: .never))
        XCTAssertNotNil(try CoxTimeRanks.make(data, maxRanks: 6, cancel: .never))
        XCTAssertEqual(CoxEvaluator.maxRanks(n: 1000, p: 3), 1000)
        XCTAssertEqual(CoxEvaluator.maxRanks(n: 1_000_000, p: 10), 1_000_000 * 10 / (4 * 22))
    }

    func testRanksAreDenseByStratumThenTime() throws {
        let r = try XCTUnwrap(try CoxTimeRanks.rankPairs(stop: [3, 0, 1, -0.0, 3, 1], strata: [2, 1, 1, 1, -1, 2], maxRanks: 10,
                                                         cancel: .never))
        // (-1,3) | (1,0) (1,1) | (2,1) (2,3)
        XCTAssertEqual(r.rank, [4, 1, 2, 1, 0, 3])
        XCTAssertEqual(r.time, [3, 0, 1, 1, 3])
        XCTAssertEqual(r.bounds, [0, 1, 3, 5])
    }

    /// Over CoxParallel's row chunks (each finds its own pairs, merged in row order) the ranks, the
    /// time of each rank (its first row's: -0 where -0 comes first, in a later chunk than the first),
    /// the strata bounds and the deaths and rows per rank are those of one pass over the rows, for 1, 2
    /// and 3 threads; and the limit is on all the chunks' distinct pairs, not on each chunk's.
    func testRankPairsOverChunksAreTheOnePassRanks() throws {
        var rng = SplitMix64(seed: 15_0701)
        let n = 120_000   // 4 chunks of 30,000 rows
        var time: [Double] = [], strata: [Int32] = [], event: [Bool] = []
        for i in 0..<n {
            // no zero time in the first chunk; -0 first in the second, +0 first in the third
            let zero = i >= 30_000 && i % 997 == 0 ? (i < 60_000 ? -0.0 : 0.0) : nil
            time.append(zero ?? Double(1 + rng.next() % 400) / 4)
            strata.append(Int32(rng.next() % 3) - 1)
            event.append(rng.next() % 5 < 3)
        }
        // the one pass: pairs in order of first appearance, sorted by (stratum, time)
        var firstTime: [String: Double] = [:], order: [String] = []
        func key(_ i: Int) -> String { "\(strata[i])|\(RadixSort.sortableBits(time[i]))" }
        for i in 0..<n where firstTime[key(i)] == nil { firstTime[key(i)] = time[i]; order.append(key(i)) }
        var pairOf: [String: (Int32, UInt64)] = [:]
        for i in 0..<n { pairOf[key(i)] = (strata[i], RadixSort.sortableBits(time[i])) }
        let sorted: [String] = pairOf.sorted { $0.value.0 != $1.value.0 ? $0.value.0 < $1.value.0 : $0.value.1 < $1.value.1 }.map(\.key)
        let rankOf = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, Int32($0)) })
        var deaths = [Int32](repeating: 0, count: sorted.count), rows = deaths
        for i in 0..<n { let r = Int(rankOf[key(i)]!); rows[r] += 1; deaths[r] += event[i] ? 1 : 0 }
        XCTAssertTrue(sorted.contains { firstTime[$0]!.sign == .minus && firstTime[$0]! == 0 }, "a -0 rank")
        for threads in [1, 2, 3] {
            let r = try XCTUnwrap(Parallelism.$threads.withValue(threads) {
                try CoxTimeRanks.rankPairs(stop: time, strata: strata, event: event, maxRanks: n, cancel: .never)
            })
            XCTAssertEqual(r.rank, (0..<n).map { rankOf[key($0)]! }, "threads=\(threads)")
            XCTAssertEqual(r.time.map(\.bitPattern), sorted.map { firstTime[$0]!.bitPattern }, "threads=\(threads)")
            let groups = sorted.map { $0.split(separator: "|")[0] }
            XCTAssertEqual(r.bounds, [0] + (1..<sorted.count).filter { groups[$0] != groups[$0 - 1] } + [sorted.count])
            XCTAssertEqual(r.deaths, deaths)
            XCTAssertEqual(r.rows, rows)
        }
        // 6 distinct times in each chunk, 12 in all: the limit 11 is passed only when the chunks are merged
        let split: [Double] = (0..<n).map { i in
            let chunk = i / 30_000
            return Double(chunk % 2 * 6 + i % 6)
        }
        XCTAssertNil(try CoxTimeRanks.rankPairs(stop: split, strata: nil, maxRanks: 11, cancel: .never)?.time)
        XCTAssertEqual(try CoxTimeRanks.rankPairs(stop: split, strata: nil, maxRanks: 12, cancel: .never)?.time, (0..<12).map(Double.init))
    }

    func testRankedConcordanceEqualsSortedSweeps() throws {
        var rng = SplitMix64(seed: 1506)
        // above CoxParallel.minRows the x order is swept in chunks: with 7 values of x each chunk
        // boundary moves to the start of a group of equal x; with 60,000 values most groups are small
        for (n, reverse, values) in [(40, false, 7), (500, true, 7), (3000, false, 7), (120_000, true, 7), (120_000, false, 60_000)] {
            var time: [Double] = [], event: [Bool] = [], x: [Double] = [], strata: [Int32] = []
            for _ in 0..<n {
                time.append(Double(rng.next() % 12))
                event.append(rng.next() % 3 != 0)
                x.append(Double(rng.next() % UInt64(values)) - 3)
                strata.append(Int32(rng.next() % 2))
            }
            let want = try Concordance.harrell(time: time, event: event, x: x, strata: strata, reverse: reverse)
            let r = try XCTUnwrap(try CoxTimeRanks.rankPairs(stop: time, strata: strata, maxRanks: n, cancel: .never))
            let got = Concordance.ranked(x: x, event: event, rank: r.rank, rankBounds: r.bounds, reverse: reverse)
            XCTAssertEqual([got.concordant, got.discordant, got.tiedX, got.tiedY, got.tiedXY],
                           [want.concordant, want.discordant, want.tiedX, want.tiedY, want.tiedXY], "n=\(n)")
            if n >= 500 { XCTAssertGreaterThan(want.tiedXY, 0, "n=\(n)") }
            assertClose(got.concordance, want.concordance, rel: 1e-14, abs: 0, "C n=\(n)")
            assertClose(got.variance, want.variance, rel: 1e-12, abs: 0, "var n=\(n)")
        }
    }

    /// LogSum equals the sum of the terms' own logs to rounding, for terms of any size (products
    /// of 8 in [2^-100, 2^100] stay normal; terms outside take their own log), and keeps -inf for a
    /// zero and NaN for a negative or NaN term.
    func testLogSumIsTheSumOfLogs() {
        var rng = SplitMix64(seed: 42)
        for trial in 0..<300 {
            let count = 1 + Int(rng.next() % 40)
            var terms: [Double] = []
            for _ in 0..<count {
                // magnitudes from 2^-300 to 2^300, most near 1 to 1e7 (risk-set sums)
                let wide = rng.next() % 4 == 0
                let e = wide ? Double(Int(rng.next() % 600) - 300) : Double(rng.next() % 24)
                terms.append((1 + Double(rng.next() % 1_000_000) / 1e6) * pow(2, e))
            }
            var sum = LogSum()
            for t in terms { sum.add(t) }
            let naive = terms.reduce(0) { $0 + log($1) }
            let size = terms.reduce(0) { $0 + abs(log($1)) }
            XCTAssertEqual(sum.total, naive, accuracy: 1e-14 * max(size, 1), "trial \(trial): \(terms)")
        }
        var huge = LogSum()
        for _ in 0..<1000 { huge.add(0x1p100) }
        XCTAssertEqual(huge.total, 100_000 * log(2.0), accuracy: 1e-9, "in range at the edge: no overflow")
        for e in [200.0, -200.0, 1000.0, -1060.0] {
            var extreme = LogSum()
            for _ in 0..<20 { extreme.add(pow(2, e)) }
            XCTAssertEqual(extreme.total, 20 * e * log(2.0), accuracy: 1e-9, "2^\(e): each its own log, no product over- or underflows")
        }
        var zero = LogSum()
        zero.add(3); zero.add(0); zero.add(5)
        XCTAssertEqual(zero.total, -.infinity)
        var negative = LogSum()
        negative.add(3); negative.add(-1)
        XCTAssertTrue(negative.total.isNaN)
        var empty = LogSum()
        XCTAssertEqual(empty.total, 0)
        empty.add(1)
        XCTAssertEqual(empty.total, 0)
    }

    /// The per-rank Efron/Breslow sums are made over ranges of ranks on the threads when there are
    /// 2^16 deaths or more: every event rank must get the terms of its own risk set (one pass down
    /// each stratum, as the serial loop always added them) and the others none, whatever the cut.
    func testRankTermsOverRangesAreEachRanksOwn() throws {
        var s: UInt64 = 11
        func u() -> Double {
            s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(s >> 11) / Double(1 << 53)
        }
        let n = 150_000
        let time = (0..<n).map { _ in (u() * 3000).rounded() }          // ~3,000 distinct times
        let event = (0..<n).map { _ in u() < 0.6 }                       // ~90,000 deaths: over 2^16
        let strata = (0..<n).map { _ in Int32(u() < 0.3 ? 1 : 0) }
        let data = try CoxData(columns: [(0..<n).map { _ in u() }], columnNames: ["x"], stop: time, event: event, strata: strata)
        let tr = try XCTUnwrap(try CoxTimeRanks.make(data, maxRanks: n, cancel: .never))
        XCTAssertGreaterThanOrEqual(tr.rankDeaths.reduce(0) { $0 + Int($1) }, 1 << 16)
        let buckets = (0..<(tr.rankCount * tr.bucketStride)).map { _ in u() * 10 }
        for efron in [true, false] {
            for likelihood in [true, false] {
                let got = tr.rankTerms(buckets, efron: efron, likelihood: likelihood)
                XCTAssertEqual(got.count, tr.rankCount)
                for st in 0..<tr.strataCount {
                    var t0 = 0.0
                    for r in stride(from: tr.rankBounds[st + 1] - 1, through: tr.rankBounds[st], by: -1) {
                        let n0 = buckets[r * tr.bucketStride], e0 = buckets[r * tr.bucketStride + 1 + tr.p]
                        let want = tr.rankDeaths[r] == 0 ? CoxTimeRanks.RankTerms()
                            : CoxTimeRanks.terms(riskSize: t0 + n0, deathWeight: e0, deaths: Int(tr.rankDeaths[r]), efron: efron,
                                                 likelihood: likelihood)
                        let g = got[r]
                        XCTAssertEqual([g.c, g.e, g.alpha, g.beta, g.gamma, g.logs].map(\.bitPattern),
                                       [want.c, want.e, want.alpha, want.beta, want.gamma, want.logs].map(\.bitPattern),
                                       "rank \(r), efron \(efron), likelihood \(likelihood)")
                        t0 += n0 + e0
                    }
                }
            }
        }
    }
}
